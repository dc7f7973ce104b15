import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchGetTracesCommand,
  GetSamplingRulesCommand,
  GetTraceSummariesCommand,
  UpdateSamplingRuleCommand,
  XRayClient,
} from '@aws-sdk/client-xray';
import type { SegmentDocument } from '../../../local/xray/segments';
import { randomUUID } from 'node:crypto';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../../support/cloud-process';
import { eventually } from '../../e2e/support';
import { edgeConfig, tokenFor } from '../../reliability/support';
import { formatTraceHeader, newSpanId, newTraceId, parseTraceHeader, xrayTraceId } from '../../../local/xray/spans';
import { orderEnded, shopApi } from './support';

// The trace header on a running local cloud, through the real functions: a client's X-Amzn-Trace-Id
// reaches the order handler through API Gateway, and the handler's StartExecution (the AWS SDK sends
// its _X_AMZN_TRACE_ID) starts the saga in that trace; X-Ray's BatchGetTraces on the edge then holds
// that one trace with segments of API Gateway, Lambda, Step Functions, DynamoDB and SNS.

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

const api = shopApi(() => cloud.api);

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
  await orderEnded(api, alice, created.body.orderId);

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

/** An order of a product of its own, placed without a trace header: the stage decides by the sampling rules. */
const placeOrder = async (alice: string, admin: string) => {
  const sku = `SA-${randomUUID().slice(0, 8).toUpperCase()}`;
  await api(admin, 'PUT', `/products/${sku}`, { name: `Sampled ${sku}`, price: 100, stock: 5 });
  const slot = (await api<{ slotId: string; remaining: number }[]>(undefined, 'GET', '/delivery/slots')).body.find(
    (s) => s.remaining > 5,
  )!;
  const created = await api<{ orderId: string }>(
    alice,
    'POST',
    '/orders',
    { items: [{ sku, quantity: 1 }], delivery: { slotId: slot.slotId, address: '2 Sample Road' } },
    { 'idempotency-key': randomUUID() },
  );
  expect(created.status).toBe(201);
  await orderEnded(api, alice, created.body.orderId);
  return { orderId: created.body.orderId, header: parseTraceHeader(created.headers.get('x-amzn-trace-id') ?? '')! };
};

test('an order the sampling rules leave out runs unsampled end to end: no service and no function records a span of it', async () => {
  const admin = await tokenFor(cloud, 'admin');
  const alice = await tokenFor(cloud, 'alice');
  // The stack's rule for placing an order sits before X-Ray's Default rule.
  const { SamplingRuleRecords = [] } = await xray.send(new GetSamplingRulesCommand({}));
  const names = SamplingRuleRecords.map((r) => r.SamplingRule!.RuleName!);
  expect(names).toEqual(['ServerlessShop-orders', 'Default']);
  const setRules = (ReservoirSize: number, FixedRate: number) =>
    Promise.all(
      names.map((RuleName) =>
        xray.send(new UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName, ReservoirSize, FixedRate } })),
      ),
    );
  await setRules(0, 0);
  let left: Awaited<ReturnType<typeof placeOrder>>;
  try {
    left = await placeOrder(alice, admin);
    expect(left.header.sampled).toBe(false);
  } finally {
    await setRules(0, 1);
  }
  // An order traced after it, by the same functions: once its trace holds their spans, any of the first
  // order's would have arrived before them (each function's spans go in order, a batch a second).
  const traced = await placeOrder(alice, admin);
  expect(traced.header.sampled).toBe(true);
  await eventually(
    async () => {
      const { Traces = [] } = await xray.send(
        new BatchGetTracesCommand({ TraceIds: [xrayTraceId(traced.header.traceId)] }),
      );
      const origins = (Traces[0]?.Segments ?? []).map((s) => (JSON.parse(s.Document!) as SegmentDocument).origin);
      return origins.filter((origin) => origin === 'AWS::Lambda::Function').length >= 5 ? origins : undefined;
    },
    'the traced order’s function segments',
    30_000,
  );
  const { Traces = [] } = await xray.send(new BatchGetTracesCommand({ TraceIds: [xrayTraceId(left.header.traceId)] }));
  expect(Traces).toEqual([]);
  const { TraceSummaries = [] } = await xray.send(
    new GetTraceSummariesCommand({
      StartTime: new Date(Date.now() - 300_000),
      EndTime: new Date(Date.now() + 1000),
      FilterExpression: `annotation.orderId = "${left.orderId}"`,
    }),
  );
  expect(TraceSummaries).toEqual([]);
  await setRules(1, 0.05);
}, 240_000);
