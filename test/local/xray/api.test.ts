import {
  BatchGetTracesCommand,
  GetServiceGraphCommand,
  GetTraceGraphCommand,
  GetTraceSummariesCommand,
  XRayClient,
} from '@aws-sdk/client-xray';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SegmentDocument } from '../../../local/xray/segments';
import { childOf, SpanKind, SpanStatusCode, startXRayEdge, tracerOf, xrayClientOf } from './support';

// The local X-Ray on a real edge: spans made by OpenTelemetry's SDK, sent as OTLP/HTTP with
// OpenTelemetry's own serializers (the bytes its OTLP exporters send: JSON, protobuf), read back with the
// AWS SDK's X-Ray client. (The exporter itself imports `http` dynamically, which Jest's VM cannot do:
// it is tested in cloud.test.ts, from a cloud process.)

let edge: Awaited<ReturnType<typeof startXRayEdge>>;
let xray: XRayClient;
const now = () => Date.now() / 1000;

beforeAll(async () => {
  edge = await startXRayEdge();
  xray = xrayClientOf(edge);
});
afterAll(async () => {
  xray.destroy();
  await edge.close();
});

/**
 * One order's trace as the cloud and the functions emit it: the API stage, the Lambda invoke, the
 * function with a DynamoDB and an SNS call, and SNS's delivery. Answers the trace id (32 hex).
 */
