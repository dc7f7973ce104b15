import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleStepFunctionsAction } from '../../../local/stepfunctions/api';
import type { IntegrationTargets } from '../../../local/stepfunctions/integrations';
import { StepFunctionsService } from '../../../local/stepfunctions/service';
import type { StateMachineSpec } from '../../../local/stepfunctions/specs';

// The Step Functions service on a small definition, with the Lambda integration answered by a function
// that plays the deployed Lambda (success, or Lambda's error shape).

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Test';
/** One action of the JSON API, answered as a promise (as the edge answers it): an error is a rejection. */
const handle = (...args: Parameters<typeof handleStepFunctionsAction>): Promise<unknown> =>
  new Promise((resolve) => resolve(handleStepFunctionsAction(...args)));

/** What these tests read of DescribeExecution's answer (the output once it succeeded). */
interface Described {
  status: string;
  output?: string;
}

/** What these tests read of GetExecutionHistory's events, in the AWS shape. */
interface HistoryEvent {
  id: number;
  type: string;
  taskScheduledEventDetails?: unknown;
  taskFailedEventDetails?: { error: string; cause: string };
  stateEnteredEventDetails?: { name: string };
}

const definition = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      ResultSelector: { 'charged.$': '$.Payload.charged' },
      Catch: [{ ErrorEquals: ['PaymentDeclined'], ResultPath: '$.error', Next: 'Declined' }],
      Next: 'Done',
    },
    Declined: { Type: 'Pass', Result: 'declined', End: true },
    Done: { Type: 'Succeed' },
  },
};
const spec: StateMachineSpec = {
  logicalId: 'Test',
  name: 'Test',
  arn: ARN,
  type: 'STANDARD',
  roleArn: 'role',
  definition: JSON.stringify(definition),
  creationDate: Date.now(),
};

const integrations = (gate?: Promise<void>): IntegrationTargets => ({
  invokeLambda: async (_name, payload) => {
    await gate;
    const { amount } = payload as { amount: number }; // the executions' input, as each test starts them
    return amount > 100
      ? { functionError: 'Unhandled', payload: { errorType: 'PaymentDeclined', errorMessage: 'too much', trace: [] } }
      : { payload: { charged: amount } };
  },
  publish: () => ({ MessageId: 'm' }),
  dynamodb: () => Promise.resolve({}),
});

