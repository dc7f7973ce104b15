import { failureOf } from '../../../web/console/model/failure';
import { deriveStates, type HistoryEventLike } from '../../../web/console/model/history';
import { variablesOf } from '../../../web/console/model/variables';

const history = (...events: [string, Record<string, unknown>?][]): HistoryEventLike[] =>
  events.map(([type, details = {}], i) => ({ id: i + 1, type, timestamp: new Date(1_000 * i), ...details }));
const entered = (name: string, type = 'Pass'): [string, Record<string, unknown>] => [
  `${type}StateEntered`,
  { stateEnteredEventDetails: { name, input: '{}' } },
];
const exited = (
  name: string,
  assignedVariables?: Record<string, string>,
  type = 'Pass',
): [string, Record<string, unknown>] => [
  `${type}StateExited`,
  {
    stateExitedEventDetails: {
      name,
      output: '{}',
      ...(assignedVariables && { assignedVariables, assignedVariablesDetails: { truncated: false } }),
    },
  },
];

describe('the variables of each state, from the history', () => {
  test('a state sees every assignment of the states exited before it, replayed in order; its own assignment is apart', () => {
    // Prepare
    const events = history(
      ['ExecutionStarted'],
      entered('Pay'),
      exited('Pay', { paymentId: '"p-1"', total: '100' }),
      entered('Reserve'),
      exited('Reserve', { total: '90', items: '["SKU-1"]' }),
      entered('Book'),
      exited('Book'),
      ['ExecutionSucceeded'],
    );
    // Act
    const variables = variablesOf(events);
    // Assess: keyed by each run's StateEntered id
    expect(variables.get(2)).toEqual({ inScope: {}, assigned: { paymentId: '"p-1"', total: '100' } });
    expect(variables.get(4)).toEqual({
      inScope: { paymentId: '"p-1"', total: '100' },
      assigned: { total: '90', items: '["SKU-1"]' },
    });
    expect(variables.get(6)).toEqual({ inScope: { paymentId: '"p-1"', total: '90', items: '["SKU-1"]' } });
  });

  test('a redriven execution keeps the variables assigned before its failure', () => {
    const events = history(
      entered('Pay'),
      exited('Pay', { paymentId: '"p-1"' }),
      entered('Refund', 'Task'),
      ['ExecutionFailed', { executionFailedEventDetails: { error: 'Boom', cause: 'x' } }],
      ['ExecutionRedriven'],
      entered('Refund', 'Task'),
    );
    expect(variablesOf(events).get(6)).toEqual({ inScope: { paymentId: '"p-1"' } });
  });

  test('an inner state of a Map exits before its parent: the parent keeps its own assignment', () => {
    const events = history(
      entered('Each', 'Map'),
      entered('Item'),
      exited('Item', { seen: 'true' }),
      exited('Each', { count: '1' }, 'Map'),
      entered('After'),
    );
    const variables = variablesOf(events);
    expect(variables.get(1)?.assigned).toEqual({ count: '1' });
    expect(variables.get(2)?.assigned).toEqual({ seen: 'true' });
    expect(variables.get(5)?.inScope).toEqual({ seen: 'true', count: '1' });
  });
});

describe('why an execution failed, from the history', () => {
  test('a JSONata expression that failed: the EvaluationFailed event names the state and the field', () => {
    const events = history(
      entered('Total'),
      [
        'EvaluationFailed',
        {
          evaluationFailedEventDetails: {
            error: 'States.QueryEvaluationError',
            cause: 'The expression failed',
            state: 'Total',
            location: 'Output',
          },
        },
      ],
      [
        'ExecutionFailed',
        { executionFailedEventDetails: { error: 'States.QueryEvaluationError', cause: 'The expression failed' } },
      ],
    );
    expect(failureOf(events, deriveStates(events).runs)).toEqual({
      kind: 'failed',
      error: 'States.QueryEvaluationError',
      cause: 'The expression failed',
      state: 'Total',
      location: 'Output',
    });
  });

  test('a task that failed for good: the failed run is the step to show', () => {
    const events = history(
      entered('Pay'),
      exited('Pay'),
      entered('Refund', 'Task'),
      ['TaskScheduled'],
      ['TaskFailed', { taskFailedEventDetails: { error: 'Lambda.ServiceException', cause: 'down' } }],
      ['ExecutionFailed', { executionFailedEventDetails: { error: 'Lambda.ServiceException', cause: 'down' } }],
    );
    expect(failureOf(events, deriveStates(events).runs)).toMatchObject({
      kind: 'failed',
      error: 'Lambda.ServiceException',
      state: 'Refund',
    });
  });

  test('no failure once redriven, nor for a running or succeeded execution', () => {
    const failed = history(entered('Refund', 'Task'), [
      'ExecutionFailed',
      { executionFailedEventDetails: { error: 'E' } },
    ]);
    expect(failureOf([...failed, { id: 3, type: 'ExecutionRedriven' }], [])).toBeUndefined();
    expect(failureOf(history(entered('Pay')), [])).toBeUndefined();
    expect(failureOf(history(entered('Pay'), exited('Pay'), ['ExecutionSucceeded']), [])).toBeUndefined();
  });
});
