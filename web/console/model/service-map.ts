// GetServiceGraph's answer as the service map draws it: a node per service (with its requests, average
// latency, errors, faults and throttles) and an edge per caller → callee, in the shape a layout takes.

/** The parts of X-Ray's `Service` and `Edge` the map reads (the SDK's types have them all optional). */
export interface ServiceStatisticsLike {
  OkCount?: number;
  ErrorStatistics?: { ThrottleCount?: number; OtherCount?: number; TotalCount?: number };
  FaultStatistics?: { OtherCount?: number; TotalCount?: number };
  TotalCount?: number;
  /** Seconds, summed over the requests. */
  TotalResponseTime?: number;
}

export interface ServiceLike {
  ReferenceId?: number;
  Name?: string;
  Names?: string[];
  Type?: string;
  Root?: boolean;
  SummaryStatistics?: ServiceStatisticsLike;
  Edges?: { ReferenceId?: number; SummaryStatistics?: ServiceStatisticsLike }[];
}

export interface Health {
  requests: number;
  /** Milliseconds; undefined with no request. */
  averageMs?: number;
  /** 4xx, not counting throttles. */
  errors: number;
  faults: number;
  throttles: number;
}

export interface ServiceNode extends Health {
  id: string;
  name: string;
  type: string;
  root: boolean;
}

export interface ServiceEdge extends Health {
  id: string;
  from: string;
  to: string;
}

export interface ServiceMap {
  nodes: ServiceNode[];
  edges: ServiceEdge[];
}

const count = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : 0);

export const healthOf = (stats: ServiceStatisticsLike | undefined): Health => {
  const requests = count(stats?.TotalCount);
  const throttles = count(stats?.ErrorStatistics?.ThrottleCount);
  const totalTime = stats?.TotalResponseTime;
  return {
    requests,
    ...(requests > 0 && typeof totalTime === 'number' && { averageMs: (1000 * totalTime) / requests }),
    errors: Math.max(count(stats?.ErrorStatistics?.TotalCount) - throttles, 0),
    faults: count(stats?.FaultStatistics?.TotalCount),
    throttles,
  };
};

/**
 * The map from GetServiceGraph's services: each service a node (a client, which reports no statistics
 * of its own, counts the requests of its edges), each of its edges to a service in the graph an edge.
 */
export const buildServiceMap = (services: readonly ServiceLike[]): ServiceMap => {
  const known = services.filter((s) => typeof s.ReferenceId === 'number');
  const ids = new Set(known.map((s) => String(s.ReferenceId)));
  const edges: ServiceEdge[] = known.flatMap((service) =>
    (service.Edges ?? [])
      .filter((edge) => ids.has(String(edge.ReferenceId)))
      .map((edge) => ({
        id: `${String(service.ReferenceId)}>${String(edge.ReferenceId)}`,
        from: String(service.ReferenceId),
        to: String(edge.ReferenceId),
        ...healthOf(edge.SummaryStatistics),
      })),
  );
  const nodes: ServiceNode[] = known.map((service) => {
    const id = String(service.ReferenceId);
    const own = healthOf(service.SummaryStatistics);
    const outgoing = edges.filter((edge) => edge.from === id).reduce((sum, edge) => sum + edge.requests, 0);
    return {
      ...own,
      requests: service.SummaryStatistics ? own.requests : outgoing,
      id,
      name: service.Name ?? service.Names?.[0] ?? id,
      type: service.Type ?? 'unknown',
      root: service.Root === true,
    };
  });
  return { nodes, edges };
};

/** A node's look: a fault over a throttle over an error, else healthy. */
export const healthClass = (health: Health): 'fault' | 'throttle' | 'error' | 'ok' =>
  health.faults ? 'fault' : health.throttles ? 'throttle' : health.errors ? 'error' : 'ok';

/** The nodes' and edges' sizes a layered layout needs (elk takes them; it positions everything). */
export const SERVICE_NODE = { width: 200, height: 64 };

export interface LayoutInput {
  id: string;
  children: { id: string; width: number; height: number }[];
  edges: { id: string; sources: string[]; targets: string[] }[];
}

/** The map in elk's graph shape, laid out left to right (the caller on the left, as X-Ray draws it). */
export const serviceLayoutInput = (map: ServiceMap): LayoutInput => ({
  id: 'root',
  children: map.nodes.map((node) => ({ id: node.id, ...SERVICE_NODE })),
  edges: map.edges
    .filter((edge) => edge.from !== edge.to)
    .map((edge) => ({ id: edge.id, sources: [edge.from], targets: [edge.to] })),
});
