import { type Case, conform, fn, LAMBDA, single } from './harness';

// JSONPath input and output processing, Pass, Wait, Fail and run-time errors, as AWS's developer guide
// ("Processing input and output", "Pass", "Wait", "Fail") and recorded executions show them.

const RUNTIME = (state: string, text: string) =>
  `An error occurred while executing the state '${state}' (entered at the event id #2). ${text}`;

const cases: Case[] = [
  {
    name: 'Pass with Result and ResultPath adds the result to the input (the guide’s georefOf example)',
    definition: single({
      Type: 'Pass',
      Result: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 },
      ResultPath: '$.coords',
    }),
    input: { georefOf: 'Home' },
    expected: {
      status: 'SUCCEEDED',
      output: { georefOf: 'Home', coords: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 } },
    },
  },
  {
    name: 'Pass without Result passes its input through',
    definition: single({ Type: 'Pass' }),
    input: { a: [1, { b: null }] },
    expected: { status: 'SUCCEEDED', output: { a: [1, { b: null }] } },
  },
  {
    name: 'Pass with a Result of a string replaces the input',
    definition: single({ Type: 'Pass', Result: 'done' }),
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: 'done' },
  },
  {
    name: 'ResultPath null discards the result and keeps the input',
    definition: single({ Type: 'Pass', Result: { x: 1 }, ResultPath: null }),
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: { a: 1 } },
  },
  {
    name: 'ResultPath into a deep path creates the objects on the way',
    definition: single({ Type: 'Pass', Result: 'x', ResultPath: '$.b.c.d' }),
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: { a: 1, b: { c: { d: 'x' } } } },
  },
  {
    name: 'ResultPath replaces a field that exists',
    definition: single({ Type: 'Pass', Result: 2, ResultPath: '$.a' }),
    input: { a: 1, b: 1 },
    expected: { status: 'SUCCEEDED', output: { a: 2, b: 1 } },
  },
  {
    name: 'InputPath selects a part of the input, OutputPath a part of the output',
    definition: single({ Type: 'Pass', InputPath: '$.payload', ResultPath: '$.copy', OutputPath: '$.copy.v' }),
    input: { payload: { v: [1, 2] }, other: true },
    expected: { status: 'SUCCEEDED', output: [1, 2] },
  },
  {
    name: 'InputPath null gives the state {} as its input; OutputPath null sends {} on',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', InputPath: null, ResultPath: '$.seen', Next: 'B' },
        B: { Type: 'Pass', OutputPath: null, Next: 'C' },
        C: { Type: 'Pass', ResultPath: '$.again', End: true },
      },
    },
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: { again: {} } },
  },
  {
    name: 'Parameters: static values, paths, the context object and intrinsic functions',
    definition: single({
      Type: 'Pass',
      Parameters: {
        static: 'x',
        'first.$': '$.list[0]',
        'all.$': '$.list[*].id',
        'name.$': "States.Format('Hello {}', $.who)",
        nested: { 'input.$': '$$.Execution.Input.who', array: [{ 'k.$': '$.who' }] },
        'state.$': '$$.State.Name',
      },
    }),
    input: { who: 'Ann', list: [{ id: 1 }, { id: 2 }] },
    expected: {
      status: 'SUCCEEDED',
      output: {
        static: 'x',
        first: { id: 1 },
        all: [1, 2],
        name: 'Hello Ann',
        nested: { input: 'Ann', array: [{ k: 'Ann' }] },
        state: 'S',
      },
    },
  },
  {
    name: 'the guide’s Task example: InputPath, Parameters, ResultSelector, ResultPath, OutputPath',
    definition: single({
      Type: 'Task',
      Resource: LAMBDA,
      InputPath: '$.library',
      Parameters: { FunctionName: 'echo', Payload: { 'books.$': '$.books', kind: 'catalogue' } },
      ResultSelector: { 'count.$': 'States.ArrayLength($.Payload.books)', 'status.$': '$.StatusCode' },
      ResultPath: '$.summary',
      OutputPath: '$.summary',
    }),
    input: { library: { books: ['a', 'b', 'c'] } },
    expected: { status: 'SUCCEEDED', output: { count: 3, status: 200 } },
  },
  {
    name: 'a Task on a Lambda ARN gets its input and gives the function’s result alone',
    definition: single({ Type: 'Task', Resource: fn('echo'), ResultPath: '$.r' }),
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: { a: 1, r: { a: 1 } } },
  },
  {
    name: 'lambda:invoke without ResultSelector returns the whole invocation result',
    definition: single({ Type: 'Task', Resource: LAMBDA, Parameters: { FunctionName: 'echo', Payload: 7 } }),
    expected: {
      status: 'SUCCEEDED',
      output: {
        ExecutedVersion: '$LATEST',
        Payload: 7,
        SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }) as unknown,
        SdkResponseMetadata: { RequestId: expect.any(String) as unknown },
        StatusCode: 200,
      },
    },
  },
  {
    name: 'sns:publish answers a MessageId',
    definition: single({
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'hi' },
      ResultSelector: { 'id.$': '$.MessageId', 'status.$': '$.SdkHttpMetadata.HttpStatusCode' },
    }),
    expected: { status: 'SUCCEEDED', output: { id: 'm-1', status: 200 } },
  },
  {
    name: 'Wait Seconds 0, SecondsPath and a past Timestamp pass their input on',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Wait', Seconds: 0, Next: 'B' },
        B: { Type: 'Wait', SecondsPath: '$.s', Next: 'C' },
        C: { Type: 'Wait', Timestamp: '2016-03-14T01:59:00Z', Next: 'D' },
        D: { Type: 'Wait', TimestampPath: '$.t', OutputPath: '$.s', End: true },
      },
    },
    input: { s: 0, t: '2020-01-01T00:00:00Z' },
    expected: { status: 'SUCCEEDED', output: 0 },
  },
  {
    name: 'Succeed with InputPath and OutputPath',
    definition: single({ Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' }),
    input: { a: { b: 'ok' } },
    expected: { status: 'SUCCEEDED', output: 'ok' },
  },
  {
    name: 'Fail with Error and Cause',
    definition: single({ Type: 'Fail', Error: 'ErrorA', Cause: 'Kaiju attack' }),
    expected: { status: 'FAILED', error: 'ErrorA', cause: 'Kaiju attack' },
  },
  {
    name: 'Fail without Error or Cause',
    definition: single({ Type: 'Fail' }),
    expected: { status: 'FAILED', error: undefined, cause: undefined, output: undefined },
  },
  {
    name: 'Fail with ErrorPath and CausePath (an intrinsic function)',
    definition: single({
      Type: 'Fail',
      ErrorPath: '$.Error',
      CausePath: "States.Format('this is the error: {}, and this is the cause: {}', $.Error, $.Cause)",
    }),
    input: { Error: 'Oops', Cause: 'a bug' },
    expected: {
      status: 'FAILED',
      error: 'Oops',
      cause: 'this is the error: Oops, and this is the cause: a bug',
    },
  },
  {
    name: 'InputPath to a field that is not there is States.Runtime',
    definition: single({ Type: 'Pass', InputPath: '$.missing' }),
    input: { a: 1 },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause: RUNTIME('S', "Invalid path '$.missing' : No results for path: $['missing']"),
    },
  },
  {
    name: 'OutputPath to a field that is not there is States.Runtime',
    definition: single({ Type: 'Pass', OutputPath: '$.Payload' }),
    input: { a: 1 },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause: RUNTIME('S', "Invalid path '$.Payload' : No results for path: $['Payload']"),
    },
  },
  {
    name: 'a Parameters path that is not there is States.Runtime',
    definition: single({ Type: 'Pass', Parameters: { 'x.$': '$.missing' } }),
    input: { a: 1 },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause: RUNTIME(
        'S',
        "The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{\"a\":1}'",
      ),
    },
  },
  {
    name: 'an intrinsic function’s path argument that is not there is States.Runtime, naming the whole expression',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': "States.Format('{}', States.Array($.nope))" } }),
    input: { other: 1 },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause: RUNTIME(
        'S',
        "The function 'States.Format('{}', States.Array($.nope))' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{\"other\":1}'",
      ),
    },
  },
  {
    name: 'a Choice variable that is not there is States.Runtime',
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.value', NumericEquals: 42, Next: 'D' }], Default: 'D' },
        D: { Type: 'Succeed' },
      },
    },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause: RUNTIME('C', "Invalid path '$.value': The choice state's condition path references an invalid value."),
    },
  },
  {
    name: 'a runtime error in a later state names that state and the event it entered at',
    definition: {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', InputPath: '$.x', End: true } },
    },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        "An error occurred while executing the state 'B' (entered at the event id #4). Invalid path '$.x' : No results for path: $['x']",
    },
  },
];

describe('JSONPath input and output, Pass, Wait, Succeed, Fail', () => conform(cases));
