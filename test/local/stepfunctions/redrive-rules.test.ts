import type { ExecutionRecord } from '../../../local/stepfunctions/executions';
import type { HistoryEvent } from '../../../local/stepfunctions/history';
import type { EngineDefinition } from '../../../local/stepfunctions/engine/host';
import { resumeFrom } from '../../../local/stepfunctions/engine/resume';
import {
  earlierRedrive,
  HISTORY_EVENT_LIMIT,
  keepToken,
  recordedEnd,
  redriveStatusOf,
} from '../../../local/stepfunctions/redrive';

// RedriveExecution's rules on their own, against a fixed clock: when an execution is redrivable,
// client tokens, where an execution resumes, and the end a history recorded. stepfunctions/redrive.test.ts
// drives the same rules through the service (running, succeeded, 14 days, a bad token, crashes).

const NOW = Date.UTC(2026, 5, 1, 12);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const STANDARD = { type: 'STANDARD' as const };

const record = (overrides: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  executionArn: 'arn:aws:states:us-east-1:000000000000:execution:Saga:o-1',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Saga',
  name: 'o-1',
  status: 'FAILED',
  startDate: NOW - 2 * DAY,
  stopDate: NOW - DAY,
  redriveCount: 0,
  eventCount: 12,
  ...overrides,
});

describe('redriveStatusOf: whether RedriveExecution would accept the execution now', () => {
  test.each([
    ['a FAILED execution', record()],
    ['a TIMED_OUT execution', record({ status: 'TIMED_OUT' })],
    ['an ABORTED execution', record({ status: 'ABORTED' })],
    ['one stopped exactly 14 days ago', record({ startDate: NOW - 15 * DAY, stopDate: NOW - 14 * DAY })],
    [
      'one with room for ExecutionRedriven and one more event under 25,000',
      record({ eventCount: HISTORY_EVENT_LIMIT - 1 }),
    ],
    ['one redriven before', record({ redriveCount: 3, redriveDate: NOW - 2 * DAY })],
  ])('%s is REDRIVABLE, with no reason', (_name, execution) => {
    expect(redriveStatusOf(execution, STANDARD, NOW)).toEqual({ status: 'REDRIVABLE' });
  });

  test.each([
    [
      'a RUNNING execution',
      'Execution is RUNNING and cannot be redriven',
      record({ status: 'RUNNING', stopDate: undefined }),
      STANDARD,
    ],
    [
      'a SUCCEEDED execution',
      'Execution is SUCCEEDED and cannot be redriven',
      record({ status: 'SUCCEEDED' }),
      STANDARD,
    ],
    ['an execution of a state machine that is gone', 'State machine is in DELETING status', record(), undefined],
    [
      'an execution of an EXPRESS state machine',
      'Execution of an EXPRESS state machine cannot be redriven',
      record(),
      { type: 'EXPRESS' as const },
    ],
    [
      'a history of 24,999 events',
      'Execution history event limit exceeded',
      record({ eventCount: HISTORY_EVENT_LIMIT }),
      STANDARD,
    ],
    [
      'an execution started more than a year ago',
      'Execution has exceeded the max execution time',
      record({ startDate: NOW - 366 * DAY, stopDate: NOW - DAY }),
      STANDARD,
    ],
    [
      'one stopped 14 days and 1 ms ago',
      'Execution redrivable period exceeded',
      record({ startDate: NOW - 15 * DAY, stopDate: NOW - 14 * DAY - 1 }),
      STANDARD,
    ],
    [
      'one without a stop date, counted from its start',
      'Execution redrivable period exceeded',
      record({ startDate: NOW - 15 * DAY, stopDate: undefined }),
      STANDARD,
    ],
  ])('%s is NOT_REDRIVABLE: %s', (_name, reason, execution, machine) => {
    expect(redriveStatusOf(execution, machine, NOW)).toEqual({ status: 'NOT_REDRIVABLE', reason });
  });
});

