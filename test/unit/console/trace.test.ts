import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildTraceTree,
  lambdaInvocationOf,
  traceStats,
  type TraceTree,
  visibleSpans,
} from '../../../web/console/model/trace';
import {
  attributesOf,
  barOf,
  exceptionsOf,
  matchRanges,
  searchTrace,
  spanEventsOf,
  timeAxis,
} from '../../../web/console/model/trace-search';

// BatchGetTraces' answer for one order, in X-Ray's documented segment shape: API Gateway's stage, the
// Lambda service and function segments, the state machine with its states, an SNS segment still open;
// segments sent out of order, each linked to its caller's subsegment by parent_id.
const fixture = JSON.parse(readFileSync(join(__dirname, '../../events/xray/order-trace.json'), 'utf8')) as {
  Traces: { Id: string; Segments: { Id: string; Document: string }[] }[];
};
const T = 1764680000 * 1000;
const traceOf = (): TraceTree => buildTraceTree(fixture.Traces[0]!.Id, fixture.Traces[0]!.Segments);
const span = (tree: TraceTree, id: string) => tree.spans.find((s) => s.id === id)!;

describe('segment documents → the waterfall’s tree', () => {
  test('segments hang under the subsegment their parent_id names, subsegments under their segment, depth first', () => {
    // Act
    const tree = traceOf();
    // Assess
    expect(tree.spans.map((s) => [s.name, s.depth])).toEqual([
      ['shop-api/prod', 0],
      ['Authorizer', 1],
      ['Lambda', 1],
      ['OrderCreate', 2],
      ['OrderCreate', 3],
      ['Initialization', 4],
      ['Invocation', 4],
      ['DynamoDB', 5],
      ['SFN', 5],
      ['OrderSaga', 6],
      ['ProcessPayment', 7],
      ['Lambda', 8],
      ['Lambda', 8],
      ['CancelOrder', 7],
      ['shop-order-events', 8],
    ]);
    expect(span(tree, 'd000000000000001').parentId).toBe('c000000000000005');
    expect(span(tree, 'c000000000000003').childIds).toEqual(['c000000000000004', 'c000000000000005']);
    expect(span(tree, 'a000000000000001').kind).toBe('segment');
    expect(span(tree, 'a000000000000002').kind).toBe('subsegment');
    expect(tree.unreadable).toBe(0);
  });

  test('one time axis in epoch ms: the trace’s start and end, an open span running to the end', () => {
    const tree = traceOf();
    expect(tree.start).toBeCloseTo(T, 3);
    expect(tree.end).toBeCloseTo(T + 1400, 3);
    const open = span(tree, 'e000000000000001');
    expect(open.inProgress).toBe(true);
    expect(open.start).toBeCloseTo(T + 1310, 3);
    expect(open.end).toBe(tree.end);
    expect(traceStats(tree)).toEqual({ spans: 15, durationMs: tree.end - tree.start, failed: 4 });
  });

  test('errors, faults and throttles are each span’s outcome (a fault over a throttle over an error)', () => {
    const tree = traceOf();
    expect(span(tree, 'd000000000000002').outcome).toBe('fault');
    expect(span(tree, 'd000000000000004').outcome).toBe('throttle');
    expect(span(tree, 'd000000000000005').outcome).toBe('error');
    expect(span(tree, 'c000000000000004').outcome).toBe('ok');
  });

  test('a segment whose parent is not in the trace is a root; documents that are not JSON are counted, not shown', () => {
    const tree = buildTraceTree('1-x', [
      { Document: JSON.stringify({ id: 'b1', name: 'late', parent_id: 'nowhere', start_time: 2, end_time: 3 }) },
      { Document: JSON.stringify({ id: 'a1', name: 'early', start_time: 1, end_time: 2 }) },
      { Document: 'not json' },
      { Document: JSON.stringify({ name: 'no id' }) },
      { Document: JSON.stringify({ id: 'c1', name: 'loop', parent_id: 'c1', start_time: 1.5, end_time: 1.6 }) },
    ]);
    expect(tree.spans.map((s) => [s.name, s.depth, s.parentId])).toEqual([
      ['early', 0, undefined],
      ['loop', 0, undefined],
      ['late', 0, undefined],
    ]);
    expect(tree.unreadable).toBe(2);
  });

  test('collapsing a span hides everything below it, and only that', () => {
    const tree = traceOf();
    const shown = visibleSpans(tree, new Set(['c000000000000003']));
    expect(shown.map((s) => s.id)).not.toContain('c000000000000004');
    expect(shown.map((s) => s.id)).not.toContain('d000000000000001');
    expect(shown.map((s) => s.id)).not.toContain('e000000000000001');
    expect(shown.map((s) => s.id)).toContain('c000000000000003');
    expect(shown).toHaveLength(7);
    expect(visibleSpans(tree, new Set())).toHaveLength(15);
  });
});

describe('a Lambda span links to its invocation’s logs', () => {
  test('the function segment: its name from its ARN, its request id from aws.request_id', () => {
    const tree = traceOf();
    expect(lambdaInvocationOf(span(tree, 'c000000000000001'))).toEqual({
      functionName: 'shop-OrderCreate-X1',
      requestId: 'req-create-1',
      logGroup: '/aws/lambda/shop-OrderCreate-X1',
    });
    // The Lambda service's segment has no ARN: the segment's name is the function's.
    expect(lambdaInvocationOf(span(tree, 'b000000000000001'))?.logGroup).toBe('/aws/lambda/OrderCreate');
    // DynamoDB's subsegment has a request id but is no Lambda invocation.
    expect(lambdaInvocationOf(span(tree, 'c000000000000004'))).toBeUndefined();
  });
});