const waitFor = async (service: StepFunctionsService, executionArn: string) => {
  const deadline = Date.now() + 5000;
  for (;;) {
    const described = (await handle(service, 'DescribeExecution', { executionArn })) as Described;
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error('execution did not end');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

test('an execution succeeds and its history is in the AWS event format', async () => {
  const service = new StepFunctionsService([spec], integrations(), { region: 'us-east-1' });

  const { executionArn } = (await handle(service, 'StartExecution', {
    stateMachineArn: ARN,
    name: 'ok-1',
    input: '{"amount":5}',
  })) as { executionArn: string };
  const described = await waitFor(service, executionArn);
  const { events } = (await handle(service, 'GetExecutionHistory', { executionArn })) as { events: HistoryEvent[] };

  expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:Test:ok-1');
  expect(described).toMatchObject({ status: 'SUCCEEDED', output: JSON.stringify({ charged: 5 }) });
  expect(events.map((e) => e.type)).toEqual([
    'ExecutionStarted',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    'TaskSucceeded',
    'TaskStateExited',
    'SucceedStateEntered',
    'SucceedStateExited',
    'ExecutionSucceeded',
  ]);
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  expect(events[2]!.taskScheduledEventDetails).toMatchObject({
    resourceType: 'lambda',
    resource: 'invoke',
    parameters: JSON.stringify({ FunctionName: 'charge', Payload: { amount: 5 } }),
  });
});

test("a Lambda error is caught by its name, with Lambda's JSON as the Cause", async () => {
  const service = new StepFunctionsService([spec], integrations(), { region: 'us-east-1' });

  const { executionArn } = (await handle(service, 'StartExecution', {
    stateMachineArn: ARN,
    name: 'declined-1',
    input: '{"amount":500}',
  })) as { executionArn: string };
  const described = await waitFor(service, executionArn);
  const { events } = (await handle(service, 'GetExecutionHistory', { executionArn })) as { events: HistoryEvent[] };

  expect(described.status).toBe('SUCCEEDED');
  expect(JSON.parse(described.output!)).toBe('declined');
  const failed = events.find((e) => e.type === 'TaskFailed');
  expect(failed?.taskFailedEventDetails?.error).toBe('PaymentDeclined');
  expect(JSON.parse(failed!.taskFailedEventDetails!.cause)).toEqual({
    errorType: 'PaymentDeclined',
    errorMessage: 'too much',
    trace: [],
  });
});

test('StartExecution with a name in use: same input while running is the same execution, otherwise ExecutionAlreadyExists', async () => {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const service = new StepFunctionsService([spec], integrations(gate), { region: 'us-east-1' });

  const first = (await handle(service, 'StartExecution', {
    stateMachineArn: ARN,
    name: 'dup',
    input: '{"amount":1}',
  })) as { executionArn: string; startDate: number };
  const again = await handle(service, 'StartExecution', { stateMachineArn: ARN, name: 'dup', input: '{"amount":1}' });
  const otherInput = handle(service, 'StartExecution', { stateMachineArn: ARN, name: 'dup', input: '{"amount":2}' });
  await expect(otherInput).rejects.toMatchObject({ code: 'ExecutionAlreadyExists' });
  open();
  await waitFor(service, first.executionArn);
  const afterEnd = handle(service, 'StartExecution', { stateMachineArn: ARN, name: 'dup', input: '{"amount":1}' });

  expect(again).toEqual(first);
  await expect(afterEnd).rejects.toMatchObject({ code: 'ExecutionAlreadyExists' });
  const { executions } = (await handle(service, 'ListExecutions', { stateMachineArn: ARN })) as {
    executions: unknown[];
  };
  expect(executions).toHaveLength(1);
});

test('records and histories survive a restart; an interrupted execution is run again', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sfn-test-'));
  const before = new StepFunctionsService([spec], integrations(), { region: 'us-east-1', dataDir });
  const { executionArn } = (await handle(before, 'StartExecution', {
    stateMachineArn: ARN,
    name: 'kept',
    input: '{"amount":3}',
  })) as { executionArn: string };
  await waitFor(before, executionArn);
  await before.drain(1000);
  let release!: () => void;
  const stuck = new StepFunctionsService([spec], integrations(new Promise<void>((resolve) => (release = resolve))), {
    region: 'us-east-1',
    dataDir,
  });
  const interrupted = (await handle(stuck, 'StartExecution', {
    stateMachineArn: ARN,
    name: 'interrupted',
    input: '{"amount":4}',
  })) as { executionArn: string };
  await stuck.drain(50);

  const after = new StepFunctionsService([spec], integrations(), { region: 'us-east-1', dataDir });
  const resumed = after.resumeInterrupted();

  expect((await handle(after, 'DescribeExecution', { executionArn })) as object).toMatchObject({
    status: 'SUCCEEDED',
    output: '{"charged":3}',
  });
  expect(((await handle(after, 'GetExecutionHistory', { executionArn })) as { events: unknown[] }).events).toHaveLength(
    9,
  );
  expect(resumed).toEqual([interrupted.executionArn]);
  expect(await waitFor(after, interrupted.executionArn)).toMatchObject({
    status: 'SUCCEEDED',
    output: '{"charged":4}',
  });
  release();
});

test('unknown state machines and executions are AWS errors', async () => {
  const service = new StepFunctionsService([spec], integrations(), { region: 'us-east-1' });
  await expect(handle(service, 'StartExecution', { stateMachineArn: `${ARN}x` })).rejects.toMatchObject({
    code: 'StateMachineDoesNotExist',
  });
  await expect(handle(service, 'DescribeExecution', { executionArn: 'arn:nope' })).rejects.toMatchObject({
    code: 'ExecutionDoesNotExist',
  });
});

describe('durable executions', () => {
  const twoSteps = {
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Result: { prepared: true }, ResultPath: '$.prepared', Next: 'First' },
      First: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'first', 'Payload.$': '$' },
        ResultPath: '$.first',
        Next: 'Second',
      },
      Second: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'second', 'Payload.$': '$' },
        ResultSelector: { 'done.$': '$.Payload' },
        End: true,
      },
    },
  };
  const twoStepSpec: StateMachineSpec = {
    ...spec,
    arn: `${ARN}Two`,
    name: 'TestTwo',
    definition: JSON.stringify(twoSteps),
  };
  const counting = (calls: Record<string, number>, gate?: Promise<void>): IntegrationTargets => ({
    invokeLambda: async (name) => {
      calls[name] = (calls[name] ?? 0) + 1;
      if (name === 'second') await gate;
      return { payload: `${name}-ok` };
    },
    publish: () => ({ MessageId: 'm' }),
    dynamodb: () => Promise.resolve({}),
  });

  test('after a crash, an execution continues from its last recorded transition, in one continuous history', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfn-resume-'));
    const before: Record<string, number> = {};
    let release!: () => void;
    const crashed = new StepFunctionsService(
      [twoStepSpec],
      counting(before, new Promise<void>((resolve) => (release = resolve))),
      { region: 'us-east-1', dataDir },
    );
    const { executionArn } = (await handle(crashed, 'StartExecution', {
      stateMachineArn: twoStepSpec.arn,
      name: 'resume-1',
      input: '{"orderId":"o-1"}',
    })) as { executionArn: string };
    for (let i = 0; i < 100 && before.second === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    // The process "dies" here: nothing is flushed or closed.

    const after: Record<string, number> = {};
    const restarted = new StepFunctionsService([twoStepSpec], counting(after), { region: 'us-east-1', dataDir });
    const resumed = restarted.resumeInterrupted();
    const described = await waitFor(restarted, executionArn);
    const { events } = (await handle(restarted, 'GetExecutionHistory', { executionArn })) as { events: HistoryEvent[] };

    expect(before).toEqual({ first: 1, second: 1 });
    expect(resumed).toEqual([executionArn]);
    expect(after).toEqual({ second: 1 });
    expect(JSON.parse(described.output!)).toEqual({ done: 'second-ok' });
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name)).toEqual([
      'First',
      'Second',
    ]);
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
    release();
  });

  test('an execution still running when the cloud stops is suspended where it is, RUNNING, and goes on at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfn-suspend-'));
    let release!: () => void;
    const stopping = new StepFunctionsService(
      [twoStepSpec],
      counting({}, new Promise<void>((resolve) => (release = resolve))),
      { region: 'us-east-1', dataDir },
    );
    const { executionArn } = (await handle(stopping, 'StartExecution', {
      stateMachineArn: twoStepSpec.arn,
      name: 'suspended-1',
      input: '{}',
    })) as { executionArn: string };
    await new Promise((resolve) => setTimeout(resolve, 50));

    await stopping.close();
    release();
    const calls: Record<string, number> = {};
    const restarted = new StepFunctionsService([twoStepSpec], counting(calls), { region: 'us-east-1', dataDir });
    const before = (await handle(restarted, 'DescribeExecution', { executionArn })) as { status: string };
    restarted.resumeInterrupted();
    const described = await waitFor(restarted, executionArn);
    const { events } = (await handle(restarted, 'GetExecutionHistory', { executionArn })) as {
      events: { type: string }[];
    };

    expect(before.status).toBe('RUNNING');
    expect(described.status).toBe('SUCCEEDED');
    expect(calls).toEqual({ second: 1 });
    expect(events.map((e) => e.type)).not.toContain('ExecutionAborted');
  });

  test('a history cut short mid-line by a crash is repaired, and the execution still resumes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfn-torn-'));
    let release!: () => void;
    const crashed = new StepFunctionsService(
      [twoStepSpec],
      counting({}, new Promise<void>((resolve) => (release = resolve))),
      { region: 'us-east-1', dataDir },
    );
    const { executionArn } = (await handle(crashed, 'StartExecution', {
      stateMachineArn: twoStepSpec.arn,
      name: 'torn-1',
      input: '{}',
    })) as { executionArn: string };
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [history] = readdirSync(join(dataDir, 'histories'));
    appendFileSync(join(dataDir, 'histories', history!), '{"id":99,"type":"TaskSucc');

    const restarted = new StepFunctionsService([twoStepSpec], counting({}), { region: 'us-east-1', dataDir });
    restarted.resumeInterrupted();
    const described = await waitFor(restarted, executionArn);
    const { events } = (await handle(restarted, 'GetExecutionHistory', { executionArn })) as {
      events: { id: number }[];
    };

    expect(described.status).toBe('SUCCEEDED');
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    release();
  });
});
