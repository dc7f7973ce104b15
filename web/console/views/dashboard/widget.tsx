import { GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { useServices } from '../../aws';
import { ErrorNote } from '../../components/common';
import { usePolling } from '../../hooks';
import { alignResults, latestValue, type MetricResult, total, type Widget, widgetQueries } from '../../model/dashboard';
import { SERIES_COLOURS, TimeSeriesChart } from './chart';
import { Markdown } from './markdown';
import { AlarmStrip } from '../alarms';

export interface TimeRange {
  label: string;
  ms: number;
  /** A fixed end (an alert's window); the range ends now when absent. */
  end?: number;
}

/** One GetMetricData call for a widget's queries over the range (paged), oldest first. */
const fetchResults = async (
  cloudwatch: ReturnType<typeof useServices>['cloudwatch'],
  queries: MetricDataQuery[],
  start: number,
  end: number,
): Promise<MetricResult[]> => {
  const results = new Map<string, MetricResult>();
  let nextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: new Date(start),
        EndTime: new Date(end),
        ScanBy: 'TimestampAscending',
        NextToken: nextToken,
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      const key = `${result.Id}\u0000${result.Label}`;
      const before = results.get(key);
      if (before)
        results.set(key, {
          ...before,
          Timestamps: [...(before.Timestamps ?? []), ...(result.Timestamps ?? [])],
          Values: [...(before.Values ?? []), ...(result.Values ?? [])],
        });
      else results.set(key, result);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return [...results.values()];
};

const fmt = (value: number | undefined) =>
  value === undefined ? '–' : Number.isInteger(value) ? String(value) : value.toFixed(2);

/** A metric widget: its queries read with GetMetricData, drawn as a chart or as single values. */
const MetricWidget = ({ widget, range, refreshMs }: { widget: Widget; range: TimeRange; refreshMs: number }) => {
  const { cloudwatch } = useServices();
  const queries = widgetQueries(widget.properties);
  const period = queries.find((q) => q.ReturnData)?.MetricStat?.Period ?? queries[0]?.Period ?? 60;
  const data = usePolling(
    async () => {
      const end = range.end ?? Date.now();
      const start = end - range.ms;
      const results = await fetchResults(cloudwatch, queries, start, end);
      return { results, chart: alignResults(results, start, end, period) };
    },
    [range.ms, range.end, JSON.stringify(widget.properties)],
    { intervalMs: refreshMs },
  );
  const view = widget.properties.view ?? 'timeSeries';
  return (
    <>
      <p class="widget-meta muted small">
        {queries
          .filter((q) => q.ReturnData)
          .map((q) =>
            q.MetricStat
              ? `${q.Label ?? q.Id} (${q.MetricStat.Stat})`
              : (q.Label ?? q.Expression?.replace(/^(\w+)\(.*$/, '$1(…)') ?? q.Id),
          )
          .join(' · ')}{' '}
        · period {period} s
      </p>
      <ErrorNote error={data.error} />
      {data.data && view === 'singleValue' && (
        <div class="single-values">
          {data.data.results.map((result) => (
            <div
              key={`${result.Id}${result.Label}`}
              class="single-value"
              data-metric={result.Label}
              data-total={total(result)}
            >
              <span class="value">{fmt(latestValue(result))}</span>
              <span class="label">{result.Label}</span>
            </div>
          ))}
        </div>
      )}
      {data.data && view !== 'singleValue' && (
        <>
          <TimeSeriesChart chart={data.data.chart} title={widget.properties.title ?? ''} />
          <ul class="series-totals" aria-label="Totals over the range">
            {data.data.results.map((result, i) => (
              <li key={`${result.Id}${result.Label}`} data-metric={result.Label} data-total={total(result)}>
                <span class="swatch-dot" style={{ background: SERIES_COLOURS[i % SERIES_COLOURS.length] }} />
                {result.Label} <strong>{fmt(total(result))}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
};

/** A widget in its place on the dashboard's 24-column grid. */
export const WidgetView = ({ widget, range, refreshMs }: { widget: Widget; range: TimeRange; refreshMs: number }) => (
  <section
    class={`widget widget-${widget.type}`}
    style={{ gridColumn: `${widget.x + 1} / span ${widget.width}`, gridRow: `${widget.y + 1} / span ${widget.height}` }}
    aria-label={widget.properties.title ?? `${widget.type} widget`}
    data-widget={widget.properties.title}
  >
    {widget.properties.title && <h3>{widget.properties.title}</h3>}
    {widget.type === 'metric' && <MetricWidget widget={widget} range={range} refreshMs={refreshMs} />}
    {widget.type === 'text' && <Markdown text={widget.properties.markdown ?? ''} />}
    {widget.type === 'alarm' && <AlarmStrip arns={widget.properties.alarms ?? []} />}
    {widget.type !== 'metric' && widget.type !== 'text' && widget.type !== 'alarm' && (
      <p class="muted">Widgets of type {widget.type} are not drawn by this console.</p>
    )}
  </section>
);
