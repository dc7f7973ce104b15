import { Details, JsonBlock } from '../../components/common';
import { formatDuration } from '../../components/format';
import { href } from '../../hooks';
import { lambdaInvocationOf, type SegmentException, type TraceSpan, type TraceTree } from '../../model/trace';
import { attributesOf, exceptionsOf, type SpanAttribute, spanEventsOf } from '../../model/trace-search';
import { Highlight } from './highlight';

const SECTION_TITLES: Record<SpanAttribute['section'], string> = {
  span: 'Span',
  annotations: 'Annotations',
  metadata: 'Metadata',
  http: 'HTTP',
  aws: 'AWS',
  sql: 'SQL',
};

const Attributes = ({ span, query }: { span: TraceSpan; query: string }) => {
  const attributes = attributesOf(span.document);
  if (!attributes.length) return <p class="muted">No attributes.</p>;
  return (
    <table class="table attributes" aria-label="Attributes">
      <tbody>
        {attributes.map((a) => (
          <tr key={`${a.section}:${a.key}`} data-section={a.section} data-key={a.key}>
            <td class="muted small">{SECTION_TITLES[a.section]}</td>
            <td class="mono">
              <Highlight text={a.key} query={query} />
            </td>
            <td class="mono attr-value">
              <Highlight text={a.value} query={query} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

const stackText = (stack: SegmentException['stack']): string =>
  typeof stack === 'string'
    ? stack
    : (stack ?? []).map((frame) => `at ${frame.label ?? '?'} (${frame.path ?? '?'}:${frame.line ?? '?'})`).join('\n');

/** The span's events: the exceptions its cause records, then its OpenTelemetry events, by time. */
const Events = ({ span, tree }: { span: TraceSpan; tree: TraceTree }) => {
  const exceptions = exceptionsOf(span.document);
  const events = spanEventsOf(span.document).filter((e) => e.name !== 'exception');
  if (!exceptions.length && !events.length) return <p class="muted">No events.</p>;
  return (
    <ul class="span-events" aria-label="Events">
      {exceptions.map((e, i) => (
        <li key={`x${e.id ?? i}`} class="step-error" data-event="exception">
          <strong>exception</strong> {e.type && <code>{e.type}</code>} {e.remote && <span class="muted">(remote)</span>}
          <div>{e.message ?? '–'}</div>
          {stackText(e.stack) && <pre class="json">{stackText(e.stack)}</pre>}
        </li>
      ))}
      {events.map((e, i) => (
        <li key={`e${i}`} class="span-event" data-event={e.name}>
          <strong>{e.name}</strong>
          {e.time !== undefined && <span class="muted small"> at {formatDuration(e.time - tree.start)}</span>}
          {e.attributes && Object.keys(e.attributes).length > 0 && (
            <JsonBlock label={`Event ${e.name}`} text={JSON.stringify(e.attributes)} />
          )}
        </li>
      ))}
    </ul>
  );
};

/** A span's details: times, ids, outcome, the invocation's logs for a Lambda, attributes, events, the document. */
export const SpanDetails = ({
  span,
  tree,
  query,
  onClose,
}: {
  span: TraceSpan;
  tree: TraceTree;
  query: string;
  onClose: () => void;
}) => {
  const lambda = lambdaInvocationOf(span);
  return (
    <aside class="step-panel span-panel" aria-label={`Span ${span.name}`}>
      <header class="panel-head">
        <h2>{span.name}</h2>
        <div class="panel-actions">
          <button type="button" aria-label="Close the span details" onClick={onClose}>
            ✕
          </button>
        </div>
      </header>
      <Details
        items={[
          ['Kind', span.kind],
          [
            'Outcome',
            <span key="o" class={`outcome-tag outcome-${span.outcome}`}>
              {span.outcome}
            </span>,
          ],
          ['Starts at', formatDuration(span.start - tree.start)],
          ['Duration', span.inProgress ? 'in progress' : formatDuration(span.end - span.start)],
          ['Span ID', <code key="i">{span.id}</code>],
          ['Parent', span.parentId ? <code key="p">{span.parentId}</code> : '–'],
        ]}
      />
      {lambda && (
        <p class="lambda-logs">
          λ Invocation <code>{lambda.requestId}</code> of <code>{lambda.functionName}</code>:{' '}
          <a href={href('logs', lambda.logGroup, lambda.requestId)}>its logs</a>
        </p>
      )}
      <h3>Attributes</h3>
      <Attributes span={span} query={query} />
      <h3>Events</h3>
      <Events span={span} tree={tree} />
      <details class="io">
        <summary>Segment document</summary>
        <JsonBlock
          label="Segment document"
          text={JSON.stringify({ ...span.document, subsegments: span.document.subsegments?.length })}
        />
      </details>
    </aside>
  );
};
