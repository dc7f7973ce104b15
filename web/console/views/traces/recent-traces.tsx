import type { TraceSummary } from '@aws-sdk/client-xray';
import { useServices } from '../../aws';
import { ErrorNote } from '../../components/common';
import { formatDuration, formatTime } from '../../components/format';
import { href, usePolling } from '../../hooks';
import { traceSummaries } from './load';

const REFRESH_MS = 5_000;
const MOST = 50;

const outcomeOf = (s: TraceSummary) =>
  s.HasFault ? 'fault' : s.HasThrottle ? 'throttle' : s.HasError ? 'error' : 'ok';

/** The order a trace is of, when a span of it carries the `orderId` annotation. */
const orderIdOf = (s: TraceSummary): string | undefined => {
  const value = s.Annotations?.orderId?.[0]?.AnnotationValue;
  return value?.StringValue ?? (value?.NumberValue === undefined ? undefined : String(value.NumberValue));
};

/** GetTraceSummaries over the last `minutes`, newest first, each opening its waterfall. */
export const RecentTraces = ({ minutes }: { minutes: number }) => {
  const { xray } = useServices();
  const list = usePolling(
    () => {
      const to = Date.now();
      return traceSummaries(xray, { from: to - minutes * 60_000, to });
    },
    [minutes],
    { intervalMs: REFRESH_MS },
  );
  const traces = (list.data ?? []).slice(0, MOST);
  return (
    <>
      <ErrorNote error={list.error} />
      {list.data && traces.length === 0 && <p class="muted">No traces in the last {minutes} min.</p>}
      {traces.length > 0 && (
        <table class="table" aria-label="Recent traces">
          <thead>
            <tr>
              <th>Trace</th>
              <th>Order</th>
              <th>Entry</th>
              <th>Started</th>
              <th>Duration</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {traces.map((s) => {
              const orderId = orderIdOf(s);
              const outcome = outcomeOf(s);
              return (
                <tr key={s.Id} data-trace-id={s.Id} data-outcome={outcome}>
                  <td>
                    <a class="mono" href={href('traces', s.Id ?? '')}>
                      {s.Id}
                    </a>
                  </td>
                  <td>{orderId ? <span class="mono">{orderId}</span> : '–'}</td>
                  <td class="resource" title={s.EntryPoint?.Name}>
                    {[s.Http?.HttpMethod, s.Http?.HttpURL ?? s.EntryPoint?.Name].filter(Boolean).join(' ') || '–'}
                  </td>
                  <td>{formatTime(s.StartTime)}</td>
                  <td>{formatDuration(s.Duration === undefined ? undefined : s.Duration * 1000)}</td>
                  <td>
                    <span class={`outcome-tag outcome-${outcome}`}>{outcome}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
};
