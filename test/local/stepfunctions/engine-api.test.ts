import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleStepFunctionsAction } from '../../../local/stepfunctions/api';
import type { IntegrationTargets } from '../../../local/stepfunctions/integrations';
import { StepFunctionsService } from '../../../local/stepfunctions/service';

// The engine through the Step Functions API, as a user of the local cloud meets it: state machines of
// their own in JSONata with Variables, task tokens, TestState, and a resume in the middle of a backoff.

const ROLE = 'arn:aws:iam::000000000000:role/StepFunctions';
const handle = (service: StepFunctionsService, action: string, body: Record<string, unknown>): Promise<unknown> =>
  new Promise((resolve) => resolve(handleStepFunctionsAction(service, action, body)));

interface Described {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
}

const until = async <T>(read: () => Promise<T | undefined>, what: string, ms = 5000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const ended = (service: StepFunctionsService, executionArn: string) =>
  until(async () => {
    const described = (await handle(service, 'DescribeExecution', { executionArn })) as Described;
    return described.status === 'RUNNING' ? undefined : described;
  }, 'the execution to end');

const targets = (invoke: IntegrationTargets['invokeLambda']): IntegrationTargets => ({
  invokeLambda: invoke,
  publish: () => ({ MessageId: 'm-1' }),
  dynamodb: () => Promise.resolve({}),
});

const create = async (service: StepFunctionsService, name: string, definition: object) =>
  (
    (await handle(service, 'CreateStateMachine', { name, definition: JSON.stringify(definition), roleArn: ROLE })) as {
      stateMachineArn: string;
    }
  ).stateMachineArn;

const run = async (service: StepFunctionsService, stateMachineArn: string, input: unknown) => {
  const { executionArn } = (await handle(service, 'StartExecution', {
    stateMachineArn,
    input: JSON.stringify(input),
  })) as { executionArn: string };
  return ended(service, executionArn);
};

const jsonataMachine = {
  QueryLanguage: 'JSONata',
  StartAt: 'Price',
  States: {
    Price: {
      Type: 'Pass',
      Assign: { total: '{% $sum($states.input.lines.(qty * price)) %}', currency: 'EUR' },
      Output: '{% $states.input.lines %}',
      Next: 'Big?',
    },
    'Big?': {
      Type: 'Choice',
      Choices: [{ Condition: '{% $total > 100 %}', Next: 'Discount', Assign: { discounted: true } }],
      Default: 'Done',
    },
    Discount: { Type: 'Pass', Assign: { total: '{% $total * 0.9 %}' }, Next: 'Done' },
    Done: {
      Type: 'Succeed',
      Output: {
        total: '{% $total %}',
        currency: '{% $currency %}',
        lines: '{% $count($states.input) %}',
        discounted: '{% $exists($discounted) %}',
      },
    },
  },
};

test('a JSONata state machine with Variables, made with CreateStateMachine, runs as on AWS', async () => {
  const service = new StepFunctionsService(
    [],
    targets(() => Promise.resolve({ payload: {} })),
    { region: 'us-east-1' },
  );
  const arn = await create(service, 'Prices', jsonataMachine);
  expect(arn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:Prices');

  const big = await run(service, arn, {
    lines: [
      { qty: 2, price: 40 },
      { qty: 1, price: 50 },
    ],
  });
  const small = await run(service, arn, { lines: [{ qty: 1, price: 10 }] });

  expect(big.status).toBe('SUCCEEDED');
  expect(JSON.parse(big.output!)).toEqual({ total: 117, currency: 'EUR', lines: 2, discounted: true });
  expect(JSON.parse(small.output!)).toEqual({ total: 10, currency: 'EUR', lines: 1, discounted: false });
});

test('the history records assignedVariables on state exit, and an expression that fails as EvaluationFailed', async () => {
  const service = new StepFunctionsService(
    [],
    targets(() => Promise.resolve({ payload: {} })),
    { region: 'us-east-1' },
  );
  const arn = await create(service, 'Broken', {
    QueryLanguage: 'JSONata',
    StartAt: 'Set',
    States: {
      Set: { Type: 'Pass', Assign: { x: '{% $states.input.x %}' }, Next: 'Use' },
      Use: { Type: 'Pass', Output: '{% $x.missing %}', End: true },
    },
  });
  const { executionArn } = (await handle(service, 'StartExecution', {
    stateMachineArn: arn,
    input: '{"x":{"a":1}}',
  })) as {
    executionArn: string;
  };
  const described = await ended(service, executionArn);
  const { events } = (await handle(service, 'GetExecutionHistory', { executionArn })) as {
    events: {
      type: string;
      stateExitedEventDetails?: { assignedVariables?: object };
      evaluationFailedEventDetails?: object;
    }[];
  };

  expect(described).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
  expect(described.cause).toContain(
    "The JSONata expression '$x.missing' specified for the field 'Output' returned nothing (undefined)",
  );
  expect(events.map((e) => e.type)).toEqual([
    'ExecutionStarted',
    'PassStateEntered',
    'PassStateExited',
    'PassStateEntered',
    'EvaluationFailed',
    'ExecutionFailed',
  ]);
  expect(events[2]!.stateExitedEventDetails!.assignedVariables).toEqual({ x: '{"a":1}' });
  expect(events[4]!.evaluationFailedEventDetails).toMatchObject({
    error: 'States.QueryEvaluationError',
    state: 'Use',
    location: 'Output',
  });
});

test('CreateStateMachine refuses a definition that does not validate, and UpdateStateMachine changes the next executions only', async () => {
  const service = new StepFunctionsService(
    [],
    targets(() => Promise.resolve({ payload: {} })),
    { region: 'us-east-1' },
  );
  await expect(
    create(service, 'Bad', { StartAt: 'Nowhere', States: { A: { Type: 'Pass', End: true } } }),
  ).rejects.toMatchObject({
    code: 'InvalidDefinition',
  });
  const arn = await create(service, 'Versioned', {
    StartAt: 'A',
    States: { A: { Type: 'Pass', Result: 1, End: true } },
  });
  await handle(service, 'UpdateStateMachine', {
    stateMachineArn: arn,
    definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Result: 2, End: true } } }),
  });

  expect((await run(service, arn, {})).output).toBe('2');
  await handle(service, 'DeleteStateMachine', { stateMachineArn: arn });
  await expect(handle(service, 'DescribeStateMachine', { stateMachineArn: arn })).rejects.toMatchObject({
    code: 'StateMachineDoesNotExist',
  });
});

