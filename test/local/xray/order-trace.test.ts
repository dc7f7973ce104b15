import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import type { SegmentDocument } from '../../../local/xray/segments';
import { randomUUID } from 'node:crypto';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../../support/cloud-process';
import { eventually } from '../../e2e/support';
import { edgeConfig, tokenFor } from '../../reliability/support';
import { formatTraceHeader, newSpanId, newTraceId, parseTraceHeader, xrayTraceId } from '../../../local/xray/spans';

// The trace header on a running local cloud, through the real functions: a client's X-Amzn-Trace-Id
// reaches the order handler through API Gateway, and the handler's StartExecution (the AWS SDK sends
// its _X_AMZN_TRACE_ID) starts the saga in that trace; X-Ray's BatchGetTraces on the edge then holds
// that one trace with segments of API Gateway, Lambda, Step Functions, DynamoDB and SNS.

const TERMINAL = ['COMPLETED', 'CANCELLED', 'COMPENSATION_FAILED'];

let cloud: CloudProcess;
let sfn: SFNClient;
let xray: XRayClient;
let outputs: Record<string, string>;

beforeAll(async () => {
  cloud = await startCloudProcess('traces', ['--retry-interval-scale', '0']);
  sfn = new SFNClient(edgeConfig(cloud));
  xray = new XRayClient(edgeConfig(cloud));
  outputs = (await (await fetch(`${cloud.edge}/_local/outputs`)).json()) as Record<string, string>;
}, 300_000);

afterAll(async () => {
  sfn?.destroy();
  xray?.destroy();
  await stopCloudProcess(cloud?.child);
}, 60_000);

const api = async <T>(token: string | undefined, method: string, path: string, body?: unknown, headers = {}) => {
  const response = await fetch(`${cloud.api}${path}`, {
    method,
    headers: {
      ...headers,
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
};

test('an order placed with a trace header runs its saga in that trace', async () => {
  const admin = await tokenFor(cloud, 'admin');
  const alice = await tokenFor(cloud, 'alice');
  const sku = `TR-${randomUUID().slice(0, 8).toUpperCase()}`;
  expect((await api(admin, 'PUT', `/products/${sku}`, { name: `Traced ${sku}`, price: 100, stock: 5 })).status).toBe(
    200,
  );
  const slot = (await api<{ slotId: string; remaining: number }[]>(undefined, 'GET', '/delivery/slots')).body.find(
    (s) => s.remaining > 5,
  )!;
  const caller = { traceId: newTraceId(), spanId: newSpanId(), sampled: true };

  const created = await api<{ orderId: string }>(
    alice,
    'POST',
    '/orders',
    { items: [{ sku, quantity: 1 }], delivery: { slotId: slot.slotId, address: '1 Trace Road' } },
    { 'idempotency-key': randomUUID(), 'x-amzn-trace-id': formatTraceHeader(caller) },
  );

  expect(created.status).toBe(201);
  expect(parseTraceHeader(created.headers.get('x-amzn-trace-id') ?? '')?.traceId).toBe(caller.traceId);
  const executionArn = `${outputs.StateMachineArn!.replace(':stateMachine:', ':execution:')}:${created.body.orderId}`;
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const started = parseTraceHeader(described.traceHeader);
  expect(started?.traceId).toBe(caller.traceId);
  // The handler's own position (the stage's integration span, or its SDK call's span), not the client's.
  expect(started?.spanId).toBeDefined();
  expect(started?.spanId).not.toBe(caller.spanId);
  await eventually(
    async () => {
      const { body } = await api<{ status: string }>(alice, 'GET', `/orders/${created.body.orderId}`);
      return TERMINAL.includes(body.status) ? body : undefined;
    },
    `order ${created.body.orderId} to end`,
    90_000,
  );

  // Every part of the order's way is in its trace: segments by origin, DynamoDB as an AWS call or a table.
  const expected = [
    'AWS::ApiGateway::Stage',
    'AWS::Lambda',
    'AWS::Lambda::Function',
    'AWS::StepFunctions::StateMachine',
    'AWS::SNS',
  ];
  const flatten = (doc: SegmentDocument): SegmentDocument[] => [doc, ...(doc.subsegments ?? []).flatMap(flatten)];
  const docs = await eventually(
    async () => {
      const { Traces = [] } = await xray.send(new BatchGetTracesCommand({ TraceIds: [xrayTraceId(caller.traceId)] }));
      const all = (Traces[0]?.Segments ?? []).map((s) => JSON.parse(s.Document!) as SegmentDocument);
      const origins = new Set(all.map((doc) => doc.origin));
      return expected.every((origin) => origins.has(origin)) ? all : undefined;
    },
    'the order’s trace with every service',
    30_000,
  );
  const segments = docs.flatMap(flatten);
  expect(segments.some((doc) => doc.namespace === 'aws' && doc.name === 'DynamoDB')).toBe(true);
  const saga = docs.find((doc) => doc.origin === 'AWS::StepFunctions::StateMachine')!;
  expect(saga.parent_id).toBeDefined();
  // Each Task state is a subsegment of the execution, the Lambda invokes under its attempts.
  expect(flatten(saga).map((doc) => doc.name)).toEqual(expect.arrayContaining(['Attempt 1']));
  expect(docs.every((doc) => doc.trace_id === xrayTraceId(caller.traceId))).toBe(true);
}, 240_000);
