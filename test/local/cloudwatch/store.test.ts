import { aggregate, MetricStore, MINUTE, statistic } from '../../../local/cloudwatch/store';

// The metric store: 1-minute buckets, statistics over periods, bounded by age and by series count.

const T0 = Date.UTC(2026, 10, 26, 1, 0, 0);
const metric = { namespace: 'ServerlessShop', name: 'OrdersCompleted', dimensions: { service: 'order' } };

describe('metric store', () => {
  test('values fall into minute buckets, and a period merges its minutes into every statistic', () => {
    const store = new MetricStore({ now: () => T0 + 10 * MINUTE });
    store.put({ ...metric, timestamp: T0 + 5_000, values: [1, 3] });
    store.put({ ...metric, timestamp: T0 + 59_000, values: [2] });
    store.put({ ...metric, timestamp: T0 + MINUTE + 1, values: [10], counts: [2] });
    store.put({
      ...metric,
      timestamp: T0 + 6 * MINUTE,
      statistics: { sampleCount: 4, sum: 8, minimum: 0, maximum: 5 },
    });

    const fiveMinutes = aggregate(store.get(metric)!, T0, T0 + 10 * MINUTE, 5 * MINUTE);
    const first = fiveMinutes.get(T0)!;
    const second = fiveMinutes.get(T0 + 5 * MINUTE)!;

    expect([...fiveMinutes.keys()]).toEqual([T0, T0 + 5 * MINUTE]);
    expect(['Sum', 'SampleCount', 'Minimum', 'Maximum', 'Average'].map((s) => statistic(first, s))).toEqual([
      26,
      5,
      1,
      10,
      26 / 5,
    ]);
    expect(['Sum', 'SampleCount', 'Minimum', 'Maximum'].map((s) => statistic(second, s))).toEqual([8, 4, 0, 5]);
    expect(statistic(first, 'p50')).toBe(3);
    expect(statistic(first, 'p99')).toBe(10);
    expect(statistic(first, 'Bogus')).toBeUndefined();
  });

  test('percentiles stay close on many values (a sample per minute)', () => {
    const store = new MetricStore({ now: () => T0 });
    const values = Array.from({ length: 5000 }, (_, i) => i + 1);
    store.put({ ...metric, name: 'SagaDuration', timestamp: T0, values });

    const bucket = aggregate(store.get({ ...metric, name: 'SagaDuration' })!, T0, T0 + MINUTE, MINUTE).get(T0)!;

    expect(statistic(bucket, 'Sum')).toBe((5000 * 5001) / 2);
    expect(Math.abs(statistic(bucket, 'p50')! - 2500)).toBeLessThan(600);
    expect(Math.abs(statistic(bucket, 'p90')! - 4500)).toBeLessThan(400);
  });

  test('minutes older than the retention are dropped, and past the series cap the least recently updated series goes', () => {
    let now = T0;
    const store = new MetricStore({ retentionMs: 180 * MINUTE, maxSeries: 3, now: () => now });
    store.put({ ...metric, timestamp: T0, values: [1] });
    now = T0 + 200 * MINUTE;
    store.put({ ...metric, timestamp: now, values: [1] });
    for (const service of ['a', 'b', 'c'])
      store.put({ ...metric, dimensions: { service }, timestamp: now, values: [1] });

    expect(store.size).toBe(3);
    expect(store.get(metric)).toBeUndefined();
    expect(store.list().map((s) => s.dimensions.service)).toEqual(['a', 'b', 'c']);
    store.put({ ...metric, dimensions: { service: 'a' }, timestamp: now, values: [1] });
    store.put({ ...metric, dimensions: { service: 'd' }, timestamp: now, values: [1] });
    expect(store.list().map((s) => s.dimensions.service)).toEqual(['c', 'a', 'd']);
  });

  test('a series keeps only the minutes within the retention', () => {
    let now = T0;
    const store = new MetricStore({ retentionMs: 180 * MINUTE, now: () => now });
    for (let minute = 0; minute < 240; minute++) {
      now = T0 + minute * MINUTE;
      store.put({ ...metric, timestamp: now, values: [1] });
    }

    const minutes = [...store.get(metric)!.buckets.keys()];

    expect(minutes.length).toBe(181);
    expect(Math.min(...minutes)).toBe(now - 180 * MINUTE);
  });
});
