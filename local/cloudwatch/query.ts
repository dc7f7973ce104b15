import { ServiceError } from '../support/errors';
import {
  dimensions,
  invalidValue,
  missing,
  number,
  objects,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalText,
  type Params,
  text,
  time,
} from './input';
import type { MathContext, TimeSeries } from './math';
import { asSeries, evaluateExpression, referencedIds } from './math-functions';
import { aggregate, isStatistic, MINUTE, type MetricId, type MetricStore, type Series, statistic } from './store';

/** One query of GetMetricData, checked. */
export interface MetricQuery {
  id: string;
  label?: string;
  returnData: boolean;
  periodSeconds?: number;
  stat?: { metric: MetricId; stat: string; periodSeconds: number };
  expression?: string;
}

export interface MetricDataResult {
  Id: string;
  Label: string;
  Timestamps: Date[];
  Values: number[];
  StatusCode: 'Complete' | 'PartialData';
  Messages: { Code: string; Value: string }[];
}

const ID = /^[a-z][a-zA-Z0-9_]{0,254}$/;
/** GetMetricData's limit on the datapoints of one request. */
const MAX_DATAPOINTS = 100_800;

/** A period in seconds: the store keeps minutes, so a period is a whole number of minutes. */
export const checkPeriod = (seconds: number, name = 'Period'): number => {
  if (!Number.isInteger(seconds) || seconds < 60 || seconds % 60 !== 0) {
    throw invalidValue(
      `The parameter ${name} must be a multiple of 60 (the local cloud keeps metrics at 1-minute resolution).`,
    );
  }
  return seconds;
};

export const metricOf = (params: Params): MetricId => ({
  namespace: text(params, 'Namespace', 255),
  name: text(params, 'MetricName', 255),
  dimensions: dimensions(params),
});

export const parseQuery = (params: Params): MetricQuery => {
  const id = text(params, 'Id', 255);
  if (!ID.test(id))
    throw invalidValue(
      `The value ${id} for parameter MetricDataQueries.member.Id is invalid: it starts with a lowercase letter and holds letters, digits and underscores.`,
    );
  const statParams = optionalObject(params, 'MetricStat');
  const expression = optionalText(params, 'Expression', 2048);
  if (!statParams === (expression === undefined))
    throw new ServiceError('ValidationError', `The query ${id} must have exactly one of MetricStat and Expression.`);
  const periodSeconds = optionalNumber(params, 'Period');
  const query: MetricQuery = {
    id,
    returnData: optionalBoolean(params, 'ReturnData') ?? true,
    label: optionalText(params, 'Label'),
    ...(periodSeconds !== undefined && { periodSeconds: checkPeriod(periodSeconds) }),
  };
  if (expression !== undefined) return { ...query, expression };
  const metric = optionalObject(statParams!, 'Metric');
  if (!metric) throw missing('MetricDataQueries.member.MetricStat.Metric');
  const stat = text(statParams!, 'Stat');
  if (!isStatistic(stat))
    throw invalidValue(
      `The statistic ${stat} is not supported locally: use Sum, Average, Minimum, Maximum, SampleCount or pNN.`,
    );
  return {
    ...query,
    stat: {
      metric: metricOf(metric),
      stat,
      periodSeconds: checkPeriod(number(statParams!, 'Period'), 'MetricStat.Period'),
    },
  };
};

/** The points of a statistic of one series, one per period anchored at `start`. */
export const pointsOf = (
  series: Series | undefined,
  stat: string,
  start: number,
  end: number,
  periodMs: number,
): Map<number, number> => {
  const points = new Map<number, number>();
  if (!series) return points;
  for (const [at, bucket] of aggregate(series, start, end, periodMs)) {
    const value = statistic(bucket, stat);
    if (value !== undefined) points.set(at, value);
  }
  return points;
};

/** SEARCH('{Namespace,Dim1,Dim2} MetricName="X" word', stat, period): every stored metric of that schema matching every term. */
export const search = (
  store: MetricStore,
  expression: string,
  stat: string,
  range: { start: number; end: number; periodMs: number },
): TimeSeries[] => {
  const schema = /^\s*\{([^}]*)\}\s*(.*)$/.exec(expression);
  if (!isStatistic(stat)) throw invalidValue(`SEARCH: the statistic ${stat} is not supported locally.`);
  const [namespace, ...keys] = (schema?.[1] ?? '').split(',').map((part) => part.trim().replace(/^"|"$/g, ''));
  const terms = [
    ...(schema?.[2] ?? expression).matchAll(/([A-Za-z0-9_.:/-]+)\s*=\s*(?:"([^"]*)"|([^\s"]+))|"([^"]*)"|([^\s"]+)/g),
  ].map((m) => (m[1] ? { key: m[1], value: m[2] ?? m[3] ?? '' } : { word: (m[4] ?? m[5] ?? '').toLowerCase() }));
  return (
    store
      .list()
      .filter((s) => {
        if (
          schema &&
          (s.namespace !== namespace ||
            Object.keys(s.dimensions).length !== keys.length ||
            !keys.every((k) => k in s.dimensions))
        )
          return false;
        return terms.every((t) =>
          t.key !== undefined
            ? (t.key === 'MetricName' ? s.name : t.key === 'Namespace' ? s.namespace : s.dimensions[t.key]) === t.value
            : [s.name, s.namespace, ...Object.values(s.dimensions)].some((v) => v.toLowerCase().includes(t.word)),
        );
      })
      // Labelled by the dimension values, in the schema's order.
      .map((s) => ({
        label: (schema ? keys.map((k) => s.dimensions[k]) : Object.values(s.dimensions)).join(' ') || s.name,
        points: pointsOf(s, stat, range.start, range.end, range.periodMs),
      }))
  );
};

