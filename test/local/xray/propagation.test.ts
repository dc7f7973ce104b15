import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RestApiGateway } from '../../../local/apigateway/gateway';
import type { MethodSpec, RestApiSpec } from '../../../local/apigateway/specs';
import { stageTracing } from '../../../local/apigateway/tracing';
import { EventsService } from '../../../local/events/service';
import { AsyncInvocations } from '../../../local/lambda/async';
import type { InvokeResult } from '../../../local/lambda/invocation';
import { SnsService } from '../../../local/sns/service';
import { handleStepFunctionsAction } from '../../../local/stepfunctions/api';
import type { IntegrationTargets } from '../../../local/stepfunctions/integrations';
import { StepFunctionsService } from '../../../local/stepfunctions/service';
import type { StateMachineSpec } from '../../../local/stepfunctions/specs';
import { parseTraceHeader, type Span } from '../../../local/xray/spans';
import { Tracer } from '../../../local/xray/tracer';
import { TraceRecorder } from '../../support/trace-recorder';

// One X-Ray trace through the emulated services, with a recording sink: API Gateway (stage,
// authorizer, integration) → the handler's StartExecution → the execution's states and attempts →
// a Lambda task, an SNS publish and its subscriber, a DynamoDB task, EventBridge's status change.
// The functions are played by the tests (the full-cloud test runs the real ones).

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:orders`;
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Saga`;

const definition = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2 }],
      ResultPath: null,
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Notify',
          States: {
            Notify: {
              Type: 'Task',
              Resource: 'arn:aws:states:::sns:publish',
              Parameters: { TopicArn: TOPIC, 'Message.$': 'States.JsonToString($)' },
              End: true,
            },
          },
        },
        {
          StartAt: 'Record',
          States: {
            Record: {
              Type: 'Task',
              Resource: 'arn:aws:states:::dynamodb:updateItem',
              Parameters: { TableName: 'orders', Key: { pk: { S: 'o-1' } }, UpdateExpression: 'SET s = :s' },
              End: true,
            },
          },
        },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

const machine = (tracingEnabled: boolean): StateMachineSpec => ({
  logicalId: 'Saga',
  name: 'Saga',
  arn: MACHINE,
  type: 'STANDARD',
  roleArn: 'role',
  definition: JSON.stringify(definition),
  creationDate: Date.now(),
  ...(tracingEnabled && { tracingEnabled }),
});

const api: RestApiSpec = {
  id: 'api1',
  name: 'shop-api',
  stages: ['v1'],
  tracedStages: ['v1'],
  resources: [
    {
      id: 'r1',
      path: '/orders',
      segments: ['orders'],
      methods: new Map<string, MethodSpec>([
        [
          'POST',
          {
            httpMethod: 'POST',
            authorizationType: 'CUSTOM',
            authorizer: {
              id: 'a1',
              name: 'jwt',
              type: 'TOKEN',
              functionArn: fnArn('authorizer'),
              identitySources: ['method.request.header.Authorization'],
              ttlSeconds: 0,
            },
            integration: { type: 'AWS_PROXY', functionArn: fnArn('createOrder') },
          },
        ],
      ]),
    },
  ],
  gatewayResponses: new Map(),
};

/** The functions the services invoke, each call with the header it was given. */
interface Invocation {
  fn: string;
  traceHeader?: string;
}

