import { type Case, conform, fn, LAMBDA, single } from './harness';

// Retry and Catch (JSONPath), after the developer guide's "Handling errors in Step Functions workflows".

const ok = (output: unknown) => ({ status: 'SUCCEEDED' as const, output });
const CAUSE = (type: string) => JSON.stringify({ errorType: type, errorMessage: 'boom' });
const lambda = (name: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: LAMBDA,
  Parameters: { FunctionName: name, 'Payload.$': '$' },
  ...extra,
});
const processor = (states: object, startAt = Object.keys(states)[0]) => ({
  ProcessorConfig: { Mode: 'INLINE' },
  StartAt: startAt,
  States: states,
});

const TARGETS: Record<string, object> = {
  First: { Type: 'Pass', Result: 'First', End: true },
  Second: { Type: 'Pass', Result: 'Second', End: true },
  Fallback: { Type: 'Pass', End: true },
};
const catching = (
  catchers: { ErrorEquals: string[]; Next: string; ResultPath?: string | null }[],
  resource = 'error:Boom',
  extra: object = {},
) => ({
  StartAt: 'T',
  States: {
    T: { ...lambda(resource), Catch: catchers, End: true, ...extra },
    ...Object.fromEntries(catchers.map(({ Next }) => [Next, TARGETS[Next]])),
  },
});

const errors: Case[] = [
  {
    name: 'a Lambda function error without Catch fails the execution with its errorType and Lambda’s cause',
    definition: single(lambda('error:CustomError')),
    expected: { status: 'FAILED', error: 'CustomError', cause: CAUSE('CustomError') },
  },
  {
    name: 'a Lambda ARN resource fails the same way',
    definition: single({ Type: 'Task', Resource: fn('error:CustomError') }),
    expected: { status: 'FAILED', error: 'CustomError', cause: CAUSE('CustomError') },
  },
  {
    name: 'Catch without ResultPath: the error output replaces the input',
    definition: catching([{ ErrorEquals: ['Boom'], Next: 'Fallback' }]),
    input: { a: 1 },
    expected: ok({ Error: 'Boom', Cause: CAUSE('Boom') }),
  },
  {
    name: 'Catch with ResultPath null keeps the input',
    definition: catching([{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Fallback' }]),
    input: { a: 1 },
    expected: ok({ a: 1 }),
  },
  {
    name: 'the first Catch that names the error wins',
    definition: catching([
      { ErrorEquals: ['Other'], Next: 'Fallback' },
      { ErrorEquals: ['Boom'], Next: 'First' },
      { ErrorEquals: ['States.ALL'], Next: 'Second' },
    ]),
    expected: ok('First'),
  },
  {
    name: 'States.TaskFailed catches a function error',
    definition: catching([{ ErrorEquals: ['States.TaskFailed'], Next: 'First' }]),
    expected: ok('First'),
  },
  {
    name: 'States.ALL catches a Fail-free error that no other catcher names',
    definition: catching([
      { ErrorEquals: ['Other', 'Another'], Next: 'First' },
      { ErrorEquals: ['States.ALL'], Next: 'Second' },
    ]),
    expected: ok('Second'),
  },
  {
    name: 'an error no Catch names fails the execution',
    definition: catching([{ ErrorEquals: ['Other'], Next: 'First' }]),
    expected: { status: 'FAILED', error: 'Boom', cause: CAUSE('Boom') },
  },
  {
    name: 'States.ALL does not catch States.Runtime',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          ...lambda('echo'),
          OutputPath: '$.nothing',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }],
          End: true,
        },
        F: { Type: 'Pass', End: true },
      },
    },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        /^An error occurred while executing the state 'T' \(entered at the event id #2\)\. Invalid path '\$\.nothing' : No results for path: \$\['nothing'\]$/,
    },
  },
  {
    name: 'Retry until the function succeeds',
    definition: single(
      lambda('flaky:2', { Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2 }], OutputPath: '$.Payload' }),
    ),
    input: { done: true },
    expected: ok({ done: true }),
  },
  {
    name: 'Retry exhausted: the error goes on to Catch',
    definition: catching([{ ErrorEquals: ['Flaky'], ResultPath: '$.e', Next: 'Fallback' }], 'flaky:3', {
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1 }],
    }),
    input: { a: 1 },
    expected: ok({ a: 1, e: { Error: 'Flaky', Cause: CAUSE('Flaky') } }),
  },
  {
    name: 'MaxAttempts 0 never retries',
    definition: single(lambda('flaky:1', { Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 0 }] })),
    expected: { status: 'FAILED', error: 'Flaky' },
  },
  {
    name: 'only the first retrier that names the error counts',
    definition: single(
      lambda('flaky:2', {
        Retry: [
          { ErrorEquals: ['Flaky'], MaxAttempts: 1 },
          { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
        ],
      }),
    ),
    expected: { status: 'FAILED', error: 'Flaky' },
  },
  {
    name: 'the retry count is in the context object',
    definition: single(
      lambda('flaky:2', {
        Parameters: { FunctionName: 'flaky:2', Payload: { 'count.$': '$$.State.RetryCount' } },
        Retry: [{ ErrorEquals: ['Flaky'] }],
        OutputPath: '$.Payload',
      }),
    ),
    expected: ok({ count: 2 }),
  },
  {
    name: 'Catch on a Map whose item failed, then a Fail reading the error with ErrorPath and CausePath',
    definition: {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$.list',
          ItemProcessor: processor({ Bad: { Type: 'Fail', Error: 'Bad', Cause: 'item' } }),
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'F' }],
          End: true,
        },
        F: { Type: 'Fail', ErrorPath: '$.err.Error', CausePath: '$.err.Cause' },
      },
    },
    input: { list: [1] },
    expected: { status: 'FAILED', error: 'Bad', cause: 'item' },
  },
];

describe('Retry and Catch', () => conform(errors));
