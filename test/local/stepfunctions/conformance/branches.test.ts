import { type Case, conform, LAMBDA, single } from './harness';

// Map and Parallel (JSONPath), after the developer guide's "Map workflow state" and "Parallel workflow state".

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

describe('Map and Parallel', () => conform(branches));
