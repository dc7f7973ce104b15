import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleStepFunctionsAction } from '../../../local/stepfunctions/api';
import type { ExecutionRecord } from '../../../local/stepfunctions/executions';
import type { IntegrationTargets } from '../../../local/stepfunctions/integrations';
import { StepFunctionsService, type StepFunctionsOptions } from '../../../local/stepfunctions/service';
import type { StateMachineSpec } from '../../../local/stepfunctions/specs';
import type { StatusChangeDetail } from '../../../local/stepfunctions/status-events';

// RedriveExecution as AWS defines it, on a small definition whose Task fails while the "fault" is on.

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Redrive';
const handle = (...args: Parameters<typeof handleStepFunctionsAction>): Promise<unknown> =>
  new Promise((resolve) => resolve(handleStepFunctionsAction(...args)));

const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'prepare', 'Payload.$': '$' },
      ResultSelector: { 'prepared.$': '$.Payload' },
      ResultPath: '$.prepare',
      Next: 'Charge',
    },
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      ResultSelector: { 'charged.$': '$.Payload' },
      ResultPath: '$.charge',
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 0 }],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};
const spec: StateMachineSpec = {
  logicalId: 'Redrive',
  name: 'Redrive',
  arn: ARN,
  type: 'STANDARD',
  roleArn: 'role',
  definition: JSON.stringify(definition),
  creationDate: Date.now(),
};

interface World {
  broken: boolean;
  calls: string[];
  /** While set, `charge` waits for it (an execution held RUNNING). */
  gate?: Promise<void>;
}

const targets = (world: World): IntegrationTargets => ({
  invokeLambda: async (name, payload) => {
    world.calls.push(name);
    if (name === 'charge') await world.gate;
    if (name === 'charge' && world.broken)
      return {
        functionError: 'Unhandled',
        payload: { errorType: 'ChargeFailed', errorMessage: 'the card service is down', trace: [] },
      };
    return { payload: `${name}:${(payload as { orderId: string }).orderId}` };
  },
  publish: () => ({ MessageId: 'm' }),
  dynamodb: () => Promise.resolve({}),
});

interface Described {
  status: string;
  output?: string;
  error?: string;
  redriveCount: number;
  redriveDate?: number;
  redriveStatus: string;
  redriveStatusReason?: string;
}
interface Event {
  id: number;
  previousEventId: number;
  type: string;
  stateEnteredEventDetails?: { name: string; input: string };
  executionRedrivenEventDetails?: { redriveCount: number };
}

const describe_ = (service: StepFunctionsService, executionArn: string) =>
  handle(service, 'DescribeExecution', { executionArn }) as Promise<Described>;
const historyOf = async (service: StepFunctionsService, executionArn: string) =>
  ((await handle(service, 'GetExecutionHistory', { executionArn })) as { events: Event[] }).events;
const ended = async (service: StepFunctionsService, executionArn: string) => {
  await service.finished(executionArn);
  return describe_(service, executionArn);
};

const setup = (options: Partial<StepFunctionsOptions> = {}) => {
  const world: World = { broken: true, calls: [] };
  const changes: StatusChangeDetail[] = [];
  const service = new StepFunctionsService([spec], targets(world), {
    region: 'us-east-1',
    onStatusChange: (_record, detail) => changes.push(detail),
    ...options,
  });
  const start = async (name: string) =>
    (
      (await handle(service, 'StartExecution', {
        stateMachineArn: ARN,
        name,
        input: JSON.stringify({ orderId: name }),
      })) as { executionArn: string }
    ).executionArn;
  return { world, changes, service, start };
};

