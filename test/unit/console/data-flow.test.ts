import { dataFlowSteps, queryLanguageOf } from '../../../web/console/model/data-flow';
import { deriveStates, type HistoryEventLike } from '../../../web/console/model/history';
import { retryAttempts } from '../../../web/console/model/retries';

describe('the data flow of a state, from TestState’s inspectionData', () => {
  test('JSONPath: input → InputPath → Parameters → result → ResultSelector → ResultPath → OutputPath, in order', () => {
    // Prepare
    const answer = {
      status: 'SUCCEEDED',
      output: '{"orderId":"o-1"}',
      inspectionData: {
        input: '{"orderId":"o-1","total":5}',
        afterInputPath: '{"orderId":"o-1","total":5}',
        afterParameters: '{"Payload":{"orderId":"o-1"}}',
        result: '{"Payload":{"ok":true}}',
        afterResultSelector: '{"Payload":{"ok":true}}',
        afterResultPath: '{"orderId":"o-1","total":5}',
        variables: '{}',
      },
    };
    // Act
    const steps = dataFlowSteps(answer, 'JSONPath');
    // Assess
    expect(steps.map((step) => [step.label, step.field])).toEqual([
      ['Input', undefined],
      ['After InputPath', 'InputPath'],
      ['After Parameters', 'Parameters'],
      ['Result', undefined],
      ['After ResultSelector', 'ResultSelector'],
      ['After ResultPath', 'ResultPath'],
      ['Output (after OutputPath)', 'OutputPath'],
    ]);
    expect(steps.at(2)?.value).toBe('{"Payload":{"orderId":"o-1"}}');
    expect(steps.at(-1)?.value).toBe('{"orderId":"o-1"}');
  });

  test('JSONata: input → Arguments → result → Output; the JSONPath fields are not shown', () => {
    const steps = dataFlowSteps(
      {
        output: '{"total":5}',
        inspectionData: { input: '{}', afterArguments: '{"a":1}', result: '{"r":2}', afterInputPath: '{}' },
      },
      'JSONata',
    );
    expect(steps).toEqual([
      { label: 'Input', value: '{}' },
      { label: 'Arguments', field: 'Arguments', value: '{"a":1}' },
      { label: 'Result', value: '{"r":2}' },
      { label: 'Output', field: 'Output', value: '{"total":5}' },
    ]);
  });

  test('a failed state has no output: the flow stops where the answer stops', () => {
    const steps = dataFlowSteps(
      { status: 'FAILED', error: 'Boom', inspectionData: { input: '{}', afterArguments: '{}' } },
      'JSONata',
    );
    expect(steps.map((step) => step.label)).toEqual(['Input', 'Arguments']);
  });

  test('the query language: the state’s own, else the machine’s, else JSONPath', () => {
    expect(queryLanguageOf({ QueryLanguage: 'JSONata' }, {})).toBe('JSONata');
    expect(queryLanguageOf({ QueryLanguage: 'JSONata' }, { QueryLanguage: 'JSONPath' })).toBe('JSONPath');
    expect(queryLanguageOf({}, undefined)).toBe('JSONPath');
  });
});

describe('the attempts of a retried state, from the history', () => {
  test('each attempt with its error, cause, the wait before the next and the retrier that matched; the result of the last', () => {
    // Prepare: two failures a second apart, waits of 2 s and 3 s, then a success
    const at = (s: number) => new Date(s * 1_000);
    const events = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(0), stateEnteredEventDetails: { name: 'BookDelivery' } },
      { id: 2, type: 'TaskScheduled', timestamp: at(0) },
      {
        id: 3,
        type: 'TaskFailed',
        timestamp: at(1),
        taskFailedEventDetails: { error: 'Lambda.TooManyRequestsException', cause: 'slow down' },
      },
      { id: 4, type: 'TaskScheduled', timestamp: at(3) },
      { id: 5, type: 'TaskTimedOut', timestamp: at(4), taskTimedOutEventDetails: {} },
      { id: 6, type: 'TaskScheduled', timestamp: at(7) },
      {
        id: 7,
        type: 'TaskSucceeded',
        timestamp: at(8),
        taskSucceededEventDetails: { output: '{"Payload":{"ok":true}}' },
      },
      {
        id: 8,
        type: 'TaskStateExited',
        timestamp: at(8),
        stateExitedEventDetails: { name: 'BookDelivery', output: '{}' },
      },
    ] as HistoryEventLike[];
    const retry = [
      { ErrorEquals: ['States.Timeout'], MaxAttempts: 2 },
      { ErrorEquals: ['States.ALL'], MaxAttempts: 3 },
    ];
    // Act
    const run = deriveStates(events).latest.get('BookDelivery')!;
    const attempts = retryAttempts(run, { Type: 'Task', Retry: retry });
    // Assess
    expect(attempts).toEqual([
      {
        number: 1,
        outcome: 'failed',
        error: 'Lambda.TooManyRequestsException',
        cause: 'slow down',
        startedAt: 0,
        durationMs: 1_000,
        waitMs: 2_000,
        retrier: 1,
      },
      {
        number: 2,
        outcome: 'timed-out',
        error: 'States.Timeout',
        startedAt: 3_000,
        durationMs: 1_000,
        waitMs: 3_000,
        retrier: 0,
      },
      { number: 3, outcome: 'succeeded', startedAt: 7_000, durationMs: 1_000 },
    ]);
    expect(run.attempts.at(-1)?.result).toBe('{"Payload":{"ok":true}}');
  });

  test('States.TaskFailed does not match a timeout, and nothing matches States.Runtime', () => {
    const events = [
      { id: 1, type: 'TaskStateEntered', timestamp: 0, stateEnteredEventDetails: { name: 'T' } },
      { id: 2, type: 'TaskScheduled', timestamp: 0 },
      { id: 3, type: 'TaskTimedOut', timestamp: 1, taskTimedOutEventDetails: {} },
      { id: 4, type: 'TaskScheduled', timestamp: 2 },
      { id: 5, type: 'TaskFailed', timestamp: 3, taskFailedEventDetails: { error: 'States.Runtime' } },
    ] as HistoryEventLike[];
    const run = deriveStates(events).latest.get('T')!;
    const attempts = retryAttempts(run, {
      Type: 'Task',
      Retry: [{ ErrorEquals: ['States.TaskFailed', 'States.ALL'] }],
    });
    expect(attempts.map((attempt) => attempt.retrier)).toEqual([0, undefined]);
    expect(
      retryAttempts(run, { Type: 'Task', Retry: [{ ErrorEquals: ['States.TaskFailed'] }] }).map((a) => a.retrier),
    ).toEqual([undefined, undefined]);
  });
});