test('.waitForTaskToken waits for SendTaskSuccess; SendTaskFailure fails the task; an unknown token is TaskDoesNotExist', async () => {
  const tokens: string[] = [];
  const service = new StepFunctionsService(
    [],
    targets((_name, payload) => {
      tokens.push((payload as { token: string }).token);
      return Promise.resolve({ payload: null });
    }),
    { region: 'us-east-1' },
  );
  const arn = await create(service, 'Approval', {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'ask', Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
      },
    },
  });
  const start = async () =>
    ((await handle(service, 'StartExecution', { stateMachineArn: arn, input: '{}' })) as { executionArn: string })
      .executionArn;
  const first = await start();
  await until(() => Promise.resolve(tokens[0]), 'the first token');
  await handle(service, 'SendTaskSuccess', { taskToken: tokens[0], output: '{"approved":true}' });
  const second = await start();
  await until(() => Promise.resolve(tokens[1]), 'the second token');
  await handle(service, 'SendTaskFailure', { taskToken: tokens[1], error: 'Rejected', cause: 'no' });

  expect(await ended(service, first)).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
  expect(await ended(service, second)).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'no' });
  await expect(handle(service, 'SendTaskSuccess', { taskToken: tokens[0], output: '{}' })).rejects.toMatchObject({
    code: 'TaskDoesNotExist',
  });
});