describe('earlierRedrive: a client token used again answers the redrive it made', () => {
  const used = (token: string, minutesAgo: number) => ({ token, date: NOW - minutesAgo * MINUTE });

  test.each([
    ['a token used 5 minutes ago', [used('t-1', 5)], 't-1', NOW - 5 * MINUTE],
    ['a token used exactly 15 minutes ago', [used('t-1', 15)], 't-1', NOW - 15 * MINUTE],
    [
      'a token used 15 minutes and 1 ms ago is expired',
      [{ token: 't-1', date: NOW - 15 * MINUTE - 1 }],
      't-1',
      undefined,
    ],
    ['a token never used', [used('t-1', 5)], 't-2', undefined],
    ['a token used again after it expired: its newer use', [used('t-1', 40), used('t-1', 2)], 't-1', NOW - 2 * MINUTE],
    ['an execution never redriven with a token', undefined, 't-1', undefined],
  ])('%s', (_name, redriveTokens, token, expected) => {
    expect(earlierRedrive(record({ redriveTokens }), token, NOW)).toBe(expected);
  });

  test('no token is no earlier redrive, whatever the tokens kept', () => {
    expect(earlierRedrive(record({ redriveTokens: [used('t-1', 1)] }), undefined, NOW)).toBeUndefined();
  });

  test.each([
    ['1 character', '!'],
    ['64 characters', 'a'.repeat(64)],
    ['every printable ASCII character but space', '!"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~'],
  ])('a token of %s is valid', (_name, token) => {
    expect(earlierRedrive(record(), token, NOW)).toBeUndefined();
  });

  test.each([
    ['an empty token', ''],
    ['a token of 65 characters', 'a'.repeat(65)],
    ['a token with a tab', 'a\tb'],
    ['a token with a character outside ASCII', 'café'],
  ])('%s is a ValidationException', (_name, token) => {
    let error: unknown;
    try {
      earlierRedrive(record(), token, NOW);
    } catch (thrown) {
      error = thrown;
    }

    expect(error).toMatchObject({
      code: 'ValidationException',
      message: expect.stringContaining("Value at 'clientToken' failed to satisfy constraint") as unknown,
    });
  });
});

describe('keepToken: the tokens kept after a redrive', () => {
  const tokens = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ token: `t-${i}`, date: NOW - (n - i) * MINUTE }));

  test('a redrive without a token keeps the tokens as they were', () => {
    const kept = tokens(3);

    expect(keepToken(record({ redriveTokens: kept }), undefined, NOW)).toBe(kept);
  });

  test('the first token of an execution', () => {
    expect(keepToken(record(), 'first', NOW)).toEqual([{ token: 'first', date: NOW }]);
  });

  test('a new token goes last; past 10, the oldest go', () => {
    const kept = keepToken(record({ redriveTokens: tokens(10) }), 'new', NOW)!;

    expect(kept).toHaveLength(10);
    expect(kept.map((t) => t.token)).toEqual(['t-1', 't-2', 't-3', 't-4', 't-5', 't-6', 't-7', 't-8', 't-9', 'new']);
  });
});

