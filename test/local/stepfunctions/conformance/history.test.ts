import { executeWithHistory, fn, LAMBDA, single } from './harness';

// The history events of GetExecutionHistory, in AWS's order and with AWS's names, for each kind of
// state (the developer guide's "Viewing execution history" and the API reference's HistoryEvent).

const lambda = (name: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: LAMBDA,
  Parameters: { FunctionName: name, 'Payload.$': '$' },
  ...extra,
});
const INLINE = { ProcessorConfig: { Mode: 'INLINE' } };

const cases: [string, object, string[]][] = [
  ['Pass', single({ Type: 'Pass' }), ['PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']],
  [
    'Choice, Wait, Succeed',
    {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: false, Next: 'W' }] },
        W: { Type: 'Wait', Seconds: 0, Next: 'S' },
        S: { Type: 'Succeed' },
      },
    },
    [
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ],
  ],
  ['Fail', single({ Type: 'Fail', Error: 'E' }), ['FailStateEntered', 'ExecutionFailed']],
  ['a run-time error in a Pass', single({ Type: 'Pass', InputPath: '$.x' }), ['PassStateEntered', 'ExecutionFailed']],
  [
    'lambda:invoke',
    single(lambda('echo')),
    ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
  ],
  [
    'a Lambda function ARN',
    single({ Type: 'Task', Resource: fn('echo') }),
    [
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ],
  ],
  [
    'a retried Task',
    single(lambda('flaky:1', { Retry: [{ ErrorEquals: ['Flaky'] }] })),
    [
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ],
  ],
  [
    'a caught Task',
    {
      StartAt: 'T',
      States: {
        T: { ...lambda('error:Boom'), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'P' }], End: true },
        P: { Type: 'Pass', End: true },
      },
    },
    [
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
  ],
  [
    'a Task that fails the execution',
    single(lambda('error:Boom')),
    ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'ExecutionFailed'],
  ],
  [
    'a Task whose OutputPath fails after it succeeded',
    single(lambda('echo', { OutputPath: '$.nothing' })),
    ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'ExecutionFailed'],
  ],
  [
    'Map (MaxConcurrency 1)',
    single({
      Type: 'Map',
      MaxConcurrency: 1,
      ItemProcessor: { ...INLINE, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    }),
    [
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ],
  ],
  [
    'a Map whose item fails (MaxConcurrency 1)',
    single({
      Type: 'Map',
      MaxConcurrency: 1,
      ItemProcessor: { ...INLINE, StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E' } } },
    }),
    [
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'FailStateEntered',
      'MapIterationFailed',
      'MapStateFailed',
      'ExecutionFailed',
    ],
  ],
  [
    'Parallel',
    single({ Type: 'Parallel', Branches: [{ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }] }),
    [
      'ParallelStateEntered',
      'ParallelStateStarted',
      'PassStateEntered',
      'PassStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ],
  ],
  [
    'a Parallel whose branch fails',
    single({ Type: 'Parallel', Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E' } } }] }),
    ['ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'ExecutionFailed'],
  ],
];

test.each(cases)('the events of %s', async (_name, definition, types) => {
  const { events } = await executeWithHistory(definition, [1, 2]);
  expect(events.map((event) => event.type)).toEqual(['ExecutionStarted', ...types]);
  expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
});

test('the details of a Task’s events and of the execution’s end', async () => {
  const { events } = await executeWithHistory(single(lambda('error:Boom')), { a: 1 });
  const [started, entered, scheduled, taskStarted, failed, executionFailed] = events;

  expect(started).toMatchObject({
    previousEventId: 0,
    executionStartedEventDetails: { input: '{"a":1}', inputDetails: { truncated: false } },
  });
  expect(entered).toMatchObject({
    previousEventId: 1,
    stateEnteredEventDetails: { name: 'S', input: '{"a":1}', inputDetails: { truncated: false } },
  });
  expect(scheduled).toMatchObject({
    previousEventId: 2,
    taskScheduledEventDetails: {
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: '{"FunctionName":"error:Boom","Payload":{"a":1}}',
    },
  });
  expect(taskStarted).toMatchObject({ taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } });
  expect(failed).toMatchObject({
    taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Boom' },
  });
  expect(executionFailed).toMatchObject({ executionFailedEventDetails: { error: 'Boom' } });
});
