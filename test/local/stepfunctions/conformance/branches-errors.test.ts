import { type Case, conform, fn, LAMBDA, single } from './harness';

// Map and Parallel, Retry and Catch (JSONPath), after the developer guide's "Map", "Parallel" and
// "Handling errors in Step Functions workflows".

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

const branches: Case[] = [
  {
    name: 'Map over ItemsPath with ItemSelector reading $$.Map.Item and the Map’s input, into ResultPath',
    definition: single({
      Type: 'Map',
      ItemsPath: '$.detail.shipped',
      ItemSelector: {
        'parcel.$': '$$.Map.Item.Value',
        'index.$': '$$.Map.Item.Index',
        'delivery-partner.$': '$.delivery-partner',
      },
      MaxConcurrency: 1,
      ItemProcessor: processor({ Inner: { Type: 'Pass', End: true } }),
      ResultPath: '$.detail.shipped',
    }),
    input: { 'delivery-partner': 'UQS', detail: { shipped: [{ prod: 'R31' }, { prod: 'S39' }] } },
    expected: ok({
      'delivery-partner': 'UQS',
      detail: {
        shipped: [
          { parcel: { prod: 'R31' }, index: 0, 'delivery-partner': 'UQS' },
          { parcel: { prod: 'S39' }, index: 1, 'delivery-partner': 'UQS' },
        ],
      },
    }),
  },
  {
    name: 'Map without ItemsPath iterates its input; each item runs its own states; results keep the order',
    definition: single({
      Type: 'Map',
      MaxConcurrency: 0,
      ItemProcessor: processor({
        Double: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($.n, $.n)' }, Next: 'Call' },
        Call: lambda('echo', { OutputPath: '$.Payload.v', End: true }),
      }),
    }),
    input: [{ n: 1 }, { n: 2 }, { n: 3 }],
    expected: ok([2, 4, 6]),
  },
  {
    name: 'the legacy Iterator and Parameters fields',
    definition: single({
      Type: 'Map',
      ItemsPath: '$.list',
      Parameters: { 'item.$': '$$.Map.Item.Value' },
      Iterator: { StartAt: 'P', States: { P: { Type: 'Pass', OutputPath: '$.item', End: true } } },
    }),
    input: { list: ['a', 'b'] },
    expected: ok(['a', 'b']),
  },
  {
    name: 'Map over an empty array gives []',
    definition: single({
      Type: 'Map',
      ItemsPath: '$.list',
      ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
    }),
    input: { list: [] },
    expected: ok([]),
  },
  {
    name: 'Map with ResultSelector and OutputPath',
    definition: single({
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
      ResultSelector: { 'count.$': 'States.ArrayLength($)' },
      ResultPath: '$.summary',
      OutputPath: '$.summary.count',
    }),
    input: { items: [1, 2, 3] },
    expected: ok(3),
  },
  {
    name: 'a ResultPath into an array input is States.Runtime',
    definition: single({
      Type: 'Map',
      ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
      ResultPath: '$.summary',
    }),
    input: [1, 2, 3],
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause: `An error occurred while executing the state 'S' (entered at the event id #2). Unable to apply ReferencePath $.summary to input "[1,2,3]"`,
    },
  },
  {
    name: 'an item that fails fails the Map with its error',
    definition: single({
      Type: 'Map',
      ItemProcessor: processor({ Call: lambda('error:Boom', { End: true }) }),
    }),
    input: [1],
    expected: { status: 'FAILED', error: 'Boom', cause: CAUSE('Boom') },
  },
  {
    name: 'a Fail state inside a Map fails the execution with its Error and Cause',
    definition: single({
      Type: 'Map',
      ItemProcessor: processor({ F: { Type: 'Fail', Error: 'ItemError', Cause: 'bad item' } }),
    }),
    input: [1, 2],
    expected: { status: 'FAILED', error: 'ItemError', cause: 'bad item' },
  },
  {
    name: 'Parallel gives the array of its branches’ outputs, in the order of Branches',
    definition: single({
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', Result: 'a', End: true } } },
        {
          StartAt: 'B',
          States: { B: { Type: 'Wait', Seconds: 0, Next: 'B2' }, B2: { Type: 'Pass', InputPath: '$.x', End: true } },
        },
        { StartAt: 'C', States: { C: lambda('echo', { OutputPath: '$.Payload', End: true }) } },
      ],
      ResultPath: '$.results',
    }),
    input: { x: 1 },
    expected: ok({ x: 1, results: ['a', 1, { x: 1 }] }),
  },
  {
    name: 'a failing branch fails the Parallel with its error',
    definition: single({
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
        { StartAt: 'B', States: { B: { Type: 'Fail', Error: 'BranchError', Cause: 'b failed' } } },
      ],
    }),
    expected: { status: 'FAILED', error: 'BranchError', cause: 'b failed' },
  },
  {
    name: 'Catch on a Parallel whose branch failed, with ResultPath',
    definition: {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'B', States: { B: lambda('error:Boom', { End: true }) } }],
          Catch: [{ ErrorEquals: ['Boom'], ResultPath: '$.error', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    },
    input: { a: 1 },
    expected: ok({ a: 1, error: { Error: 'Boom', Cause: CAUSE('Boom') } }),
  },
  {
    name: 'Parallel in Map in Parallel',
    definition: single({
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'M',
          States: {
            M: {
              Type: 'Map',
              ItemProcessor: processor({
                P: {
                  Type: 'Parallel',
                  Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }],
                  End: true,
                },
              }),
              End: true,
            },
          },
        },
      ],
    }),
    input: [1, 2],
    expected: ok([[[1], [2]]]),
  },
];

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

describe('Map and Parallel', () => conform(branches));
describe('Retry and Catch', () => conform(errors));
