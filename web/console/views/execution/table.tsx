import { useEffect, useRef } from 'preact/hooks';
import type { AslDefinition } from '../../model/definition';
import { resourceOf } from '../../model/definition';
import { backoffWaits, type StateRun } from '../../model/history';
import { formatDuration } from '../../components/format';
import { STATUS_LABELS } from '../../graph/style';

interface TableProps {
  runs: StateRun[];
  definition: AslDefinition;
  /** The execution's start and its end (now, while it runs), in epoch ms: the timeline's scale. */
  span: { from: number; to: number };
  selected?: string;
  onSelect: (state: string) => void;
}

/** One run's bar on the execution's timeline: its attempts, and the backoff waits between them. */
const TimelineBar = ({ run, span }: { run: StateRun; span: { from: number; to: number } }) => {
  const total = Math.max(span.to - span.from, 1);
  const at = (t: number) => `${(100 * (t - span.from)) / total}%`;
  const width = (a: number, b: number) => `${Math.max((100 * (b - a)) / total, 0.4)}%`;
  const end =
    run.exitedAt ?? (run.status === 'in-progress' ? span.to : (run.attempts.at(-1)?.endedAt ?? run.enteredAt));
  return (
    <div
      class="timeline"
      role="img"
      aria-label={`${run.name}: ${formatDuration(end - run.enteredAt)}, ${run.attempts.length} attempt(s)`}
    >
      <span class={`bar run ${run.status}`} style={{ left: at(run.enteredAt), width: width(run.enteredAt, end) }} />
      {run.attempts.map((attempt, i) => (
        <span
          key={`a${i}`}
          class={`bar attempt ${attempt.outcome}`}
          title={`Attempt ${i + 1}: ${attempt.outcome}${attempt.error ? ` (${attempt.error})` : ''}`}
          style={{ left: at(attempt.startedAt), width: width(attempt.startedAt, attempt.endedAt ?? span.to) }}
        />
      ))}
      {backoffWaits(run).map((wait, i) => (
        <span
          key={`w${i}`}
          class="bar backoff"
          title={`Backoff ${formatDuration(wait.to - wait.from)}`}
          style={{ left: at(wait.from), width: width(wait.from, wait.to) }}
        />
      ))}
    </div>
  );
};

/**
 * The table view: one row per state entered, with its timeline bar (retries and backoff waits). Its
 * columns share the width it has (a fixed layout): the timeline always fits, and when the step panel
 * narrows it, the type and resource columns give way (a container query in console.css).
 */
export const RunsTable = ({ runs, definition, span, selected, onSelect }: TableProps) => {
  const table = useRef<HTMLTableElement>(null);
  // The state selected elsewhere (the graph, the failure banner) is scrolled into view.
  useEffect(() => {
    table.current?.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <table class="table runs" aria-label="States entered" ref={table}>
      <colgroup>
        <col class="col-state" />
        <col class="col-type" />
        <col class="col-status" />
        <col class="col-resource" />
        <col class="col-started" />
        <col class="col-duration" />
        <col class="col-timeline" />
      </colgroup>
      <thead>
        <tr>
          <th>State</th>
          <th class="col-type">Type</th>
          <th>Status</th>
          <th class="col-resource">Resource</th>
          <th>Started after</th>
          <th>Duration</th>
          <th class="timeline-head">Timeline</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const end = run.exitedAt ?? run.attempts.at(-1)?.endedAt;
          return (
            <tr
              key={run.eventId}
              class={selected === run.name ? 'selected' : ''}
              data-state={run.name}
              data-status={run.status}
            >
              <td>
                <button type="button" class="link" onClick={() => onSelect(run.name)}>
                  {run.name}
                </button>
              </td>
              <td class="col-type">{run.type}</td>
              <td>
                <span class={`status-dot ${run.status}`} />
                {STATUS_LABELS[run.status]}
                {run.retries > 0 && (
                  <span class="retries" title="Retries">
                    {' '}
                    ↻ {run.retries}
                  </span>
                )}
              </td>
              <td class="resource col-resource" title={resourceOf(definition.States[run.name])}>
                {resourceOf(definition.States[run.name]) ?? '–'}
              </td>
              <td>{formatDuration(run.enteredAt - span.from)}</td>
              <td>
                {formatDuration(
                  end === undefined
                    ? run.status === 'in-progress'
                      ? span.to - run.enteredAt
                      : undefined
                    : end - run.enteredAt,
                )}
              </td>
              <td class="timeline-cell">
                <TimelineBar run={run} span={span} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};