const sendOrderTrace = async (orderId: string, options: { status?: number; protobuf?: ReadableSpan[] } = {}) => {
  const processor: ReadableSpan[] = options.protobuf ?? [];
  const api = tracerOf({ 'service.name': 'shop-api/prod', 'cloud.platform': 'aws_api_gateway' }, processor);
  const lambda = tracerOf({ 'service.name': 'CreateOrder', 'cloud.platform': 'aws_lambda' }, processor);
  const fn = tracerOf(
    { 'service.name': 'CreateOrder', 'cloud.platform': 'aws_lambda', 'faas.name': 'CreateOrder' },
    processor,
  );
  const sns = tracerOf({ 'service.name': 'order-events', 'cloud.platform': 'aws_sns' }, processor);
  const status = options.status ?? 201;
  const stage = api.tracer.startSpan('POST /orders', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'POST',
      'url.full': 'http://localhost:3000/orders',
      'http.response.status_code': status,
    },
  });
  const invoke = lambda.provider
    .getTracer('local-cloud/lambda')
    .startSpan('Invoke', { kind: SpanKind.SERVER }, childOf(stage));
  const handler = fn.tracer.startSpan(
    'handler',
    { attributes: { 'annotation.order_id': orderId, total: 42.5 } },
    childOf(invoke),
  );
  const put = fn.tracer.startSpan(
    'DynamoDB.PutItem',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'rpc.system': 'aws-api',
        'rpc.service': 'DynamoDB',
        'rpc.method': 'PutItem',
        'aws.dynamodb.table_names': ['Orders'],
      },
    },
    childOf(handler),
  );
  put.end();
  const publish = fn.tracer.startSpan(
    'SNS.Publish',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'SNS', 'rpc.method': 'Publish' },
    },
    childOf(handler),
  );
  sns.tracer.startSpan('deliver', { kind: SpanKind.CONSUMER }, childOf(publish)).end();
  publish.end();
  if (status >= 500) handler.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  handler.end();
  invoke.end();
  stage.end();
  await Promise.all([api, lambda, fn, sns].map((t) => t.provider.forceFlush()));
  if (!options.protobuf) {
    const response = await fetch(`${edge.base}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JsonTraceSerializer.serializeRequest(processor)!),
    });
    expect(await response.json()).toEqual({ partialSuccess: {} });
  }
  return stage.spanContext().traceId;
};

const xrayId = (id: string) => `1-${id.slice(0, 8)}-${id.slice(8)}`;

test('an order trace sent by OTLP/HTTP JSON is found by its annotation and read back as segments', async () => {
  const traceId = await sendOrderTrace('order-json');
  const { TraceSummaries } = await xray.send(
    new GetTraceSummariesCommand({
      StartTime: new Date((now() - 300) * 1000),
      EndTime: new Date(),
      FilterExpression: 'annotation.order_id = "order-json"',
    }),
  );
  expect(TraceSummaries?.map((s) => s.Id)).toEqual([xrayId(traceId)]);
  const summary = TraceSummaries![0]!;
  expect(summary).toMatchObject({ HasFault: false, HasError: false, Http: { HttpMethod: 'POST', HttpStatus: 201 } });
  expect(summary.EntryPoint).toEqual({
    Name: 'shop-api/prod',
    Names: ['shop-api/prod'],
    Type: 'AWS::ApiGateway::Stage',
  });
  expect(summary.Annotations?.order_id?.[0]?.AnnotationValue).toEqual({ StringValue: 'order-json' });

  const { Traces, UnprocessedTraceIds } = await xray.send(
    new BatchGetTracesCommand({ TraceIds: [xrayId(traceId), '1-00000000-000000000000000000000000'] }),
  );
  expect(UnprocessedTraceIds).toEqual(['1-00000000-000000000000000000000000']);
  const docs = Traces![0]!.Segments!.map((s) => JSON.parse(s.Document!) as SegmentDocument);
  expect(docs.map((d) => `${d.name} ${d.origin}`).sort()).toEqual([
    'CreateOrder AWS::Lambda',
    'CreateOrder AWS::Lambda::Function',
    'order-events AWS::SNS',
    'shop-api/prod AWS::ApiGateway::Stage',
  ]);
  const fn = docs.find((d) => d.origin === 'AWS::Lambda::Function')!;
  expect(fn).toMatchObject({
    trace_id: xrayId(traceId),
    annotations: { order_id: 'order-json' },
    metadata: { default: { total: 42.5 } },
  });
  expect(fn.subsegments!.map((s) => `${s.namespace} ${s.name} ${String(s.aws?.operation)}`)).toEqual([
    'aws DynamoDB PutItem',
    'aws SNS Publish',
  ]);
  expect(fn.subsegments![0]!.aws!.table_name).toBe('Orders');
  const stage = docs.find((d) => d.origin === 'AWS::ApiGateway::Stage')!;
  expect(stage.http).toEqual({
    request: { method: 'POST', url: 'http://localhost:3000/orders' },
    response: { status: 201 },
  });
  expect(stage.parent_id).toBeUndefined();
  // Each segment's parent is a span of another segment (the SNS delivery's is the Publish subsegment).
  expect(docs.find((d) => d.origin === 'AWS::SNS')!.parent_id).toBe(fn.subsegments![1]!.id);
  expect(stage.start_time).toBeGreaterThan(now() - 60);
  expect(stage.end_time).toBeGreaterThanOrEqual(stage.start_time);
});

test('the service graph has the services, the table inferred from the call, and edges with statistics', async () => {
  const traceId = await sendOrderTrace('order-graph', { status: 502 });
  const { Services } = await xray.send(new GetTraceGraphCommand({ TraceIds: [xrayId(traceId)] }));
  const names = Services!.map((s) => `${s.Name} ${s.Type}`).sort();
  expect(names).toEqual([
    'CreateOrder AWS::Lambda',
    'CreateOrder AWS::Lambda::Function',
    'Orders AWS::DynamoDB::Table',
    'order-events AWS::SNS',
    'shop-api/prod AWS::ApiGateway::Stage',
  ]);
  const byType = (type: string) => Services!.find((s) => s.Type === type)!;
  const fn = byType('AWS::Lambda::Function');
  expect(fn.Edges!.map((e) => e.ReferenceId).sort()).toEqual(
    [byType('AWS::DynamoDB::Table').ReferenceId, byType('AWS::SNS').ReferenceId].sort(),
  );
  expect(fn.SummaryStatistics).toMatchObject({ TotalCount: 1, FaultStatistics: { TotalCount: 1 } });
  expect(byType('AWS::ApiGateway::Stage')).toMatchObject({
    Root: true,
    SummaryStatistics: { FaultStatistics: { TotalCount: 1 } },
  });
  expect(byType('AWS::DynamoDB::Table').ResponseTimeHistogram![0]!.Count).toBe(1);

  const graph = await xray.send(
    new GetServiceGraphCommand({ StartTime: new Date(Date.now() - 300_000), EndTime: new Date() }),
  );
  const table = graph.Services!.find((s) => s.Name === 'Orders')!;
  expect(table.SummaryStatistics!.TotalCount).toBeGreaterThanOrEqual(2);

  const faults = await xray.send(
    new GetTraceSummariesCommand({
      StartTime: new Date(Date.now() - 300_000),
      EndTime: new Date(),
      FilterExpression: 'fault AND service("CreateOrder") { fault }',
    }),
  );
  expect(faults.TraceSummaries!.map((s) => s.Id)).toEqual([xrayId(traceId)]);
  expect(faults.TraceSummaries![0]).toMatchObject({ HasFault: true, Http: { HttpStatus: 502 } });
});

test('a protobuf request (as exporter-trace-otlp-proto sends it) is decoded like JSON', async () => {
  const spans: ReadableSpan[] = [];
  const traceId = await sendOrderTrace('order-proto', { protobuf: spans });
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const response = await fetch(`${edge.base}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/x-protobuf');
  const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: [xrayId(traceId)] }));
  const docs = Traces![0]!.Segments!.map((s) => JSON.parse(s.Document!) as SegmentDocument);
  const fn = docs.find((d) => d.origin === 'AWS::Lambda::Function')!;
  expect(fn.annotations).toEqual({ order_id: 'order-proto' });
  expect(fn.metadata!.default!.total).toBe(42.5);
  expect(fn.subsegments![0]!.aws!.table_name).toBe('Orders');
  expect(docs).toHaveLength(4);
});

