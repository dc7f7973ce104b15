import { useMemo, useState } from 'preact/hooks';
import { formatDuration } from '../../components/format';
import { lambdaInvocationOf, traceStats, type TraceSpan, type TraceTree, visibleSpans } from '../../model/trace';
import { barOf, searchTrace, timeAxis } from '../../model/trace-search';
import { Highlight } from './highlight';
import { SpanDetails } from './span-details';

const OUTCOME_LABELS = { ok: 'OK', error: 'Error', fault: 'Fault', throttle: 'Throttled' } as const;

/** What a row says of its span beside its name: its origin, or a subsegment's namespace and operation. */
const kindLabel = (span: TraceSpan): string => {
  const doc = span.document;
  const operation = typeof doc.aws?.operation === 'string' ? doc.aws.operation : undefined;
  return [doc.origin ?? doc.namespace, operation].filter(Boolean).join(' · ');
};

interface RowProps {
  span: TraceSpan;
  tree: TraceTree;
  query: string;
  expanded: boolean;
  matched: boolean;
  selected: boolean;
  onToggle: (id: string) => void;
  onSelect: (id: string) => void;
}

type Place = 'after' | 'before' | 'inside';

/** Where a bar's duration goes: after it, else before it when it ends near the axis's end, else inside it. */
const durationPlace = (bar: { left: number; width: number }): Place =>
  bar.left + bar.width <= 80 ? 'after' : bar.left >= 20 ? 'before' : 'inside';

const durationStyle = (place: Place, bar: { left: number; width: number }) =>
  place === 'after'
    ? { left: `${bar.left + bar.width}%` }
    : place === 'before'
      ? { right: `${100 - bar.left}%` }
      : { left: `${bar.left}%` };

const SpanRow = ({ span, tree, query, expanded, matched, selected, onToggle, onSelect }: RowProps) => {
  const bar = barOf(span, tree);
  const place = durationPlace(bar);
  const hasChildren = span.childIds.length > 0;
  const lambda = lambdaInvocationOf(span);
  return (
    <tr
      class={`span-row outcome-${span.outcome}${selected ? ' selected' : ''}${matched ? ' match' : ''}`}
      data-span-id={span.id}
      data-outcome={span.outcome}
      data-match={matched ? 'true' : undefined}
      aria-level={span.depth + 1}
      aria-expanded={hasChildren ? expanded : undefined}
      aria-selected={selected}
      onClick={() => onSelect(span.id)}
    >
      <td class="span-name">
        <div class="span-label" style={{ paddingLeft: `${span.depth * 16}px` }}>
          {hasChildren ? (
            <button
              type="button"
              class="toggle"
              aria-label={`${expanded ? 'Collapse' : 'Expand'} ${span.name}`}
              onClick={(event) => {
                event.stopPropagation();
                onToggle(span.id);
              }}
            >
              {expanded ? '▾' : '▸'}
            </button>
          ) : (
            <span class="toggle-space" />
          )}
          <button type="button" class="link" aria-label={`Span ${span.name}`} title={span.name}>
            <Highlight text={span.name} query={query} />
          </button>
          {lambda && (
            <span class="lambda-mark" title="A Lambda invocation: its logs are linked in its details">
              λ
            </span>
          )}
          {span.outcome !== 'ok' && (
            <span class={`outcome-tag outcome-${span.outcome}`}>{OUTCOME_LABELS[span.outcome]}</span>
          )}
          <span class="span-kind">
            <Highlight text={kindLabel(span)} query={query} />
          </span>
        </div>
      </td>
      <td class="span-timeline">
        <span
          class={`span-bar outcome-${span.outcome}${span.inProgress ? ' open' : ''}`}
          style={{ left: `${bar.left}%`, width: `${bar.width}%` }}
          title={`${span.name}: ${formatDuration(span.end - span.start)}`}
        />
        <span class={`span-duration ${place}`} style={durationStyle(place, bar)}>
          {span.inProgress ? 'in progress' : formatDuration(span.end - span.start)}
        </span>
      </td>
    </tr>
  );
};

const Axis = ({ durationMs, most }: { durationMs: number; most: number }) => (
  <div class="axis" aria-hidden="true">
    {timeAxis(durationMs, most).map((tick) => (
      <span key={tick.at} class="tick" style={{ left: `${tick.percent}%` }}>
        {tick.label}
      </span>
    ))}
  </div>
);

/** The header: the trace's id, its spans, its duration and how many failed. */
const TraceHeader = ({ tree }: { tree: TraceTree }) => {
  const stats = traceStats(tree);
  return (
    <dl class="details trace-header" aria-label="Trace summary">
      <div>
        <dt>Trace ID</dt>
        <dd>
          <code data-trace-id={tree.traceId}>{tree.traceId}</code>
        </dd>
      </div>
      <div>
        <dt>Spans</dt>
        <dd data-span-count={stats.spans}>{stats.spans}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd data-duration-ms={Math.round(stats.durationMs)}>{formatDuration(stats.durationMs)}</dd>
      </div>
      <div>
        <dt>Errors and faults</dt>
        <dd class={stats.failed ? 'bad' : ''}>{stats.failed}</dd>
      </div>
    </dl>
  );
};

/**
 * A trace's waterfall: every segment and subsegment on one time axis, nested and collapsible; search
 * keeps the spans that match (marked) and the path to them; a span clicked shows its details.
 */
export const Waterfall = ({ tree, onReload }: { tree: TraceTree; onReload?: () => void }) => {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string>();
  const found = useMemo(() => searchTrace(tree, query), [tree, query]);
  const rows = found ? tree.spans.filter((span) => found.shown.has(span.id)) : visibleSpans(tree, collapsed);
  const toggle = (id: string) =>
    setCollapsed((before) => {
      const after = new Set(before);
      if (!after.delete(id)) after.add(id);
      return after;
    });
  const span = tree.spans.find((s) => s.id === selected);
  return (
    <div class="waterfall" data-trace-id={tree.traceId}>
      <TraceHeader tree={tree} />
      <div class="waterfall-tools">
        <input
          type="search"
          placeholder="Search spans: name, attribute, error…"
          aria-label="Search spans"
          value={query}
          onInput={(event) => setQuery((event.target as HTMLInputElement).value)}
        />
        {found && (
          <span class="muted small" role="status">
            {found.matches.size} of {tree.spans.length} spans match
          </span>
        )}
        <button type="button" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        <button
          type="button"
          onClick={() => setCollapsed(new Set(tree.spans.filter((s) => s.childIds.length).map((s) => s.id)))}
        >
          Collapse all
        </button>
        {onReload && (
          <button type="button" onClick={onReload}>
            Refresh
          </button>
        )}
      </div>
      <div class={`waterfall-body${span ? ' with-span' : ''}`}>
        <table class="table spans" role="treegrid" aria-label="Trace waterfall">
          <thead>
            <tr>
              <th class="span-name">Span</th>
              <th class="span-timeline">
                {/* Fewer ticks when the span's details take half the width. */}
                <Axis durationMs={tree.end - tree.start} most={span ? 4 : 8} />
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <SpanRow
                key={row.id}
                span={row}
                tree={tree}
                query={query}
                expanded={found ? true : !collapsed.has(row.id)}
                matched={found?.matches.has(row.id) ?? false}
                selected={row.id === selected}
                onToggle={toggle}
                onSelect={setSelected}
              />
            ))}
          </tbody>
        </table>
        {span && <SpanDetails span={span} tree={tree} query={query} onClose={() => setSelected(undefined)} />}
      </div>
    </div>
  );
};