export interface Range {
  start: number;
  end: number;
}

/** Evaluates the queries of one GetMetricData request (or one alarm): each by id, expressions after what they refer to. */
export const evaluateQueries = (
  store: MetricStore,
  queries: MetricQuery[],
  range: Range,
): Map<string, TimeSeries[]> => {
  const byId = new Map(queries.map((q) => [q.id, q]));
  if (byId.size !== queries.length) throw new ServiceError('ValidationError', 'The Id of each query must be unique.');
  const results = new Map<string, TimeSeries[]>();
  const inProgress = new Set<string>();
  const defaultPeriod =
    queries.find((q) => q.stat)?.stat?.periodSeconds ?? queries.find((q) => q.periodSeconds)?.periodSeconds ?? 300;
  const run = (query: MetricQuery): TimeSeries[] => {
    const done = results.get(query.id);
    if (done) return done;
    if (inProgress.has(query.id))
      throw new ServiceError('ValidationError', `The expression ${query.id} refers to itself.`);
    inProgress.add(query.id);
    let out: TimeSeries[];
    if (query.stat) {
      const { metric, stat, periodSeconds } = query.stat;
      out = [
        {
          label: query.label ?? metric.name,
          points: pointsOf(store.get(metric), stat, range.start, range.end, periodSeconds * 1000),
        },
      ];
    } else {
      const periodSeconds = query.periodSeconds ?? defaultPeriod;
      const periodMs = periodSeconds * 1000;
      if ((range.end - range.start) / periodMs > MAX_DATAPOINTS)
        throw invalidValue(
          `The expression ${query.id} would give more than ${MAX_DATAPOINTS} datapoints: shorten the range or lengthen the period.`,
        );
      const grid = Array.from(
        { length: Math.max(0, Math.ceil((range.end - range.start) / periodMs)) },
        (_, i) => range.start + i * periodMs,
      );
      const context: MathContext = {
        ref: (id) => (byId.has(id) && id !== query.id ? run(byId.get(id)!) : undefined),
        metrics: () => queries.filter((q) => q.returnData && q.id !== query.id).flatMap(run),
        search: (expression, stat, period) =>
          search(store, expression, stat, { ...range, periodMs: checkPeriod(period, 'SEARCH period') * 1000 }),
        grid,
        periodSeconds,
      };
      for (const id of referencedIds(query.expression!))
        if (!byId.has(id))
          throw new ServiceError(
            'ValidationError',
            `The expression ${query.id} refers to ${id}, which no query has as Id.`,
          );
      const value = evaluateExpression(query.expression!, context);
      const own = query.label ?? query.id;
      // One series is the expression's own (its Label, else its Id); each of an array (SEARCH) keeps its metric's label.
      out = asSeries(value, own, grid).map((s) => ({
        ...s,
        label: value.kind === 'series' && value.array ? (query.label ? `${query.label} ${s.label}` : s.label) : own,
      }));
    }
    inProgress.delete(query.id);
    results.set(query.id, out);
    return out;
  };
  queries.forEach(run);
  return results;
};

/** The range of a request, its start on a whole minute. */
export const rangeOf = (params: Params): Range => {
  const start = Math.floor(time(params, 'StartTime') / MINUTE) * MINUTE;
  const end = time(params, 'EndTime');
  if (end <= start) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  return { start, end };
};

/** GetMetricData: every query with ReturnData, newest first unless ScanBy says otherwise, at most MaxDatapoints points in all. */
export const getMetricData = (store: MetricStore, params: Params) => {
  const queries = objects(params, 'MetricDataQueries', 500).map(parseQuery);
  if (queries.length === 0) throw missing('MetricDataQueries');
  const range = rangeOf(params);
  const scanBy = optionalText(params, 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending')
    throw invalidValue('The parameter ScanBy must be TimestampDescending or TimestampAscending.');
  let budget = optionalNumber(params, 'MaxDatapoints') ?? MAX_DATAPOINTS;
  const evaluated = evaluateQueries(store, queries, range);
  const results: MetricDataResult[] = [];
  for (const query of queries.filter((q) => q.returnData)) {
    for (const s of evaluated.get(query.id)!) {
      const points = [...s.points]
        .filter(([at]) => at >= range.start && at < range.end)
        .sort(([a], [b]) => (scanBy === 'TimestampDescending' ? b - a : a - b));
      const kept = points.slice(0, Math.max(0, budget));
      budget -= kept.length;
      results.push({
        Id: query.id,
        Label: s.label,
        Timestamps: kept.map(([at]) => new Date(at)),
        Values: kept.map(([, v]) => v),
        StatusCode: kept.length < points.length ? 'PartialData' : 'Complete',
        Messages: [],
      });
    }
  }
  return { MetricDataResults: results, Messages: [] };
};
