import { Details, JsonBlock } from '../../components/common';
import { formatDuration, formatTime } from '../../components/format';
import { STATUS_LABELS } from '../../graph/style';
import { type AslState, resourceOf } from '../../model/definition';
import type { ExecutionStates } from '../../model/history';

/** The step panel: the selected state's input, output, error and cause, its attempts, and its definition. */
export const StepPanel = ({
  name,
  state,
  states,
  onClose,
}: {
  name: string;
  state: AslState | undefined;
  states: ExecutionStates;
  onClose: () => void;
}) => {
  const run = states.latest.get(name);
  const runs = states.runs.filter((r) => r.name === name);
  return (
    <aside class="step-panel" aria-label={`Step ${name}`}>
      <header class="panel-head">
        <h2>{name}</h2>
        <button type="button" class="link" onClick={onClose} aria-label="Close the step panel">
          ✕
        </button>
      </header>
      <Details
        items={[
          ['Type', state?.Type],
          [
            'Status',
            <span key="s" data-step-status={run?.status ?? 'not-reached'}>
              {STATUS_LABELS[run?.status ?? 'not-reached']}
            </span>,
          ],
          ['Resource', resourceOf(state)],
          ['Entered', run && formatTime(run.enteredAt)],
          ['Duration', run?.exitedAt !== undefined ? formatDuration(run.exitedAt - run.enteredAt) : undefined],
          ['Times entered', String(runs.length)],
        ]}
      />
      {run?.error && (
        <div class="step-error" role="note" aria-label="Error">
          <strong>{run.error}</strong>
          {run.cause && <JsonBlock label="Cause" text={run.cause} />}
        </div>
      )}
      {run && run.attempts.length > 0 && (
        <>
          <h3>Attempts</h3>
          <ol class="attempts" aria-label="Attempts">
            {run.attempts.map((attempt, i) => (
              <li key={i} class={attempt.outcome}>
                {attempt.outcome} after {formatDuration((attempt.endedAt ?? Date.now()) - attempt.startedAt)}
                {attempt.error && (
                  <>
                    {' '}
                    — <code>{attempt.error}</code>
                    {attempt.cause && <span class="muted"> {attempt.cause.slice(0, 200)}</span>}
                  </>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
      <h3>Input</h3>
      <JsonBlock label="Input" text={run?.input} />
      <h3>Output</h3>
      <JsonBlock label="Output" text={run?.output} />
      <h3>Definition</h3>
      <JsonBlock label="Definition" text={JSON.stringify(state ?? null)} />
    </aside>
  );
};