describe('TestState', () => {
  const service = new StepFunctionsService(
    [],
    targets(() => Promise.resolve({ functionError: 'Unhandled', payload: { errorType: 'Boom', errorMessage: 'x' } })),
    { region: 'us-east-1' },
  );
  const task = {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: 'f', 'Payload.$': '$.order' },
    ResultSelector: { 'paid.$': '$.Payload.paid' },
    ResultPath: '$.payment',
    Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 2, IntervalSeconds: 3, BackoffRate: 2 }],
    Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Undo' }],
    Next: 'Ship',
  };
  const test = (body: Record<string, unknown>) =>
    handle(service, 'TestState', { definition: JSON.stringify(task), input: '{"order":{"id":1}}', ...body }) as Promise<
      Record<string, unknown> & { inspectionData?: Record<string, unknown> }
    >;

  it('a mocked result: SUCCEEDED, the next state, and the data flow at DEBUG', async () => {
    const answer = await test({
      inspectionLevel: 'DEBUG',
      mock: { result: '{"Payload":{"paid":true},"StatusCode":200}' },
    });

    expect(answer).toMatchObject({
      status: 'SUCCEEDED',
      nextState: 'Ship',
      output: '{"order":{"id":1},"payment":{"paid":true}}',
    });
    expect(answer.inspectionData).toMatchObject({
      input: '{"order":{"id":1}}',
      afterInputPath: '{"order":{"id":1}}',
      afterParameters: '{"FunctionName":"f","Payload":{"id":1}}',
      result: '{"Payload":{"paid":true},"StatusCode":200}',
      afterResultSelector: '{"paid":true}',
      afterResultPath: '{"order":{"id":1},"payment":{"paid":true}}',
    });
  });

  it('a failure is RETRIABLE while a retrier has attempts left at retrierRetryCount, then CAUGHT_ERROR', async () => {
    const first = await test({ inspectionLevel: 'DEBUG', stateConfiguration: { retrierRetryCount: 1 } });
    const last = await test({ inspectionLevel: 'DEBUG', stateConfiguration: { retrierRetryCount: 2 } });

    expect(first).toMatchObject({ status: 'RETRIABLE', error: 'Boom' });
    expect(first.inspectionData!.errorDetails).toEqual({ retryIndex: 0, retryBackoffIntervalSeconds: 6 });
    expect(last).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Undo' });
    expect(JSON.parse(last.output as string)).toMatchObject({ Error: 'Boom' });
  });

  it('a mock error, a strict mock with a field the API does not return, and a JSONata state with variables and context', async () => {
    expect(await test({ mock: { errorOutput: { error: 'Other', cause: 'c' } } })).toMatchObject({
      status: 'CAUGHT_ERROR',
    });
    await expect(test({ mock: { result: '{"Nope":1}' } })).rejects.toMatchObject({ code: 'ValidationException' });
    const answer = await handle(service, 'TestState', {
      definition: JSON.stringify({
        Type: 'Pass',
        QueryLanguage: 'JSONata',
        Output: '{% $greeting & " " & $states.context.Execution.Name %}',
        End: true,
      }),
      variables: '{"greeting":"hello"}',
      context: '{"Execution":{"Name":"run-1"}}',
    });
    expect(answer).toMatchObject({ status: 'SUCCEEDED', output: '"hello run-1"' });
  });
});