test('paging: NextToken walks the summaries, newest first', async () => {
  const { service } = edge;
  const base = Date.now() - 100_000;
  for (let i = 0; i < 130; i++) {
    const traceId = `${Math.floor(base / 1000).toString(16)}${i.toString(16).padStart(24, '0')}`;
    service.record([
      {
        traceId,
        spanId: '1'.repeat(16),
        name: 'p',
        kind: 'SERVER',
        start: base + i,
        end: base + i + 1,
        attributes: { 'annotation.page': 'yes' },
        status: { code: 'UNSET' },
        resource: { 'service.name': 'pager' },
      },
    ]);
  }
  const query = { StartTime: new Date(base - 1000), EndTime: new Date(), FilterExpression: 'annotation.page = "yes"' };
  const first = await xray.send(new GetTraceSummariesCommand(query));
  expect(first.TraceSummaries).toHaveLength(100);
  expect(first.NextToken).toBeDefined();
  const second = await xray.send(new GetTraceSummariesCommand({ ...query, NextToken: first.NextToken }));
  expect(second.TraceSummaries).toHaveLength(30);
  expect(second.NextToken).toBeUndefined();
  const starts = [...first.TraceSummaries!, ...second.TraceSummaries!].map((s) => s.StartTime!.getTime());
  expect(starts).toEqual([...starts].sort((a, b) => b - a));
  expect(new Set([...first.TraceSummaries!, ...second.TraceSummaries!].map((s) => s.Id)).size).toBe(130);
});

test('bad requests get 4xx answers with a clear message', async () => {
  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${edge.base}${path}`, { method: 'POST', headers: { 'content-type': type }, body }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { __type: string; message: string },
    }));
  const junk = await post('/v1/traces', '{not json');
  expect(junk.status).toBe(400);
  expect(junk.body.message).toBe('The body is not valid JSON (an OTLP ExportTraceServiceRequest)');
  expect(
    (await post('/v1/traces', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}')).body.message,
  ).toBe('resourceSpans[0].scopeSpans[0].spans[0].traceId must be 32 hex digits');
  expect((await post('/v1/traces', 'x', 'text/plain')).status).toBe(415);
  expect((await post('/v1/traces', 'x', 'text/plain')).body.message).toContain('application/json');
  expect(
    (await post('/v1/traces', Buffer.from([0x0a, 0xff]).toString('latin1'), 'application/x-protobuf')).status,
  ).toBe(400);
  expect(await post('/TraceSummaries', '{"EndTime": 1}')).toEqual({
    status: 400,
    body: { __type: 'InvalidRequestException', message: 'StartTime is required, as a timestamp in epoch seconds' },
  });
  expect((await post('/TraceSummaries', '[]')).body.__type).toBe('InvalidRequestException');
  expect((await post('/Traces', '{"TraceIds": "x"}')).body.__type).toBe('InvalidRequestException');
  expect(
    (await post('/TraceSummaries', JSON.stringify({ StartTime: 1, EndTime: 2, NextToken: 'bm9wZQ' }))).body.message,
  ).toBe('The NextToken is not valid');
  await expect(
    xray.send(
      new GetTraceSummariesCommand({
        StartTime: new Date(0),
        EndTime: new Date(),
        FilterExpression: 'annotation.x = ',
      }),
    ),
  ).rejects.toMatchObject({
    name: 'InvalidRequestException',
    message: 'Invalid filter expression: expected a value at the end',
  });
  await expect(
    xray.send(
      new GetTraceSummariesCommand({ StartTime: new Date(0), EndTime: new Date(), TimeRangeType: 'Nope' as never }),
    ),
  ).rejects.toMatchObject({ name: 'InvalidRequestException' });
});
