import { useEffect, useState } from 'preact/hooks';
import { useServices } from '../../aws';
import { ErrorNote, Panel } from '../../components/common';
import { formatDuration, formatTime } from '../../components/format';
import { href, usePolling } from '../../hooks';
import { loadTrace, orderFilter, orderTraces } from './load';
import { Waterfall } from './waterfall';

const LIVE_MS = 2_000;

/** One trace's waterfall (BatchGetTraces), read again while `live` (spans still arrive). */
export const TraceById = ({ traceId, live = false }: { traceId: string; live?: boolean }) => {
  const { xray } = useServices();
  const trace = usePolling(() => loadTrace(xray, traceId), [traceId], { intervalMs: LIVE_MS, live });
  if (trace.loading && !trace.data) return <p class="muted">Loading the trace…</p>;
  return (
    <>
      <ErrorNote error={trace.error} />
      {trace.data ? (
        <Waterfall tree={trace.data} onReload={trace.reload} />
      ) : (
        !trace.error && (
          <p class="muted" role="status">
            X-Ray has no trace {traceId} (BatchGetTraces answered none).
          </p>
        )
      )}
    </>
  );
};

/**
 * An order's trace: GetTraceSummaries with `annotation.orderId = "<order>"` around the time its
 * execution ran (`window`, epoch ms), then the trace chosen (the first, else the one picked), live while
 * the execution runs.
 */
export const OrderTrace = ({
  orderId,
  window,
  live = false,
}: {
  orderId: string;
  window?: { from: number; to: number };
  live?: boolean;
}) => {
  const { xray } = useServices();
  const [chosen, setChosen] = useState<string>();
  const [seen, setSeen] = useState(false);
  // Looked for again while the execution runs, and until a trace is found.
  const summaries = usePolling(
    async () => {
      const list = await orderTraces(xray, orderId, window);
      setSeen(list.length > 0);
      return list;
    },
    [orderId, window?.from],
    { intervalMs: LIVE_MS, live: live || !seen },
  );
  const found = summaries.data ?? [];
  const traceId = chosen ?? found[0]?.Id;
  useEffect(() => setChosen(undefined), [orderId]);
  if (summaries.loading && !summaries.data) return <p class="muted">Looking for the order’s trace…</p>;
  return (
    <div class="order-trace">
      <ErrorNote error={summaries.error} />
      {found.length > 1 && (
        <label class="inline">
          Trace
          <select aria-label="Choose the trace" value={traceId} onChange={(e) => setChosen(e.currentTarget.value)}>
            {found.map((s) => (
              <option key={s.Id} value={s.Id}>
                {s.Id} · {formatTime(s.StartTime)} · {formatDuration((s.Duration ?? 0) * 1000)}
              </option>
            ))}
          </select>
        </label>
      )}
      {traceId ? (
        <TraceById traceId={traceId} live={live} />
      ) : (
        !summaries.error && (
          <p class="muted" role="status">
            No trace yet for order <code>{orderId}</code> (GetTraceSummaries with <code>{orderFilter(orderId)}</code>{' '}
            found none); looking again every {LIVE_MS / 1000} s. An order the sampling rules left out has none (X-Ray
            traces the first order each second and 5% of the rest): to trace every one, start the cloud with{' '}
            <code>--trace-sampling 1</code> or raise the rules’ rate (<code>aws xray update-sampling-rule</code>).
          </p>
        )
      )}
    </div>
  );
};

/** `#/traces/<traceId>` and `#/traces/order/<orderId>`: one trace's waterfall on its own page. */
export const TracePage = ({ traceId, orderId }: { traceId?: string; orderId?: string }) => {
  const { config } = useServices();
  const executionArn =
    orderId && config.stateMachineArn
      ? `${config.stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`
      : undefined;
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumbs">
        <a href={href('traces')}>Traces</a> › <span class="mono">{orderId ? `order ${orderId}` : traceId}</span>
        {executionArn && (
          <a class="order-link" href={href('executions', executionArn)}>
            its execution ↗
          </a>
        )}
      </nav>
      <Panel title={orderId ? `Trace of order ${orderId}` : 'Trace'} label="Trace">
        {orderId ? <OrderTrace orderId={orderId} /> : <TraceById traceId={traceId!} />}
      </Panel>
    </>
  );
};
