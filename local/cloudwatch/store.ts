/** One metric: its namespace, name and dimensions (a dimension set is part of a metric's identity). */
export interface MetricId {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

/** What is put into a metric at one time: single values, or a statistic set (PutMetricData's StatisticValues). */
export interface MetricDatum extends MetricId {
  timestamp: number;
  unit?: string;
  values?: number[];
  /** How many times each value of `values` was seen (PutMetricData's Counts); 1 each when absent. */
  counts?: number[];
  statistics?: { sampleCount: number; sum: number; minimum: number; maximum: number };
}

/** One minute of one metric. `samples` keeps up to SAMPLES values (a uniform reservoir beyond) for percentiles. */
export interface Bucket {
  sum: number;
  count: number;
  min: number;
  max: number;
  samples: number[];
  /** How many values the reservoir has been offered. */
  offered: number;
}

export interface Series extends MetricId {
  key: string;
  unit?: string;
  /** Minute buckets by their start (ms since the epoch). */
  buckets: Map<number, Bucket>;
  updated: number;
}

export const MINUTE = 60_000;
const SAMPLES = 200;

export const seriesKey = ({ namespace, name, dimensions }: MetricId): string =>
  JSON.stringify([namespace, name, Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);

const emptyBucket = (): Bucket => ({ sum: 0, count: 0, min: Infinity, max: -Infinity, samples: [], offered: 0 });

const offer = (bucket: Bucket, value: number) => {
  bucket.offered++;
  if (bucket.samples.length < SAMPLES) bucket.samples.push(value);
  else {
    const slot = Math.floor(Math.random() * bucket.offered);
    if (slot < SAMPLES) bucket.samples[slot] = value;
  }
};

const addValue = (bucket: Bucket, value: number, count: number) => {
  bucket.sum += value * count;
  bucket.count += count;
  bucket.min = Math.min(bucket.min, value);
  bucket.max = Math.max(bucket.max, value);
  for (let i = 0; i < Math.min(count, SAMPLES); i++) offer(bucket, value);
};

/**
 * CloudWatch's metric storage, in memory, at 1-minute resolution: per minute the sum, count, minimum
 * and maximum, and a sample of values for percentiles. Bounded: minutes older than `retentionMs` are
 * dropped, and past `maxSeries` the series updated least recently go.
 */
export class MetricStore {
  private readonly series = new Map<string, Series>();

  constructor(private readonly options: { retentionMs?: number; maxSeries?: number; now?: () => number } = {}) {}

  get retentionMs(): number {
    return this.options.retentionMs ?? 4 * 60 * MINUTE;
  }

  now(): number {
    return this.options.now?.() ?? Date.now();
  }

  put(datum: MetricDatum): void {
    const key = seriesKey(datum);
    let series = this.series.get(key);
    if (!series) {
      series = {
        key,
        namespace: datum.namespace,
        name: datum.name,
        dimensions: { ...datum.dimensions },
        buckets: new Map(),
        updated: 0,
      };
      this.series.set(key, series);
      this.bound();
    }
    if (datum.unit && datum.unit !== 'None') series.unit = datum.unit;
    // Kept in the order of their last update: the first series of the map is the one to drop.
    this.series.delete(key);
    this.series.set(key, series);
    series.updated = this.now();
    const minute = Math.floor(datum.timestamp / MINUTE) * MINUTE;
    const bucket = series.buckets.get(minute) ?? emptyBucket();
    series.buckets.set(minute, bucket);
    (datum.values ?? []).forEach((value, i) => addValue(bucket, value, datum.counts?.[i] ?? 1));
    if (datum.statistics) {
      const { sampleCount, sum, minimum, maximum } = datum.statistics;
      bucket.sum += sum;
      bucket.count += sampleCount;
      bucket.min = Math.min(bucket.min, minimum);
      bucket.max = Math.max(bucket.max, maximum);
    }
    this.expire(series);
  }

  private expire(series: Series) {
    const oldest = this.now() - this.retentionMs;
    for (const minute of series.buckets.keys()) if (minute < oldest) series.buckets.delete(minute);
  }

  private bound() {
    const max = this.options.maxSeries ?? 5000;
    for (const key of this.series.keys()) {
      if (this.series.size <= max) break;
      this.series.delete(key);
    }
  }

  get(id: MetricId): Series | undefined {
    return this.series.get(seriesKey(id));
  }

  /** Every series with data newer than `since`. */
  list(since = 0): Series[] {
    const oldest = this.now() - this.retentionMs;
    return [...this.series.values()].filter((s) => {
      this.expire(s);
      return s.buckets.size > 0 && s.updated >= Math.max(since, oldest);
    });
  }

  get size(): number {
    return this.series.size;
  }
}

/** The buckets of a series inside [start, end), merged into one per period (periods anchored at `start`). */
export const aggregate = (series: Series, start: number, end: number, periodMs: number): Map<number, Bucket> => {
  const periods = new Map<number, Bucket>();
  for (const [minute, bucket] of series.buckets) {
    if (minute < start || minute >= end) continue;
    const at = start + Math.floor((minute - start) / periodMs) * periodMs;
    const merged = periods.get(at) ?? emptyBucket();
    merged.sum += bucket.sum;
    merged.count += bucket.count;
    merged.min = Math.min(merged.min, bucket.min);
    merged.max = Math.max(merged.max, bucket.max);
    merged.samples.push(...bucket.samples);
    merged.offered += bucket.offered;
    periods.set(at, merged);
  }
  return periods;
};

/** A statistic of a bucket, as CloudWatch names them: Sum, Average, Minimum, Maximum, SampleCount, pNN. */
export const statistic = (bucket: Bucket, stat: string): number | undefined => {
  if (bucket.count === 0) return undefined;
  switch (stat) {
    case 'Sum':
      return bucket.sum;
    case 'Average':
      return bucket.sum / bucket.count;
    case 'Minimum':
      return bucket.min;
    case 'Maximum':
      return bucket.max;
    case 'SampleCount':
      return bucket.count;
  }
  const percentile = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(stat);
  if (!percentile || bucket.samples.length === 0) return undefined;
  const sorted = [...bucket.samples].sort((a, b) => a - b);
  // Nearest rank, as CloudWatch's percentiles are.
  const rank = Math.max(1, Math.ceil((Number(percentile[1]) / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
};

export const isStatistic = (stat: string): boolean =>
  ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'].includes(stat) || /^p(\d{1,2}(?:\.\d+)?|100)$/.test(stat);