test('a resume in the middle of a retry backoff goes on with the attempt count and waits out what is left of the backoff', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sfn-backoff-'));
  const calls: { at: number; retryCount: number }[] = [];
  const invoke: IntegrationTargets['invokeLambda'] = (_name, payload) => {
    calls.push({ at: Date.now(), retryCount: (payload as { retryCount: number }).retryCount });
    return Promise.resolve(
      calls.length < 3
        ? { functionError: 'Unhandled', payload: { errorType: 'Flaky', errorMessage: 'again' } }
        : { payload: 'ok' },
    );
  };
  const definition = JSON.stringify({
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'f', Payload: { 'retryCount.$': '$$.State.RetryCount' } },
        Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
        OutputPath: '$.Payload',
        End: true,
      },
    },
  });
  const first = new StepFunctionsService([], targets(invoke), {
    region: 'us-east-1',
    dataDir,
    retryIntervalScale: 0.5,
  });
  const arn = await create(first, 'Backoff', JSON.parse(definition) as object);
  const { executionArn } = (await handle(first, 'StartExecution', { stateMachineArn: arn })) as {
    executionArn: string;
  };
  // The second attempt failed: its backoff (2 s × 0.5) is under way when the cloud goes.
  await until(() => Promise.resolve(calls.length === 2 ? true : undefined), 'two attempts');
  const failedAt = Date.now();
  await first.close();
  await new Promise((resolve) => setTimeout(resolve, 300));

  const second = new StepFunctionsService([], targets(invoke), {
    region: 'us-east-1',
    dataDir,
    retryIntervalScale: 0.5,
  });
  expect(second.resumeInterrupted()).toEqual([executionArn]);
  const described = await ended(second, executionArn);

  expect(described).toMatchObject({ status: 'SUCCEEDED', output: '"ok"' });
  expect(calls.map((call) => call.retryCount)).toEqual([0, 1, 2]);
  // The third attempt came when the backoff begun before the stop ended, not a whole backoff after the resume.
  expect(calls[2]!.at - failedAt).toBeGreaterThanOrEqual(900);
  expect(calls[2]!.at - failedAt).toBeLessThan(1600);
  const { events } = (await handle(second, 'GetExecutionHistory', { executionArn })) as { events: { type: string }[] };
  expect(events.filter((e) => e.type === 'TaskStateEntered')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'TaskScheduled')).toHaveLength(3);
  await second.close();
});

test('EventBridge PutEvents, the optimized integration: each entry put on the bus, its event id answered', async () => {
  const put: unknown[] = [];
  const service = new StepFunctionsService(
    [],
    {
      ...targets(() => Promise.resolve({ payload: {} })),
      putEvents: (entries) => (put.push(...entries), entries.map((_, index) => `event-${index}`)),
    },
    { region: 'us-east-1' },
  );
  const arn = await create(service, 'Announce', {
    QueryLanguage: 'JSONata',
    StartAt: 'Put',
    States: {
      Put: {
        Type: 'Task',
        Resource: 'arn:aws:states:::events:putEvents',
        Arguments: {
          Entries: [
            { Source: 'shop.orders', DetailType: 'Order Placed', Detail: { orderId: '{% $states.input.id %}' } },
          ],
        },
        End: true,
      },
    },
  });

  const described = await run(service, arn, { id: 'o-1' });

  expect(described.status).toBe('SUCCEEDED');
  expect(JSON.parse(described.output!)).toEqual({ Entries: [{ EventId: 'event-0' }], FailedEntryCount: 0 });
  expect(put).toEqual([{ Source: 'shop.orders', DetailType: 'Order Placed', Detail: { orderId: 'o-1' } }]);
});

test('an execution under way when UpdateStateMachine comes keeps the definition it started with', async () => {
  const service = new StepFunctionsService(
    [],
    targets(() => Promise.resolve({ payload: {} })),
    {
      region: 'us-east-1',
      retryIntervalScale: 0.2,
    },
  );
  const version = (result: number) => ({
    StartAt: 'Wait',
    States: { Wait: { Type: 'Wait', Seconds: 1, Next: 'Answer' }, Answer: { Type: 'Pass', Result: result, End: true } },
  });
  const arn = await create(service, 'Versions', version(1));
  const { executionArn } = (await handle(service, 'StartExecution', { stateMachineArn: arn })) as {
    executionArn: string;
  };
  await handle(service, 'UpdateStateMachine', { stateMachineArn: arn, definition: JSON.stringify(version(2)) });

  expect((await ended(service, executionArn)).output).toBe('1');
  expect((await run(service, arn, {})).output).toBe('2');
});
