import { backoffWaits, deriveStates, type HistoryEventLike, statusOf } from '../../../web/console/model/history';

/** A history as GetExecutionHistory answers it: ids and timestamps one second apart, from a list of [type, details]. */
const history = (...events: [string, Record<string, unknown>?][]): HistoryEventLike[] =>
  events.map(([type, details = {}], i) => ({ id: i + 1, type, timestamp: new Date(1_000 * i), ...details }));
const entered = (type: string, name: string, input = '{}'): [string, Record<string, unknown>] => [
  `${type}StateEntered`,
  { stateEnteredEventDetails: { name, input } },
];
const exited = (type: string, name: string, output = '{}'): [string, Record<string, unknown>] => [
  `${type}StateExited`,
  { stateExitedEventDetails: { name, output } },
];
const scheduled: [string] = ['TaskScheduled'];
const succeeded: [string] = ['TaskSucceeded'];
const failed = (error: string, cause = 'boom'): [string, Record<string, unknown>] => [
  'TaskFailed',
  { taskFailedEventDetails: { error, cause } },
];

describe('the states of an execution, from its history', () => {
  test('an out-of-stock order: ReserveItems caught, its compensation succeeded, the rest not reached', () => {
    // Prepare
    const events = history(
      ['ExecutionStarted'],
      entered('Task', 'ProcessPayment'),
      scheduled,
      ['TaskStarted'],
      succeeded,
      exited('Task', 'ProcessPayment'),
      entered('Task', 'ReserveItems'),
      scheduled,
      ['TaskStarted'],
      failed('OutOfStock', 'SKU-1 has 0'),
      entered('Pass', 'ItemsWereOutOfStock'),
      exited('Pass', 'ItemsWereOutOfStock'),
      entered('Task', 'RefundPayment'),
      scheduled,
      succeeded,
      exited('Task', 'RefundPayment', '{"refunded":true}'),
      entered('Succeed', 'OrderCancelled'),
      exited('Succeed', 'OrderCancelled'),
      ['ExecutionSucceeded'],
    );
    // Act
    const states = deriveStates(events);
    // Assess
    expect(statusOf(states, 'ProcessPayment')).toBe('succeeded');
    expect(statusOf(states, 'ReserveItems')).toBe('caught');
    expect(states.latest.get('ReserveItems')).toMatchObject({ error: 'OutOfStock', cause: 'SKU-1 has 0', retries: 0 });
    expect(statusOf(states, 'RefundPayment')).toBe('succeeded');
    expect(states.latest.get('RefundPayment')?.output).toBe('{"refunded":true}');
    expect(statusOf(states, 'BookDelivery')).toBe('not-reached');
    expect(states.transitions).toEqual([
      { from: 'ProcessPayment', to: 'ReserveItems' },
      { from: 'ReserveItems', to: 'ItemsWereOutOfStock', caught: 'OutOfStock' },
      { from: 'ItemsWereOutOfStock', to: 'RefundPayment' },
      { from: 'RefundPayment', to: 'OrderCancelled' },
    ]);
  });

  test('a failure caught with the state’s exit recorded (as the local engine records it) is caught too, and its Catch transition labelled', () => {
    const states = deriveStates(
      history(
        entered('Task', 'ReserveItems'),
        scheduled,
        failed('OutOfStock'),
        exited('Task', 'ReserveItems'),
        entered('Pass', 'ItemsWereOutOfStock'),
        exited('Pass', 'ItemsWereOutOfStock'),
      ),
    );
    expect(states.latest.get('ReserveItems')).toMatchObject({ status: 'caught', error: 'OutOfStock' });
    expect(states.transitions).toEqual([{ from: 'ReserveItems', to: 'ItemsWereOutOfStock', caught: 'OutOfStock' }]);
  });

  test('a task that failed twice and then succeeded is retried, with its count and its backoff waits', () => {
    const events = history(
      entered('Task', 'BookDelivery'),
      scheduled,
      failed('Lambda.ServiceException'),
      scheduled,
      failed('Lambda.ServiceException'),
      scheduled,
      succeeded,
      exited('Task', 'BookDelivery'),
    );
    const run = deriveStates(events).latest.get('BookDelivery')!;
    expect(run.status).toBe('retried');
    expect(run.retries).toBe(2);
    expect(run.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'succeeded']);
    expect(backoffWaits(run)).toEqual([
      { from: 2_000, to: 3_000 },
      { from: 4_000, to: 5_000 },
    ]);
  });

  test('a task whose retries ran out and failed the execution is failed, with its error', () => {
    const events = history(
      entered('Task', 'RefundPayment'),
      scheduled,
      failed('ServiceUnavailable', 'injected'),
      scheduled,
      failed('ServiceUnavailable', 'injected'),
      ['ExecutionFailed', { executionFailedEventDetails: { error: 'ServiceUnavailable', cause: 'injected' } }],
    );
    const run = deriveStates(events).latest.get('RefundPayment')!;
    expect(run).toMatchObject({ status: 'failed', error: 'ServiceUnavailable', cause: 'injected', retries: 1 });
  });

  test('a Fail state fails with the execution’s error', () => {
    const events = history(entered('Fail', 'CompensationFailed'), [
      'ExecutionFailed',
      { executionFailedEventDetails: { error: 'CompensationFailed', cause: 'needs a person' } },
    ]);
    expect(deriveStates(events).latest.get('CompensationFailed')).toMatchObject({
      status: 'failed',
      error: 'CompensationFailed',
      cause: 'needs a person',
    });
  });

  test('a running execution: the state it is in is in progress, a task in its backoff too', () => {
    const states = deriveStates(
      history(
        entered('Task', 'ProcessPayment'),
        scheduled,
        succeeded,
        exited('Task', 'ProcessPayment'),
        entered('Task', 'ReserveItems'),
        scheduled,
        failed('Throttled'),
      ),
    );
    expect(statusOf(states, 'ProcessPayment')).toBe('succeeded');
    expect(statusOf(states, 'ReserveItems')).toBe('in-progress');
    expect(states.latest.get('ReserveItems')?.attempts).toHaveLength(1);
  });

  test('a stopped execution fails the state it was in', () => {
    const states = deriveStates(
      history(entered('Task', 'ProcessPayment'), scheduled, ['ExecutionAborted', { executionAbortedEventDetails: {} }]),
    );
    expect(states.latest.get('ProcessPayment')).toMatchObject({ status: 'failed', error: 'Execution stopped' });
  });

  test('a redriven execution: the failed state, entered again, shows its latest run, and no transition joins the two runs', () => {
    const states = deriveStates(
      history(
        entered('Task', 'RefundPayment'),
        scheduled,
        failed('ServiceUnavailable'),
        ['ExecutionFailed', { executionFailedEventDetails: { error: 'ServiceUnavailable' } }],
        ['ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: 1 } }],
        entered('Task', 'RefundPayment'),
        scheduled,
        succeeded,
        exited('Task', 'RefundPayment'),
        entered('Task', 'CancelOrder'),
        scheduled,
        succeeded,
        exited('Task', 'CancelOrder'),
        ['ExecutionSucceeded'],
      ),
    );
    expect(states.runs.map((r) => `${r.name}:${r.status}`)).toEqual([
      'RefundPayment:failed',
      'RefundPayment:succeeded',
      'CancelOrder:succeeded',
    ]);
    expect(statusOf(states, 'RefundPayment')).toBe('succeeded');
    expect(states.transitions).toEqual([{ from: 'RefundPayment', to: 'CancelOrder' }]);
  });

  test('timestamps as numbers (epoch ms) read the same as dates', () => {
    const events = [
      { id: 1, type: 'PassStateEntered', timestamp: 5, stateEnteredEventDetails: { name: 'P' } },
      { id: 2, type: 'PassStateExited', timestamp: 9, stateExitedEventDetails: { name: 'P' } },
    ];
    const run = deriveStates(events).latest.get('P')!;
    expect(run).toMatchObject({ type: 'Pass', enteredAt: 5, exitedAt: 9, status: 'succeeded' });
  });
});
