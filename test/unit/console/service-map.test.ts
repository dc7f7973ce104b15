import ELK from 'elkjs/lib/elk.bundled.js';
import { buildServiceMap, healthClass, serviceLayoutInput } from '../../../web/console/model/service-map';
import { layoutServiceMap } from '../../../web/console/graph/service-layout';

// GetServiceGraph's services for a client calling API Gateway, which calls a function that calls
// DynamoDB, as X-Ray documents them (a client reports no statistics of its own).
const services = [
  { ReferenceId: 0, Name: 'client', Type: 'client', Edges: [{ ReferenceId: 1, SummaryStatistics: { TotalCount: 4 } }] },
  {
    ReferenceId: 1,
    Name: 'shop-api/prod',
    Type: 'AWS::ApiGateway::Stage',
    Root: true,
    SummaryStatistics: {
      OkCount: 2,
      TotalCount: 4,
      TotalResponseTime: 1.2,
      ErrorStatistics: { ThrottleCount: 1, OtherCount: 0, TotalCount: 1 },
      FaultStatistics: { TotalCount: 1 },
    },
    Edges: [{ ReferenceId: 2, SummaryStatistics: { TotalCount: 3, TotalResponseTime: 0.6 } }],
  },
  {
    ReferenceId: 2,
    Name: 'OrderCreate',
    Type: 'AWS::Lambda::Function',
    SummaryStatistics: { TotalCount: 3, TotalResponseTime: 0.6, ErrorStatistics: { TotalCount: 2 } },
    Edges: [
      { ReferenceId: 3, SummaryStatistics: { TotalCount: 6, TotalResponseTime: 0.06 } },
      { ReferenceId: 99, SummaryStatistics: { TotalCount: 1 } },
    ],
  },
  { ReferenceId: 3, Names: ['shop-orders'], Type: 'AWS::DynamoDB::Table', SummaryStatistics: { TotalCount: 6 } },
];

describe('GetServiceGraph → the service map', () => {
  test('each service a node with its requests, average latency, errors, faults and throttles', () => {
    const map = buildServiceMap(services);
    expect(map.nodes.map((n) => [n.name, n.type, n.requests, n.averageMs, n.errors, n.faults, n.throttles])).toEqual([
      ['client', 'client', 4, undefined, 0, 0, 0],
      ['shop-api/prod', 'AWS::ApiGateway::Stage', 4, 300, 0, 1, 1],
      ['OrderCreate', 'AWS::Lambda::Function', 3, 200, 2, 0, 0],
      ['shop-orders', 'AWS::DynamoDB::Table', 6, undefined, 0, 0, 0],
    ]);
    expect(map.nodes.map(healthClass)).toEqual(['ok', 'fault', 'error', 'ok']);
    expect(map.nodes.find((n) => n.root)?.name).toBe('shop-api/prod');
  });

  test('an edge per caller → callee in the graph (an edge to a service not in it is left out)', () => {
    const map = buildServiceMap(services);
    expect(map.edges.map((e) => [e.from, e.to, e.requests, e.averageMs])).toEqual([
      ['0', '1', 4, undefined],
      ['1', '2', 3, 200],
      ['2', '3', 6, 10],
    ]);
    expect(serviceLayoutInput(map).edges).toEqual([
      { id: '0>1', sources: ['0'], targets: ['1'] },
      { id: '1>2', sources: ['1'], targets: ['2'] },
      { id: '2>3', sources: ['2'], targets: ['3'] },
    ]);
  });

  test('elk lays the map out left to right: each callee right of its caller, no two nodes overlapping', async () => {
    const map = buildServiceMap(services);
    const layout = await layoutServiceMap(map, new ELK());
    const at = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const edge of map.edges) expect(at.get(edge.to)!.x).toBeGreaterThan(at.get(edge.from)!.x);
    for (const a of layout.nodes)
      for (const b of layout.nodes)
        if (a !== b)
          expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(
            true,
          );
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(layout.width).toBeGreaterThan(0);
  });

  test('an empty graph is an empty map', async () => {
    const layout = await layoutServiceMap(buildServiceMap([]), new ELK());
    expect(layout.nodes).toEqual([]);
  });
});
