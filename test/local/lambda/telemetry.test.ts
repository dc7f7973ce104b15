import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StackModel } from '../../../local/cloudformation/model';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import { functionSpecs } from '../../../local/lambda/specs';
import type { Span } from '../../../local/xray/spans';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../../support/cloud-process';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver';
import { eventually } from '../../e2e/support';
import { match } from '../../support/matchers';
import { edgeConfig, tokenFor } from '../../reliability/support';

// OpenTelemetry in the real function bundles (cdk.out, as `npm run synth` and `npm start` build them:
// esbuild, the AWS SDK left to the runtime, the bootstrap required by NODE_OPTIONS). The known trap:
// an SDK client bundled into the handler escapes require-hook instrumentation; these bundles leave it
// out, so the SDK's calls become spans. The cloud answers DynamoDB and SNS; the function under test
// runs in a runtime of the test's own, which exports to the test's OTLP receiver.

const ROOT = join(__dirname, '..', '..', '..');
const TEMPLATE = join(ROOT, 'cdk.out', 'ServerlessShop.template.json');
const CALLER = { traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8' };
const CALLER_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;

let cloud: CloudProcess;
let receiver: OtlpReceiver;
let runtime: LambdaRuntime;
const recorded: Span[] = [];
let ordersTable: string;

const api = async <T>(token: string | undefined, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${cloud.api}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
};

/** The runtime's environment, as Lambda's (the SDK on NODE_PATH), exporting to the test's receiver. */
const baseEnvironment = () => ({
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL: cloud.edge,
  NODE_PATH: join(ROOT, 'node_modules'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
  POWERTOOLS_METRICS_DISABLED: 'true',
});

beforeAll(async () => {
  // The cloud synthesizes cdk.out when the sources are newer, so the bundles are the current ones.
  cloud = await startCloudProcess('telemetry');
  receiver = await startOtlpReceiver();
  const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as ConstructorParameters<typeof StackModel>[0];
  const model = new StackModel(template, {
    region: 'us-east-1',
    accountId: '000000000000',
    stackName: 'ServerlessShop',
  });
  const { functions } = functionSpecs(model, dirname(TEMPLATE));
  const onSagaFailed = functions.find((fn) => fn.logicalId.includes('SagaFailures'))!;
  ordersTable = onSagaFailed.environment.ORDERS_TABLE!;
  runtime = new LambdaRuntime([onSagaFailed], {
    baseEnvironment: baseEnvironment(),
    traces: { record: (spans) => recorded.push(...spans) },
  });
}, 400_000);

afterAll(async () => {
  await runtime?.stop(0);
  await receiver?.close();
  await stopCloudProcess(cloud?.child);
}, 60_000);

/** An order of the demo catalogue, placed through the API and ended by the saga. */
const endedOrder = async (user: 'alice' | 'bob'): Promise<string> => {
  const token = await tokenFor(cloud, user);
  const [product] = (await api<{ sku: string; available: number }[]>(undefined, 'GET', '/products')).body.filter(
    (p) => p.available > 0,
  );
  const [slot] = (await api<{ slotId: string; remaining: number }[]>(undefined, 'GET', '/delivery/slots')).body.filter(
    (s) => s.remaining > 0,
  );
  const created = await api<{ orderId: string }>(token, 'POST', '/orders', {
    items: [{ sku: product!.sku, quantity: 1 }],
    delivery: { slotId: slot!.slotId, address: '1 Trace Street' },
  });
  expect(created.status).toBe(201);
  const { orderId } = created.body;
  await eventually(
    async () => {
      const { body } = await api<{ status: string }>(token, 'GET', `/orders/${orderId}`);
      return ['COMPLETED', 'CANCELLED'].includes(body.status) ? body : undefined;
    },
    `order ${orderId} to end`,
    60_000,
  );
  return orderId;
};

test('a DynamoDB call and an SNS publish from a real bundle are CLIENT spans under the function span, under the invoke, in the caller’s trace', async () => {
  const orderId = await endedOrder('alice');
  const event = {
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: { name: orderId, status: 'FAILED', error: 'States.TaskFailed', cause: 'a test' },
  };

  const result = await runtime.invoke(runtime.functions[0]!.name, event, { traceHeader: CALLER_HEADER });
  expect(result.functionError).toBeUndefined();

  // The invoke (the runtime's AWS::Lambda span) is the caller's child.
  const invoke = recorded.find(
    (span) => span.attributes['aws.request_id'] === result.requestId && span.kind === 'SERVER',
  )!;
  expect(invoke).toMatchObject({ traceId: CALLER.traceId, parentSpanId: CALLER.spanId });
  // The function's span (instrumentation-aws-lambda, from the bootstrap) is the invoke's child: flushed
  // before the invocation answered.
  const inTrace = receiver.spans.filter((span) => span.traceId === CALLER.traceId);
  const fnSpan = inTrace.find(
    (span) => span.kind === SERVER && span.attributes['faas.invocation_id'] === result.requestId,
  )!;
  expect(fnSpan).toMatchObject({
    parentSpanId: invoke.spanId,
    scope: '@opentelemetry/instrumentation-aws-lambda',
    attributes: match.objectContaining({
      'aws.request_id': result.requestId,
      'cloud.resource_id': runtime.functions[0]!.arn,
      orderId,
      'aws.xray.annotations': ['orderId'],
    }),
    resource: match.objectContaining({ 'service.name': runtime.functions[0]!.name, 'cloud.platform': 'aws_lambda' }),
  });
  const calls = inTrace.filter((span) => span.parentSpanId === fnSpan.spanId);
  const dynamodb = calls.filter((span: ReceivedSpan) => span.attributes['rpc.service'] === 'DynamoDB');
  expect(dynamodb.length).toBeGreaterThan(0);
  for (const span of dynamodb)
    expect(span).toMatchObject({
      kind: CLIENT,
      scope: '@opentelemetry/instrumentation-aws-sdk',
      attributes: match.objectContaining({
        'rpc.system': 'aws-api',
        'rpc.method': match.stringMatching(/^(GetItem|UpdateItem|PutItem|Query|TransactWriteItems)$/),
        'aws.dynamodb.table_names': [ordersTable],
      }),
    });
  // A publish is a message sent: a PRODUCER span, as OpenTelemetry's messaging conventions have it.
  const publish = calls.find((span) => span.attributes['rpc.service'] === 'SNS');
  expect(publish).toMatchObject({
    kind: PRODUCER,
    scope: '@opentelemetry/instrumentation-aws-sdk',
    attributes: match.objectContaining({ 'rpc.system': 'aws-api', 'rpc.method': 'Publish' }),
  });
  expect(receiver.refused).toEqual([]);
}, 180_000);

test('exported after the response (the local runtime), the spans wait for their batch, and the last batch goes at the Shutdown phase', async () => {
  const [fn] = runtime.functions;
  // A batch delay far beyond the test: only the Shutdown phase (SIGTERM to the bootstrap) can send these spans.
  const local = new LambdaRuntime([fn!], {
    baseEnvironment: {
      ...baseEnvironment(),
      OTEL_LAMBDA_EXPORT_AFTER_RESPONSE: 'true',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    },
  });
  const event = { 'detail-type': 'Step Functions Execution Status Change', source: 'aws.states', detail: {} };
  const header = 'Root=1-5759e988-00000000000000000000aaaa;Parent=53995c3f42cd8ad8;Sampled=1';
  const mine = () => receiver.spans.filter((span) => span.traceId === '5759e98800000000000000000000aaaa');
  try {
    const result = await local.invoke(fn!.name, event, { traceHeader: header });
    expect(result.requestId).toBeDefined();
    // The invocation answered without waiting for its export.
    expect(mine()).toEqual([]);
  } finally {
    await local.stop(0);
  }
  expect(mine()).toEqual(
    expect.arrayContaining([match.objectContaining({ scope: '@opentelemetry/instrumentation-aws-lambda' })]),
  );
}, 120_000);

test("in the cloud itself, the functions' spans reach the edge's X-Ray: the order is found by its annotation, with its DynamoDB calls", async () => {
  const started = new Date(Date.now() - 1000);
  const orderId = await endedOrder('bob');
  const xray = new XRayClient(edgeConfig(cloud));
  try {
    // The functions send their spans in batches after they answer (a second of invocations each), so
    // the trace fills in as they come: read until the order's table has been called in it.
    const documents = await eventually(async () => {
      const { TraceSummaries } = await xray.send(
        new GetTraceSummariesCommand({
          StartTime: started,
          EndTime: new Date(Date.now() + 1000),
          FilterExpression: `annotation.orderId = "${orderId}"`,
        }),
      );
      if (!TraceSummaries?.length) return undefined;
      const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: TraceSummaries.map((t) => t.Id!) }));
      const docs = (Traces ?? []).flatMap((trace) =>
        (trace.Segments ?? []).map((segment) => JSON.parse(segment.Document!) as SegmentDocument),
      );
      const called = docs.flatMap((doc) => subsegmentsOf(doc)).some((sub) => sub.aws?.table_name === ordersTable);
      return called ? docs : undefined;
    }, `a trace annotated with order ${orderId}, with a call to ${ordersTable}`);
    const functions = documents.filter((doc) => doc.origin === 'AWS::Lambda::Function');
    expect(functions.some((doc) => doc.annotations?.orderId === orderId)).toBe(true);
    const calls = functions.flatMap((doc) => subsegmentsOf(doc));
    expect(calls).toEqual(
      expect.arrayContaining([
        match.objectContaining({
          namespace: 'aws',
          name: 'DynamoDB',
          aws: match.objectContaining({ table_name: ordersTable }),
        }),
      ]),
    );
    // Each invocation's function segment is a child of its invoke (AWS::Lambda), in the same trace.
    expect(documents.some((doc) => doc.origin === 'AWS::Lambda')).toBe(true);
  } finally {
    xray.destroy();
  }
}, 180_000);

interface SegmentDocument {
  name: string;
  origin?: string;
  namespace?: string;
  annotations?: Record<string, unknown>;
  aws?: Record<string, unknown>;
  subsegments?: SegmentDocument[];
}

const subsegmentsOf = (doc: SegmentDocument): SegmentDocument[] =>
  (doc.subsegments ?? []).flatMap((sub) => [sub, ...subsegmentsOf(sub)]);
