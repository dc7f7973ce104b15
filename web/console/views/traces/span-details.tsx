import { Details, JsonBlock } from '../../components/common';
import { formatDuration } from '../../components/format';
import { href } from '../../hooks';
import { lambdaInvocationOf, type TraceSpan, type TraceTree } from '../../model/trace';
import { attributesOf, exceptionsOf, type SpanAttribute } from '../../model/trace-search';
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

const Events = ({ span }: { span: TraceSpan }) => {
  const exceptions = exceptionsOf(span.document);
  if (!exceptions.length) return <p class="muted">No events.</p>;
  return (
    <ul class="span-events" aria-label="Events">
      {exceptions.map((e, i) => (
        <li key={e.id ?? i} class="step-error">
          <strong>exception</strong> {e.type && <code>{e.type}</code>} {e.remote && <span class="muted">(remote)</span>}
          <div>{e.message ?? '–'}</div>
          {e.stack?.length ? (
            <pre class="json">
              {e.stack
                .map((frame) => `at ${frame.label ?? '?'} (${frame.path ?? '?'}:${frame.line ?? '?'})`)
                .join('\n')}
            </pre>
          ) : null}
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
            <span key="o" class={`outcome-tag ${span.outcome}`}>
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
      <Events span={span} />
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