test('a failed execution is redriven under the same ARN from the state that failed, and its history goes on with ExecutionRedriven', async () => {
  const { world, service, start } = setup();
  const executionArn = await start('o-1');
  const failed = await ended(service, executionArn);
  world.broken = false;

  const answer = (await handle(service, 'RedriveExecution', { executionArn })) as { redriveDate: number };
  const redriven = await ended(service, executionArn);
  const events = await historyOf(service, executionArn);

  expect(failed).toMatchObject({
    status: 'FAILED',
    error: 'ChargeFailed',
    redriveCount: 0,
    redriveStatus: 'REDRIVABLE',
  });
  expect(failed.redriveStatusReason).toBeUndefined();
  expect(typeof answer.redriveDate).toBe('number');
  expect(redriven).toMatchObject({
    status: 'SUCCEEDED',
    redriveCount: 1,
    redriveDate: answer.redriveDate,
    redriveStatus: 'NOT_REDRIVABLE',
    redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
  });
  expect(JSON.parse(redriven.output!)).toEqual({
    orderId: 'o-1',
    prepare: { prepared: 'prepare:o-1' },
    charge: { charged: 'charge:o-1' },
  });
  // Prepare ran once; Charge twice (its Retry), failed, then once more after the redrive.
  expect(world.calls).toEqual(['prepare', 'charge', 'charge', 'charge']);
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  expect(events.map((e) => e.previousEventId)).toEqual(events.map((_, i) => i));
  const types = events.map((e) => e.type);
  const redrivenAt = types.indexOf('ExecutionRedriven');
  expect(types.filter((t) => t === 'ExecutionStarted')).toHaveLength(1);
  expect(types[redrivenAt - 1]).toBe('ExecutionFailed');
  expect(events[redrivenAt]!.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
  expect(events[redrivenAt + 1]).toMatchObject({
    type: 'TaskStateEntered',
    stateEnteredEventDetails: { name: 'Charge' },
  });
  expect(JSON.parse(events[redrivenAt + 1]!.stateEnteredEventDetails!.input)).toEqual({
    orderId: 'o-1',
    prepare: { prepared: 'prepare:o-1' },
  });
  expect(types.at(-1)).toBe('ExecutionSucceeded');
});

test('only a FAILED, TIMED_OUT or ABORTED execution is redrivable: running, succeeded, unknown and malformed ones get AWS errors', async () => {
  const { world, service, start } = setup();
  let open!: () => void;
  world.gate = new Promise((resolve) => (open = resolve));
  const running = await start('running');
  await new Promise((resolve) => setTimeout(resolve, 20));

  const whileRunning = await handle(service, 'RedriveExecution', { executionArn: running }).catch(
    (error: unknown) => error,
  );
  const describedRunning = await describe_(service, running);
  world.broken = false;
  open();
  await service.finished(running);

  expect(whileRunning).toMatchObject({ code: 'ExecutionNotRedrivable', status: 400 });
  expect(describedRunning).toMatchObject({
    status: 'RUNNING',
    redriveStatus: 'NOT_REDRIVABLE',
    redriveStatusReason: 'Execution is RUNNING and cannot be redriven',
  });
  await expect(handle(service, 'RedriveExecution', { executionArn: running })).rejects.toMatchObject({
    code: 'ExecutionNotRedrivable',
    message: expect.stringContaining('Execution is SUCCEEDED and cannot be redriven') as unknown,
  });
  await expect(
    handle(service, 'RedriveExecution', { executionArn: `${running.replace(':running', ':nope')}` }),
  ).rejects.toMatchObject({ code: 'ExecutionDoesNotExist' });
  await expect(handle(service, 'RedriveExecution', { executionArn: 'arn:nope' })).rejects.toMatchObject({
    code: 'InvalidArn',
  });
  await expect(handle(service, 'RedriveExecution', {})).rejects.toMatchObject({ code: 'ValidationException' });
});

test('the redrivable period is 14 days from the stop', async () => {
  const { service, start } = setup();
  const executionArn = await start('old');
  await service.finished(executionArn);
  const record = service.execution(executionArn);
  record.stopDate = Date.now() - 15 * 24 * 3600 * 1000;
  record.startDate = record.stopDate - 1000;

  await expect(handle(service, 'RedriveExecution', { executionArn })).rejects.toMatchObject({
    code: 'ExecutionNotRedrivable',
  });
  expect(await describe_(service, executionArn)).toMatchObject({
    redriveStatus: 'NOT_REDRIVABLE',
    redriveStatusReason: 'Execution redrivable period exceeded',
  });
});

test('a client token used again answers the same redrive; a bad one is a ValidationException', async () => {
  const { world, service, start } = setup();
  const executionArn = await start('token');
  await service.finished(executionArn);
  world.broken = false;

  const first = (await handle(service, 'RedriveExecution', { executionArn, clientToken: 'retry-1' })) as {
    redriveDate: number;
  };
  const again = (await handle(service, 'RedriveExecution', { executionArn, clientToken: 'retry-1' })) as {
    redriveDate: number;
  };
  const described = await ended(service, executionArn);

  expect(again).toEqual(first);
  expect(described).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  await expect(handle(service, 'RedriveExecution', { executionArn, clientToken: 'has space' })).rejects.toMatchObject({
    code: 'ValidationException',
  });
});

test('past the running executions quota a redrive is refused with ExecutionLimitExceeded', async () => {
  const { world, service, start } = setup({ maxRunning: 1 });
  const failed = await start('limit-1');
  await service.finished(failed);
  let open!: () => void;
  world.gate = new Promise((resolve) => (open = resolve));
  const running = await start('limit-2');

  await expect(handle(service, 'RedriveExecution', { executionArn: failed })).rejects.toMatchObject({
    code: 'ExecutionLimitExceeded',
  });
  await expect(handle(service, 'StartExecution', { stateMachineArn: ARN, name: 'limit-3' })).rejects.toMatchObject({
    code: 'ExecutionLimitExceeded',
  });
  expect(await describe_(service, failed)).toMatchObject({ status: 'FAILED', redriveCount: 0 });
  open();
  await service.finished(running);
});

test('an aborted execution is redriven from the state it was stopped in; ListExecutions filters and counts redrives', async () => {
  const { world, service, start } = setup();
  world.broken = false;
  let open!: () => void;
  world.gate = new Promise((resolve) => (open = resolve));
  const stopped = await start('stopped');
  const untouched = await start('untouched');
  await new Promise((resolve) => setTimeout(resolve, 20));
  await handle(service, 'StopExecution', { executionArn: stopped, error: 'Operator', cause: 'stopped by hand' });
  const aborted = await ended(service, stopped);
  open();
  await service.finished(untouched);

  await handle(service, 'RedriveExecution', { executionArn: stopped });
  const redriven = await ended(service, stopped);
  const list = async (filter: object) =>
    (
      (await handle(service, 'ListExecutions', { stateMachineArn: ARN, ...filter })) as {
        executions: { name: string; redriveCount: number; redriveDate?: number }[];
      }
    ).executions;

  expect(aborted).toMatchObject({ status: 'ABORTED', redriveStatus: 'REDRIVABLE' });
  expect(redriven).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  expect(
    (await list({ redriveFilter: 'REDRIVEN' })).map((e) => [e.name, e.redriveCount, typeof e.redriveDate]),
  ).toEqual([['stopped', 1, 'number']]);
  expect((await list({ redriveFilter: 'NOT_REDRIVEN' })).map((e) => [e.name, e.redriveCount, e.redriveDate])).toEqual([
    ['untouched', 0, undefined],
  ]);
  await expect(list({ redriveFilter: 'SOMETIMES' })).rejects.toMatchObject({ code: 'ValidationException' });
});

test('each status change is sent with the detail of its EventBridge event, redrives included', async () => {
  const { world, changes, service, start } = setup();
  const executionArn = await start('events');
  await service.finished(executionArn);
  world.broken = false;
  await handle(service, 'RedriveExecution', { executionArn });
  await service.finished(executionArn);

  expect(changes.map((c) => [c.status, c.redriveCount, c.redriveStatus])).toEqual([
    ['RUNNING', 0, 'NOT_REDRIVABLE'],
    ['FAILED', 0, 'REDRIVABLE'],
    ['RUNNING', 1, 'NOT_REDRIVABLE'],
    ['SUCCEEDED', 1, 'NOT_REDRIVABLE'],
  ]);
  const [started, failed, , succeeded] = changes;
  expect(started).toMatchObject({
    executionArn,
    stateMachineArn: ARN,
    name: 'events',
    input: '{"orderId":"events"}',
    inputDetails: { included: true },
    stopDate: null,
    output: null,
    outputDetails: null,
    error: null,
    cause: null,
    redriveDate: null,
  });
  expect(started!.redriveStatusReason).toBe('Execution is RUNNING and cannot be redriven');
  expect(failed).toMatchObject({ error: 'ChargeFailed', redriveStatusReason: null, output: null });
  expect(typeof failed!.stopDate).toBe('number');
  expect(succeeded).toMatchObject({ outputDetails: { included: true }, redriveDate: expect.any(Number) as unknown });
  expect(JSON.parse(succeeded!.output!)).toMatchObject({ charge: { charged: 'charge:events' } });
});

describe('durable', () => {
  test('a redriven execution cut short by a crash goes on after the restart, in one history with one ExecutionRedriven', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfn-redrive-'));
    const { world, service, start } = setup({ dataDir });
    const executionArn = await start('crash');
    await service.finished(executionArn);
    world.broken = false;
    let release!: () => void;
    world.gate = new Promise((resolve) => (release = resolve)); // the redriven Charge does not answer: the process "dies" under it
    await handle(service, 'RedriveExecution', { executionArn });
    await new Promise((resolve) => setTimeout(resolve, 20));

    const after = setup({ dataDir });
    after.world.broken = false;
    const resumed = after.service.resumeInterrupted();
    const described = await ended(after.service, executionArn);
    const events = await historyOf(after.service, executionArn);

    expect(resumed).toEqual([executionArn]);
    expect(described).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(after.world.calls).toEqual(['charge']);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'ExecutionRedriven')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails!.name)).toEqual([
      'Prepare',
      'Charge',
      'Charge',
    ]);
    expect(after.changes.map((c) => [c.status, c.redriveCount])).toEqual([['SUCCEEDED', 1]]);
    release();
  });

  test('a status change that could not be sent before a crash is sent at the next start, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfn-announce-'));
    let refuse = false;
    const sent: string[] = [];
    const onStatusChange = (record: ExecutionRecord) => {
      if (refuse && record.status !== 'RUNNING') throw new Error('the queue is closed');
      sent.push(`${record.name}:${record.status}`);
    };
    const { service, start } = setup({ dataDir, onStatusChange });
    refuse = true;
    const executionArn = await start('unsent');
    await service.finished(executionArn);

    refuse = false;
    const first = setup({ dataDir, onStatusChange });
    first.service.resumeInterrupted();
    const second = setup({ dataDir, onStatusChange });
    second.service.resumeInterrupted();

    expect(sent).toEqual(['unsent:RUNNING', 'unsent:FAILED']);
  });
});
