// The saga's circuit breakers as CloudWatch knows them: each call through a circuit reports the state it
// saw (`CircuitState`: 0 closed, 1 half-open, 2 open, by `Circuit`), refusals and transitions are counted.
// From those metrics alone (so that it reads the same on AWS), a row per circuit: its last known state,
// when a call last saw it, and what it refused and how often it changed over the window.

export const NAMESPACE = 'ServerlessShop';
export type CircuitState = 'CLOSED' | 'HALF_OPEN' | 'OPEN';
const STATES: CircuitState[] = ['CLOSED', 'HALF_OPEN', 'OPEN'];

/** A GetMetricData query, as @aws-sdk/client-cloudwatch's MetricDataQuery. */
export interface CircuitQuery {
  Id: string;
  MetricStat: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
  ReturnData: true;
}

/** One GetMetricData result, as the SDK answers it. */
export interface CircuitResult {
  Id?: string;
  Timestamps?: Date[];
  Values?: number[];
}

export interface CircuitRow {
  circuit: string;
  /** The state the last call saw; undefined when no call reported one in the window. */
  state?: CircuitState;
  /** When a call last reported it. */
  seenAt?: Date;
  refused: number;
  transitions: number;
}

const MEASURES = [
  ['state', 'CircuitState', 'Maximum'],
  ['refused', 'CircuitRejected', 'Sum'],
  ['transitions', 'CircuitTransitions', 'Sum'],
] as const;

/** The circuits' names, from ListMetrics' answer for CircuitState (each with its `Circuit` dimension). */
export const circuitNames = (metrics: { Dimensions?: { Name?: string; Value?: string }[] }[]): string[] =>
  [
    ...new Set(
      metrics.flatMap((metric) =>
        (metric.Dimensions ?? []).filter((d) => d.Name === 'Circuit' && d.Value).map((d) => d.Value!),
      ),
    ),
  ].sort();

/** Three queries a circuit (its state, refusals, transitions), by minute. */
export const circuitQueries = (circuits: string[], service = 'order'): CircuitQuery[] =>
  circuits.flatMap((circuit, i) =>
    MEASURES.map(([id, metricName, stat]) => ({
      Id: `${id}${i}`,
      MetricStat: {
        Metric: {
          Namespace: NAMESPACE,
          MetricName: metricName,
          Dimensions: [
            { Name: 'Circuit', Value: circuit },
            { Name: 'service', Value: service },
          ],
        },
        Period: 60,
        Stat: stat,
      },
      ReturnData: true as const,
    })),
  );

/** A row per circuit from the queries' results (in any order, timestamps in any order). */
export const circuitRows = (circuits: string[], results: CircuitResult[]): CircuitRow[] => {
  const byId = new Map(results.map((result) => [result.Id, result]));
  const points = (id: string) => {
    const result = byId.get(id);
    return (result?.Timestamps ?? [])
      .map((at, i) => ({ at: new Date(at), value: result!.Values?.[i] }))
      .filter((point): point is { at: Date; value: number } => Number.isFinite(point.value));
  };
  const sum = (id: string) => points(id).reduce((total, point) => total + point.value, 0);
  return circuits.map((circuit, i) => {
    const last = points(`state${i}`).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
    return {
      circuit,
      ...(last && { state: STATES[Math.round(last.value)] ?? 'OPEN', seenAt: last.at }),
      refused: sum(`refused${i}`),
      transitions: sum(`transitions${i}`),
    };
  });
};
