import { viewOf } from '../../../local/xray/segments';
import { span } from './support';

// Segment documents: errors from HTTP statuses and span status, causes from exception events,
// annotations by ADOT's list and by prefix, remote calls, and segments split by service.

const trace = (spans: ReturnType<typeof span>[]) => viewOf({ id: 'a'.repeat(32), spans, dropped: 0 });

test('errors, throttles, faults and causes', () => {
  const view = trace([
    span({ name: 'root', service: 'api', spanId: '0000000000000001', attributes: { 'http.status_code': 429 } }),
    span({
      name: 'child',
      service: 'api',
      spanId: '0000000000000002',
      parentSpanId: '0000000000000001',
      attributes: { 'http.response.status_code': 404 },
    }),
    span({
      name: 'failing',
      service: 'api',
      spanId: '0000000000000003',
      parentSpanId: '0000000000000001',
      status: { code: 'ERROR', message: 'bad' },
      events: [
        {
          name: 'exception',
          time: 1,
          attributes: { 'exception.type': 'TypeError', 'exception.message': 'x is undefined' },
        },
      ],
    }),
    span({
      name: 'server-error',
      service: 'api',
      spanId: '0000000000000004',
      parentSpanId: '0000000000000001',
      status: { code: 'ERROR' },
      attributes: { 'http.status_code': 503 },
    }),
  ]);
  expect(view.segments).toHaveLength(1);
  const [root] = view.segments;
  expect(root).toMatchObject({ name: 'api', error: true, throttle: true });
  expect(root!.fault).toBeUndefined();
  const [child, failing, serverError] = root!.subsegments!;
  expect(child).toMatchObject({ name: 'child', error: true });
  expect(child!.throttle).toBeUndefined();
  expect(failing).toMatchObject({
    fault: true,
    cause: { exceptions: [{ type: 'TypeError', message: 'x is undefined' }] },
  });
  expect(serverError).toMatchObject({ fault: true });
  expect(serverError!.error).toBeUndefined();
});

test('annotations: listed in aws.xray.annotations, or prefixed annotation.; the rest is metadata', () => {
  const [doc] = trace([
    span({
      name: 'handler',
      service: 'fn',
      attributes: {
        'annotation.order.id': 'o-1',
        tier: 'gold',
        'aws.xray.annotations': ['tier'],
        other: 3,
        list: ['a'],
      },
    }),
  ]).segments;
  expect(doc!.annotations).toEqual({ order_id: 'o-1', tier: 'gold' });
  expect(doc!.metadata?.default).toEqual({ other: 3, list: ['a'] });
  expect(doc!.metadata?.otel).toMatchObject({ span_name: 'handler', kind: 'INTERNAL' });
});

test('a remote call is a remote subsegment and a node; a span of another service starts a segment', () => {
  const view = trace([
    span({ name: 'handler', service: 'fn', spanId: '0000000000000001', resource: { 'cloud.platform': 'aws_lambda' } }),
    span({
      name: 'GET',
      service: 'fn',
      spanId: '0000000000000002',
      parentSpanId: '0000000000000001',
      kind: 'CLIENT',
      resource: { 'cloud.platform': 'aws_lambda' },
      attributes: { 'url.full': 'https://api.example.com/x' },
    }),
    span({
      name: 'rule',
      service: 'shop-bus',
      spanId: '0000000000000003',
      parentSpanId: '0000000000000001',
      resource: { 'cloud.platform': 'aws_eventbridge' },
    }),
    span({ name: 'orphan', service: 'fn', spanId: '0000000000000004', parentSpanId: 'ffffffffffffffff' }),
  ]);
  expect(view.segments.map((s) => [s.name, s.origin, s.parent_id])).toEqual([
    ['fn', 'AWS::Lambda::Function', undefined],
    ['shop-bus', 'AWS::Events', '0000000000000001'],
    ['fn', undefined, 'ffffffffffffffff'],
  ]);
  expect(view.segments[0]!.subsegments).toEqual([
    expect.objectContaining({ name: 'api.example.com', namespace: 'remote' }),
  ]);
  expect(
    view.nodes.map((n) => `${n.service.Name} ${String(n.service.Type)} ← ${n.caller?.service.Name ?? '-'}`),
  ).toEqual([
    'fn AWS::Lambda::Function ← -',
    'shop-bus AWS::Events ← fn',
    'fn undefined ← -',
    'api.example.com remote ← fn',
  ]);
  expect(view.root?.service.Name).toBe('fn');
});