const cloud = (
  recorder: TraceRecorder | undefined,
  options: { dataDir?: string; charge?: () => Promise<void> } = {},
) => {
  const invocations: Invocation[] = [];
  const note = (fn: string, traceHeader: string | undefined) =>
    invocations.push({ fn: fn.split(':').pop()!, ...(traceHeader && { traceHeader }) });
  const queue = new AsyncInvocations((arn, _event, { traceHeader }) => {
    note(arn, traceHeader);
    return Promise.resolve({ payload: null });
  });
  const subscription = { arn: `${TOPIC}:s1`, topicArn: TOPIC, protocol: 'lambda', endpoint: fnArn('notify') };
  const sns = new SnsService(
    [{ arn: TOPIC, name: 'orders' }],
    [{ ...subscription, rawMessageDelivery: false }],
    queue,
    undefined,
    undefined,
    new Tracer(recorder, {}, 'local-cloud/sns'),
  );
  const events = new EventsService(
    [
      {
        logicalId: 'OnStatus',
        name: 'on-status',
        arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/on-status`,
        enabled: true,
        eventPattern: { source: ['aws.states'] },
        targets: [{ arn: fnArn('reconcile') } as never],
      },
    ],
    queue,
    { region: REGION, accountId: ACCOUNT },
  );
  events.tracer = new Tracer(recorder, {}, 'local-cloud/events');
  let chargeAttempts = 0;
  const targets: IntegrationTargets = {
    invokeLambda: async (name, _payload, traced) => {
      note(name, traced?.traceHeader);
      await options.charge?.();
      if (++chargeAttempts === 1)
        return { functionError: 'Unhandled', payload: { errorType: 'Flaky', errorMessage: 'try again', trace: [] } };
      return { payload: {} };
    },
    publish: (params, traced) => sns.publish(params, traced),
    dynamodb: () => Promise.resolve({}),
  };
  const stepFunctions = new StepFunctionsService([machine(false)], targets, {
    region: REGION,
    retryIntervalScale: 0,
    ...(recorder && { traces: recorder }),
    ...(options.dataDir && { dataDir: options.dataDir }),
    onStatusChange: (record, detail) =>
      events.put(events.event('aws.states', 'Step Functions Execution Status Change', { ...detail }), record.trace),
  });
  // The handler behind POST /orders starts the saga with the header Lambda gave it, as the SDK sends it.
  let executionArn = '';
  const invoke = (arn: string, _event: unknown, traced?: { traceHeader?: string }): Promise<InvokeResult> => {
    note(arn, traced?.traceHeader);
    if (arn === fnArn('authorizer'))
      return Promise.resolve({
        requestId: 'a',
        durationMs: 1,
        payload: { principalId: 'u', policyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      });
    const started = handleStepFunctionsAction(
      stepFunctions,
      'StartExecution',
      { stateMachineArn: MACHINE, input: '{"orderId":"o-1"}' },
      traced?.traceHeader,
    ) as { executionArn: string };
    executionArn = started.executionArn;
    return Promise.resolve({ requestId: 'c', durationMs: 1, payload: { statusCode: 201, body: '{}' } });
  };
  const gateway = new RestApiGateway(api, 'v1', invoke, { region: REGION, accountId: ACCOUNT });
  gateway.tracing = stageTracing(recorder, api, 'v1', REGION);
  const placeOrder = async () => {
    const response = await gateway.handle({
      method: 'POST',
      path: '/orders',
      query: new URLSearchParams(),
      headers: { authorization: 'Bearer t' },
      body: Buffer.from('{}'),
      sourceIp: '127.0.0.1',
    });
    expect(response.status).toBe(201);
    await stepFunctions.finished(executionArn);
    expect(stepFunctions.execution(executionArn).status).toBe('SUCCEEDED');
    await queue.idle(5000);
    return executionArn;
  };
  return { stepFunctions, placeOrder, invocations, queue };
};

/** The span a header names as its Parent. */
const parentOf = (recorder: TraceRecorder, header: string | undefined): Span | undefined =>
  recorder.spans.find((span) => span.spanId === parseTraceHeader(header)?.spanId);

describe('trace propagation through the local services', () => {
  test('one trace from the API stage through the saga’s states to Lambda, SNS, its subscriber and EventBridge', async () => {
    const recorder = new TraceRecorder();
    const { placeOrder, invocations, stepFunctions } = cloud(recorder);

    const executionArn = await placeOrder();

    const [trace, ...others] = new Set(recorder.spans.map((span) => span.traceId));
    expect(others).toEqual([]);
    expect(invocations.map((call) => parseTraceHeader(call.traceHeader)?.traceId)).toEqual(
      invocations.map(() => trace),
    );
    const stage = recorder.one('shop-api/v1');
    const [authorizerCall, integrationCall] = recorder.childrenOf(stage);
    expect(parentOf(recorder, invocations.find((call) => call.fn === 'authorizer')?.traceHeader)).toBe(authorizerCall);
    expect(parentOf(recorder, invocations.find((call) => call.fn === 'createOrder')?.traceHeader)).toBe(
      integrationCall,
    );
    // The execution continues the handler's header: its parent is the span the handler was invoked under.
    const execution = recorder.one('Saga');
    expect(execution).toMatchObject({
      parentSpanId: integrationCall!.spanId,
      kind: 'SERVER',
      status: { code: 'UNSET' },
      resource: { 'cloud.platform': 'aws_step_functions', 'cloud.resource_id': MACHINE, 'service.name': 'Saga' },
      attributes: {
        'aws.step_functions.execution.arn': executionArn,
        'aws.step_functions.execution.status': 'SUCCEEDED',
      },
    });
    const states = recorder.childrenOf(execution).filter((span) => span.kind === 'INTERNAL');
    expect(states.map((span) => span.name)).toEqual(['Charge', 'Both', 'Done']);
    expect(stepFunctions.execution(executionArn).traceHeader).toBe(
      invocations.find((call) => call.fn === 'createOrder')?.traceHeader,
    );

    // Each Task attempt is its span, the first with its error; the function is invoked under its attempt.
    const charge = recorder.one('Charge');
    const attempts = recorder.childrenOf(charge);
    expect(attempts.map((span) => [span.name, span.status])).toEqual([
      ['Attempt 1', { code: 'ERROR', message: 'Flaky' }],
      ['Attempt 2', { code: 'UNSET' }],
    ]);
    expect(
      invocations.filter((call) => call.fn === 'charge').map((call) => parentOf(recorder, call.traceHeader)),
    ).toEqual(attempts);

    // A Parallel's branches are under it; SNS's publish under its Task's attempt, its subscriber under the publish.
    const both = recorder.one('Both');
    expect(
      recorder
        .childrenOf(both)
        .map((span) => span.name)
        .sort(),
    ).toEqual(['Notify', 'Record']);
    const publish = recorder.one('orders publish');
    expect(parentOf(recorder, `Root=1-${trace!.slice(0, 8)}-${trace!.slice(8)};Parent=${publish.parentSpanId}`)).toBe(
      recorder.childrenOf(recorder.one('Notify'))[0],
    );
    expect(publish).toMatchObject({
      kind: 'PRODUCER',
      attributes: { 'messaging.system': 'aws_sns', 'messaging.destination.name': 'orders' },
      resource: { 'cloud.platform': 'aws_sns', 'cloud.resource_id': TOPIC },
    });
    expect(parentOf(recorder, invocations.find((call) => call.fn === 'notify')?.traceHeader)).toBe(publish);
    const [recordAttempt] = recorder.childrenOf(recorder.one('Record'));
    const [dynamodb, ...more] = recorder.childrenOf(recordAttempt!);
    expect(more).toEqual([]);
    expect(dynamodb).toMatchObject({
      name: 'DynamoDB.UpdateItem',
      kind: 'CLIENT',
      attributes: { 'rpc.service': 'DynamoDB', 'rpc.method': 'UpdateItem', 'aws.dynamodb.table_names': ['orders'] },
    });

    // Each status change is delivered to its rule's target under the execution's span.
    const deliveries = recorder.named('on-status deliver');
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    for (const delivery of deliveries) expect(delivery.parentSpanId).toBe(execution.spanId);
    const reconciles = invocations.filter((call) => call.fn === 'reconcile');
    expect(reconciles.map((call) => parentOf(recorder, call.traceHeader))).toEqual(deliveries);
  });

  test('with tracing off nothing is emitted and no header is made up', async () => {
    const { placeOrder, invocations } = cloud(undefined);
    await placeOrder();
    expect(invocations.length).toBeGreaterThan(0);
    expect(invocations.filter((call) => call.traceHeader !== undefined)).toEqual([]);
  });

  test('an execution resumed after a restart goes on in its trace, under its span', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traces-resume-'));
    const before = new TraceRecorder();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = cloud(before, { dataDir, charge: () => held });
    const started = handleStepFunctionsAction(first.stepFunctions, 'StartExecution', {
      stateMachineArn: MACHINE,
      traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    }) as { executionArn: string };
    const deadline = Date.now() + 5000;
    while (!first.invocations.some((call) => call.fn === 'charge') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await first.stepFunctions.close();
    release();
    expect(before.named('Saga')).toEqual([]);

    const after = new TraceRecorder();
    const second = cloud(after, { dataDir });
    expect(second.stepFunctions.resumeInterrupted()).toEqual([started.executionArn]);
    await second.stepFunctions.finished(started.executionArn);
    const record = second.stepFunctions.execution(started.executionArn);
    expect(record.status).toBe('SUCCEEDED');
    const execution = after.one('Saga');
    expect(execution).toMatchObject({
      traceId: '5759e988bd862e3fe1be46a994272793',
      spanId: parseTraceHeader(record.trace)?.spanId,
      parentSpanId: '53995c3f42cd8ad8',
      start: record.startDate,
    });
    // The state that was under way when the cloud stopped runs again, in a span under the execution's.
    expect(after.one('Charge').parentSpanId).toBe(execution.spanId);
    await second.stepFunctions.close();
  });

  test('an SNS delivery queued before a restart is delivered after it with the header it was queued with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traces-async-'));
    const header = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const stuck = new AsyncInvocations(() => new Promise(() => undefined), { dir });
    stuck.enqueue(fnArn('notify'), { Records: [] }, 'sns', header);
    stuck.close();

    const headers: (string | undefined)[] = [];
    const delivered = new AsyncInvocations(
      (_arn, _event, { traceHeader }) => (headers.push(traceHeader), Promise.resolve({ payload: null })),
      { dir },
    );
    expect(delivered.resume()).toBe(1);
    expect(await delivered.idle(5000)).toBe(0);
    expect(headers).toEqual([header]);
    delivered.close();
  });
});
