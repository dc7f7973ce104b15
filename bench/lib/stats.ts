/** The q-quantile of samples (nearest rank), rounded to 0.1. */
export const quantile = (samples: readonly number[], q: number): number => {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return Math.round(value * 10) / 10;
};

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export const sum = (samples: readonly number[]): number => samples.reduce((a, b) => a + b, 0);

/** p50, p95 and p99 of samples, in the samples' unit. */
export const percentiles = (samples: readonly number[]) => ({
  p50: quantile(samples, 0.5),
  p95: quantile(samples, 0.95),
  p99: quantile(samples, 0.99),
});

/** Each numeric member the median of the rounds' values (non-numeric members from the first round). */
export const medianOfRounds = <T extends object>(rounds: T[]): T => {
  const first = rounds[0]! as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(first).map(([key, value]) => [
      key,
      typeof value === 'number' ? median(rounds.map((round) => (round as Record<string, number>)[key]!)) : value,
    ]),
  ) as T;
};

export const round1 = (value: number): number => Math.round(value * 10) / 10;