describe('span details and search', () => {
  test('attributes: annotations, metadata, http and aws flattened to dotted keys', () => {
    const tree = traceOf();
    expect(attributesOf(span(tree, 'a000000000000001').document)).toEqual([
      { section: 'span', key: 'origin', value: 'AWS::ApiGateway::Stage' },
      { section: 'annotations', key: 'orderId', value: 'order-42' },
      { section: 'http', key: 'request.method', value: 'POST' },
      { section: 'http', key: 'request.url', value: 'http://localhost:3000/orders' },
      { section: 'http', key: 'response.status', value: '201' },
      { section: 'aws', key: 'api_id', value: 'abc123' },
      { section: 'aws', key: 'stage', value: 'prod' },
    ]);
    expect(attributesOf(span(tree, 'd000000000000005').document)).toContainEqual({
      section: 'metadata',
      key: 'default.detail.attempts',
      value: '3',
    });
  });

  test('events: the exceptions of a cause, and a cause that only names another span’s exception', () => {
    const tree = traceOf();
    expect(exceptionsOf(span(tree, 'd000000000000002').document)).toEqual([
      expect.objectContaining({ type: 'Lambda.ServiceException', message: 'Billing is down (chaos)' }),
    ]);
    expect(exceptionsOf(span(tree, 'd000000000000003').document)[0]!.message).toContain('e1');
    expect(exceptionsOf(span(tree, 'c000000000000004').document)).toEqual([]);
  });

  test('search finds spans by name, attribute or exception text, with the path that leads to each', () => {
    const tree = traceOf();
    const found = searchTrace(tree, 'putitem')!;
    expect([...found.matches]).toEqual(['c000000000000004']);
    expect([...found.shown].sort()).toEqual(
      [
        'a000000000000001',
        'a000000000000003',
        'b000000000000001',
        'c000000000000001',
        'c000000000000003',
        'c000000000000004',
      ].sort(),
    );
    expect([...searchTrace(tree, 'billing DOWN')!.matches]).toEqual(['d000000000000002']);
    expect(searchTrace(tree, 'lambda')!.matches.size).toBeGreaterThan(3);
    expect(searchTrace(tree, 'nothing-like-this')!.shown.size).toBe(0);
    expect(searchTrace(tree, '   ')).toBeUndefined();
  });

  test('the matched parts of a text, merged, for highlighting', () => {
    expect(matchRanges('OrderCreate order', 'order')).toEqual([
      [0, 5],
      [12, 17],
    ]);
    expect(matchRanges('abcdef', 'bc cd')).toEqual([[1, 4]]);
    expect(matchRanges('abc', '')).toEqual([]);
  });
});

describe('the time axis', () => {
  test('ticks at 1, 2 or 5 × a power of ten, from 0, at most eight', () => {
    expect(timeAxis(1400).map((t) => t.label)).toEqual([
      '0 ms',
      '200 ms',
      '400 ms',
      '600 ms',
      '800 ms',
      '1 s',
      '1.2 s',
      '1.4 s',
    ]);
    expect(timeAxis(9_000).map((t) => t.label)).toEqual(['0 ms', '2 s', '4 s', '6 s', '8 s']);
    expect(timeAxis(3).map((t) => t.at)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    for (const duration of [0, 0.7, 17, 999, 61_000]) {
      const ticks = timeAxis(duration);
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.length).toBeLessThanOrEqual(9);
      expect(ticks.at(-1)!.percent).toBeLessThanOrEqual(100.0001);
    }
  });

  test('a span’s bar: its offset and width in % of the trace', () => {
    const tree = traceOf();
    const bar = barOf(span(tree, 'd000000000000001'), tree);
    expect(bar.left).toBeCloseTo((100 * 150) / 1400, 3);
    expect(bar.width).toBeCloseTo((100 * 1250) / 1400, 3);
  });
});

describe('the local X-Ray’s own shapes', () => {
  test('OpenTelemetry events kept in metadata.otel, oldest first; a stack trace as text; the function from aws.function_name', () => {
    const doc = {
      id: 'f1',
      name: 'local-invoke',
      start_time: 1,
      end_time: 2,
      origin: 'AWS::Lambda',
      aws: { request_id: 'r-1', function_name: 'shop-BillingPay' },
      cause: {
        exceptions: [{ id: 'f1', type: 'Error', message: 'boom', stack: 'Error: boom\n    at pay (index.js:3:9)' }],
      },
      metadata: {
        otel: {
          events: [
            { name: 'retry', time: 1500, attributes: { attempt: 2 } },
            { name: 'init', time: 1100 },
            { nope: true },
          ],
        },
      },
    };
    const tree = buildTraceTree('1-y', [{ Document: JSON.stringify(doc) }]);
    expect(spanEventsOf(tree.spans[0]!.document).map((e) => e.name)).toEqual(['init', 'retry']);
    expect(exceptionsOf(tree.spans[0]!.document)[0]!.stack).toContain('at pay');
    expect(lambdaInvocationOf(tree.spans[0]!)?.logGroup).toBe('/aws/lambda/shop-BillingPay');
  });
});

test('a span’s OpenTelemetry events are its events, not one of its attributes', () => {
  const doc = {
    id: 'g1',
    metadata: { default: { a: 1 }, otel: { kind: 'INTERNAL', events: [{ name: 'x', time: 1 }] } },
  };
  expect(attributesOf(doc).map((a) => a.key)).toEqual(['default.a', 'otel.kind']);
});
