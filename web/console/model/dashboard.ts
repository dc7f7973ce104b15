/**
 * A CloudWatch dashboard read from its own body (GetDashboard's DashboardBody), as the CloudWatch
 * console reads it: widgets on a 24-column grid, metric widgets' metrics arrays (with the `.` and
 * `...` shorthands), math and SEARCH expressions, stat and period; and the GetMetricData queries and
 * chart series that come from them. Pure: unit-tested in test/unit/console/dashboard.test.ts.
 */

export interface Widget {
  /** metric, text, alarm, log … */
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: WidgetProperties;
}

export interface WidgetProperties {
  title?: string;
  /** timeSeries, singleValue, bar, pie, gauge … */
  view?: string;
  stat?: string;
  period?: number;
  region?: string;
  metrics?: unknown[][];
  markdown?: string;
  alarms?: string[];
  stacked?: boolean;
  [property: string]: unknown;
}

/** One GetMetricData query, as @aws-sdk/client-cloudwatch's MetricDataQuery. */
export interface Query {
  Id: string;
  Label?: string;
  ReturnData: boolean;
  Expression?: string;
  Period?: number;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
    Stat: string;
    Period: number;
  };
}

interface RenderOptions {
  id?: string;
  label?: string;
  stat?: string;
  period?: number;
  visible?: boolean;
  color?: string;
  expression?: string;
}

const DEFAULT_STAT = 'Average';

/** Parses a dashboard body and places each widget: positions missing from the body flow left to right, as CloudWatch does. */
export const parseDashboard = (body: string): Widget[] => {
  const value = JSON.parse(body) as { widgets?: Partial<Widget>[] };
  let cursor = { x: 0, y: 0, rowHeight: 0 };
  return (value.widgets ?? []).map((widget) => {
    const width = Math.min(Math.max(widget.width ?? 6, 1), 24);
    const height = Math.max(widget.height ?? 6, 1);
    if (widget.x === undefined || widget.y === undefined) {
      if (cursor.x + width > 24) cursor = { x: 0, y: cursor.y + cursor.rowHeight, rowHeight: 0 };
      const placed = { x: cursor.x, y: cursor.y };
      cursor = { x: cursor.x + width, y: cursor.y, rowHeight: Math.max(cursor.rowHeight, height) };
      return { type: widget.type ?? 'metric', ...placed, width, height, properties: widget.properties ?? {} };
    }
    return {
      type: widget.type ?? 'metric',
      x: widget.x,
      y: widget.y,
      width,
      height,
      properties: widget.properties ?? {},
    };
  });
};

/** A metrics row without its trailing options, with `.` (same as the row above) and `...` (the row above's start) expanded. */
const expandRow = (row: unknown[], previous: string[]): { parts: string[]; options: RenderOptions } => {
  const last = row.at(-1);
  const options = typeof last === 'object' && last !== null && !Array.isArray(last) ? (last as RenderOptions) : {};
  const plain = (row.length && options === last ? row.slice(0, -1) : row).map(String);
  if (plain[0] === '...') {
    const rest = plain.slice(1);
    return { parts: [...previous.slice(0, Math.max(previous.length - rest.length, 0)), ...rest], options };
  }
  return { parts: plain.map((part, i) => (part === '.' ? (previous[i] ?? '') : part)), options };
};

/** The period a widget's data is read at: the metric's, the widget's, or one minute (the local cloud's resolution). */
export const periodOf = (widget: WidgetProperties, options: RenderOptions = {}, auto = 60): number =>
  options.period ?? widget.period ?? auto;

/** The GetMetricData queries of a metric widget, one per metrics row. */
export const widgetQueries = (widget: WidgetProperties, autoPeriod = 60): Query[] => {
  let previous: string[] = [];
  return (widget.metrics ?? []).map((row, i) => {
    const { parts, options } = expandRow(row, previous);
    const period = periodOf(widget, options, autoPeriod);
    const visible = options.visible !== false;
    if (options.expression) {
      return {
        Id: options.id ?? `e${i}`,
        Expression: options.expression,
        Label: options.label,
        ReturnData: visible,
        Period: period,
      };
    }
    previous = parts;
    const [namespace = '', metricName = '', ...pairs] = parts;
    const dimensions = [];
    for (let d = 0; d + 1 < pairs.length; d += 2) dimensions.push({ Name: pairs[d]!, Value: pairs[d + 1]! });
    const stat = options.stat ?? widget.stat ?? DEFAULT_STAT;
    return {
      Id: options.id ?? `m${i}`,
      Label: options.label ?? `${metricName}${stat !== 'Sum' && stat !== DEFAULT_STAT ? ` ${stat}` : ''}`,
      ReturnData: visible,
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions },
        Stat: stat,
        Period: period,
      },
    };
  });
};

/** One GetMetricData result, as the SDK answers it. */
export interface MetricResult {
  Id?: string;
  Label?: string;
  Timestamps?: Date[];
  Values?: number[];
}

export interface ChartData {
  labels: string[];
  /** uPlot's aligned data: x in epoch seconds, then one y array per series (null where there is no point). */
  data: [number[], ...(number | null)[][]];
}

/**
 * The results aligned on one time axis of `period` steps from `start` to `end` (epoch ms), as uPlot
 * takes them: every step present, a missing datapoint a gap.
 */
export const alignResults = (results: MetricResult[], start: number, end: number, period: number): ChartData => {
  const step = period * 1000;
  const first = Math.floor(start / step) * step;
  const xs: number[] = [];
  for (let t = first; t <= end; t += step) xs.push(t / 1000);
  const series = results.map((result) => {
    const byStep = new Map<number, number>();
    (result.Timestamps ?? []).forEach((timestamp, i) =>
      byStep.set(Math.floor(new Date(timestamp).getTime() / step) * step, result.Values?.[i] ?? 0),
    );
    return xs.map((x) => byStep.get(x * 1000) ?? null);
  });
  return { labels: results.map((result, i) => result.Label ?? result.Id ?? `series ${i + 1}`), data: [xs, ...series] };
};

/** A single-value widget's number: the most recent datapoint (results come newest first by default). */
export const latestValue = (result: MetricResult): number | undefined => {
  const timestamps = result.Timestamps ?? [];
  if (timestamps.length === 0) return undefined;
  let newest = 0;
  timestamps.forEach((t, i) =>
    new Date(t).getTime() > new Date(timestamps[newest]!).getTime() ? (newest = i) : undefined,
  );
  return result.Values?.[newest];
};

/** The sum of a result's datapoints over the range (what "rose after an order" reads). */
export const total = (result: MetricResult): number => (result.Values ?? []).reduce((sum, value) => sum + value, 0);