describe('resumeFrom: where an execution goes on from', () => {
  const definition: EngineDefinition = {
    StartAt: 'Reserve',
    States: {
      Reserve: { Type: 'Task', Next: 'Notify' },
      Notify: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'Send', States: { Send: { Type: 'Task', End: true } } },
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  };
  let id = 0;
  const event = (type: string, details: Record<string, unknown> = {}): HistoryEvent => ({
    id: ++id,
    previousEventId: id - 1,
    timestamp: NOW + id,
    type,
    ...details,
  });
  const entered = (type: string, name: string, input: unknown) =>
    event(type, {
      stateEnteredEventDetails: { name, input: JSON.stringify(input), inputDetails: { truncated: false } },
    });
  const exited = (type: string, name: string) => event(type, { stateExitedEventDetails: { name, output: '{}' } });

  test('no state entered yet: the execution starts at StartAt', async () => {
    expect(await resumeFrom([event('ExecutionStarted')], definition, false)).toEqual({ at: 'start' });
    expect(await resumeFrom([], definition, false)).toEqual({ at: 'start' });
  });

  test('the last state entered, with the input it was entered with', async () => {
    const history = [
      event('ExecutionStarted'),
      entered('TaskStateEntered', 'Reserve', { orderId: 'o-1' }),
      exited('TaskStateExited', 'Reserve'),
      entered('MapStateEntered', 'Notify', { orderId: 'o-1', reserved: true }),
    ];

    expect(await resumeFrom(history, definition, false)).toEqual({
      at: 'state',
      resume: {
        state: 'Notify',
        input: { orderId: 'o-1', reserved: true },
        entered: { id: history[3]!.id, at: history[3]!.timestamp },
        failures: [],
      },
      variables: {},
    });
  });

  test('a state inside a Map restarts its Map, with the Map’s input', async () => {
    const history = [
      event('ExecutionStarted'),
      entered('MapStateEntered', 'Notify', { orderId: 'o-1', lines: [1, 2] }),
      event('MapIterationStarted', { mapIterationStartedEventDetails: { name: 'Notify', index: 0 } }),
      entered('TaskStateEntered', 'Send', 1),
    ];

    expect(await resumeFrom(history, definition, false)).toEqual({
      at: 'state',
      resume: {
        state: 'Notify',
        input: { orderId: 'o-1', lines: [1, 2] },
        entered: { id: history[1]!.id, at: history[1]!.timestamp },
        failures: [],
      },
      variables: {},
    });
  });

  test('after a redrive the failed state is entered again: its StateEntered is before the redrive', async () => {
    const history = [
      event('ExecutionStarted'),
      entered('TaskStateEntered', 'Reserve', { orderId: 'o-1' }),
      event('TaskFailed'),
      event('ExecutionFailed'),
      event('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: 1 } }),
    ];

    const restart = {
      at: 'state',
      resume: { state: 'Reserve', input: { orderId: 'o-1' }, failures: [] },
      variables: {},
    };
    expect(await resumeFrom(history, definition, true)).toEqual(restart);
    // A crash after the redrive, before the state was entered again: the same.
    expect(await resumeFrom(history, definition, false)).toEqual(restart);
  });

  test('a state entered since the redrive is recorded already', async () => {
    const history = [
      event('ExecutionStarted'),
      entered('TaskStateEntered', 'Reserve', { orderId: 'o-1' }),
      event('ExecutionFailed'),
      event('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: 1 } }),
      entered('TaskStateEntered', 'Reserve', { orderId: 'o-1' }),
    ];

    expect(await resumeFrom(history, definition, false)).toMatchObject({
      at: 'state',
      resume: { state: 'Reserve', input: { orderId: 'o-1' }, entered: { id: history.at(-1)!.id }, failures: [] },
    });
  });
});

describe('resumeFrom: what the engine goes on with', () => {
  const definition: EngineDefinition = {
    StartAt: 'Pay',
    States: {
      Pay: {
        Type: 'Task',
        Retry: [{ ErrorEquals: ['States.ALL'] }],
        Catch: [{ ErrorEquals: ['Declined'], Next: 'Undo' }],
        Next: 'Ship',
      },
      Ship: { Type: 'Task', End: true },
      Undo: { Type: 'Pass', End: true },
    },
  };
  const at = (id: number, type: string, details: Record<string, unknown> = {}): HistoryEvent => ({
    id,
    previousEventId: id - 1,
    timestamp: NOW + id * 1000,
    type,
    ...details,
  });
  const failed = (id: number, error: string) =>
    at(id, 'TaskFailed', { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error, cause: 'c' } });
  const started = at(1, 'ExecutionStarted');
  const payEntered = at(2, 'TaskStateEntered', { stateEnteredEventDetails: { name: 'Pay', input: '{"n":1}' } });

  test('a Task mid-retry: the attempts it failed, each with its error and when, for Retry to go on counting', async () => {
    const history = [
      started,
      payEntered,
      at(3, 'TaskScheduled'),
      failed(4, 'Boom'),
      at(5, 'TaskScheduled'),
      failed(6, 'Boom'),
    ];

    expect(await resumeFrom(history, definition, false)).toEqual({
      at: 'state',
      resume: {
        state: 'Pay',
        input: { n: 1 },
        entered: { id: 2, at: NOW + 2000 },
        failures: [
          { error: 'Boom', cause: 'c', at: NOW + 4000 },
          { error: 'Boom', cause: 'c', at: NOW + 6000 },
        ],
      },
      variables: {},
    });
  });

  test('the variables every exited state assigned, and the Catch its exit followed', async () => {
    const history = [
      started,
      payEntered,
      failed(3, 'Declined'),
      at(4, 'TaskStateExited', {
        stateExitedEventDetails: {
          name: 'Pay',
          output: '{"e":1}',
          assignedVariables: { reason: '"DECLINED"', n: '2' },
        },
      }),
    ];

    expect(await resumeFrom(history, definition, false)).toEqual({
      at: 'state',
      resume: { state: 'Undo', input: { e: 1 }, failures: [] },
      variables: { reason: 'DECLINED', n: 2 },
    });
  });

  test('the last state exited at the end: the execution ends with its output', async () => {
    const history = [
      started,
      at(2, 'TaskStateEntered', { stateEnteredEventDetails: { name: 'Ship', input: '{}' } }),
      at(3, 'TaskStateExited', { stateExitedEventDetails: { name: 'Ship', output: '{"done":true}' } }),
    ];

    expect(await resumeFrom(history, definition, false)).toEqual({ at: 'ended', output: { done: true } });
  });
});

describe('recordedEnd: the end a history holds when the record missed it', () => {
  const at = (type: string, details: Record<string, unknown> = {}, timestamp = NOW): HistoryEvent => ({
    id: 9,
    previousEventId: 8,
    timestamp,
    type,
    ...details,
  });
  const started = { id: 1, previousEventId: 0, timestamp: NOW - MINUTE, type: 'ExecutionStarted' };

  test.each([
    [
      'ExecutionSucceeded',
      at('ExecutionSucceeded', { executionSucceededEventDetails: { output: '{}' } }),
      { status: 'SUCCEEDED', stopDate: NOW },
    ],
    [
      'ExecutionFailed, with its error and cause',
      at('ExecutionFailed', {
        executionFailedEventDetails: { error: 'ChargeFailed', cause: 'the card service is down' },
      }),
      { status: 'FAILED', stopDate: NOW, error: 'ChargeFailed', cause: 'the card service is down' },
    ],
    [
      'ExecutionTimedOut, with its error only',
      at('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } }),
      { status: 'TIMED_OUT', stopDate: NOW, error: 'States.Timeout' },
    ],
    ['ExecutionAborted, without details', at('ExecutionAborted'), { status: 'ABORTED', stopDate: NOW }],
  ])('%s', (_name, last, expected) => {
    expect(recordedEnd([started, last])).toEqual(expected);
  });

  test.each([
    ['an empty history', []],
    [
      'a history still under way',
      [started, at('TaskStateEntered', { stateEnteredEventDetails: { name: 'Reserve', input: '{}' } })],
    ],
    [
      'a failure followed by a redrive',
      [
        started,
        at('ExecutionFailed', { executionFailedEventDetails: { error: 'E' } }, NOW - 1),
        at('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: 1 } }),
      ],
    ],
  ])('%s has no end', (_name, history) => {
    expect(recordedEnd(history)).toBeUndefined();
  });
});
