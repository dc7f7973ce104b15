import type { Flags } from './span-fields';
import type { ServiceIdentity, TraceNode, TraceView } from './segments';

// The service graph (GetServiceGraph, GetTraceGraph): a node per service of the traces (segments by
// service name and origin; AWS and remote calls inferred from subsegments), an edge per caller and
// callee, each with X-Ray's statistics and response time histograms.

interface Statistics {
  OkCount: number;
  ErrorStatistics: { ThrottleCount: number; OtherCount: number; TotalCount: number };
  FaultStatistics: { OtherCount: number; TotalCount: number };
  TotalCount: number;
  TotalResponseTime: number;
}

interface Accumulator {
  stats: Statistics;
  histogram: Map<number, number>;
  start: number;
  end: number;
}

const accumulator = (): Accumulator => ({
  stats: {
    OkCount: 0,
    ErrorStatistics: { ThrottleCount: 0, OtherCount: 0, TotalCount: 0 },
    FaultStatistics: { OtherCount: 0, TotalCount: 0 },
    TotalCount: 0,
    TotalResponseTime: 0,
  },
  histogram: new Map(),
  start: Infinity,
  end: -Infinity,
});

const add = (acc: Accumulator, flags: Flags, start: number, end: number) => {
  const { stats } = acc;
  const time = Math.max(0, end - start);
  stats.TotalCount++;
  stats.TotalResponseTime = Math.round((stats.TotalResponseTime + time) * 1e6) / 1e6;
  if (flags.fault) {
    stats.FaultStatistics.OtherCount++;
    stats.FaultStatistics.TotalCount++;
  } else if (flags.error) {
    if (flags.throttle) stats.ErrorStatistics.ThrottleCount++;
    else stats.ErrorStatistics.OtherCount++;
    stats.ErrorStatistics.TotalCount++;
  } else stats.OkCount++;
  // Buckets of a millisecond, as seconds.
  const bucket = Math.round(time * 1000) / 1000;
  acc.histogram.set(bucket, (acc.histogram.get(bucket) ?? 0) + 1);
  acc.start = Math.min(acc.start, start);
  acc.end = Math.max(acc.end, end);
};

const histogram = (acc: Accumulator) =>
  [...acc.histogram].sort(([a], [b]) => a - b).map(([Value, Count]) => ({ Value, Count }));

interface GraphNode {
  service: ServiceIdentity;
  referenceId: number;
  root: boolean;
  acc: Accumulator;
  edges: Map<string, { target: GraphNode; acc: Accumulator }>;
}

/** The graph of these traces, in X-Ray's `Service` shape; start and end bound the graph when given. */
export const serviceGraph = (views: Iterable<TraceView>, accountId?: string) => {
  const nodes = new Map<string, GraphNode>();
  const nodeOf = (node: TraceNode) => {
    let graphNode = nodes.get(node.key);
    if (!graphNode) {
      graphNode = { service: node.service, referenceId: nodes.size, root: false, acc: accumulator(), edges: new Map() };
      nodes.set(node.key, graphNode);
    }
    return graphNode;
  };
  for (const view of views) {
    for (const node of view.nodes) {
      const target = nodeOf(node);
      const { start_time, end_time } = node.doc;
      add(target.acc, node.flags, start_time, end_time);
      if (!node.caller) {
        target.root ||= !node.inferred;
        continue;
      }
      const source = nodeOf(node.caller);
      let edge = source.edges.get(node.key);
      if (!edge) source.edges.set(node.key, (edge = { target, acc: accumulator() }));
      add(edge.acc, node.flags, start_time, end_time);
    }
  }
  return [...nodes.values()].map((node) => ({
    ReferenceId: node.referenceId,
    Name: node.service.Name,
    Names: node.service.Names,
    ...(node.service.Type && { Type: node.service.Type }),
    Root: node.root,
    State: 'active',
    ...(accountId && !node.service.Type?.startsWith('remote') && { AccountId: accountId }),
    StartTime: node.acc.start,
    EndTime: node.acc.end,
    Edges: [...node.edges.values()].map(({ target, acc }) => ({
      ReferenceId: target.referenceId,
      StartTime: acc.start,
      EndTime: acc.end,
      SummaryStatistics: acc.stats,
      ResponseTimeHistogram: histogram(acc),
      Aliases: [],
    })),
    SummaryStatistics: node.acc.stats,
    DurationHistogram: histogram(node.acc),
    ResponseTimeHistogram: histogram(node.acc),
  }));
};
