import { type Case, conform, LAMBDA, single } from './harness';

// JSONata states, after the developer guide's "Transforming data with JSONata in Step Functions" and
// "Handling errors": $states.input, $states.result, $states.errorOutput, $states.context, Arguments
// and Output, Catch with Output and Assign, the functions Step Functions adds, QueryEvaluationError.

const JSONATA = { QueryLanguage: 'JSONata' };
const ok = (output: unknown) => ({ status: 'SUCCEEDED' as const, output });
const jsonata = (state: { Type: string } & Record<string, unknown>) => single(state, JSONATA);
const CAUSE = (type: string) => JSON.stringify({ errorType: type, errorMessage: 'boom' });

const cases: Case[] = [
  {
    name: 'Pass with Output from $states.input',
    definition: jsonata({ Type: 'Pass', Output: { total: '{% $sum($states.input.prices) %}', fixed: 'x' } }),
    input: { prices: [1, 2, 3.5] },
    expected: ok({ total: 6.5, fixed: 'x' }),
  },
  {
    name: 'Pass without Output passes its input on',
    definition: jsonata({ Type: 'Pass' }),
    input: { a: 1 },
    expected: ok({ a: 1 }),
  },
  {
    name: 'expressions nest at any depth in objects and arrays',
    definition: jsonata({
      Type: 'Pass',
      Output: { list: ['{% $states.input.a %}', { deep: '{% $states.input.a * 2 %}' }, 'plain'] },
    }),
    input: { a: 2 },
    expected: ok({ list: [2, { deep: 4 }, 'plain'] }),
  },
  {
    name: 'a Task with Arguments, and Output from $states.result',
    definition: jsonata({
      Type: 'Task',
      Resource: LAMBDA,
      Arguments: { FunctionName: 'echo', Payload: { n: '{% $states.input.n + 1 %}' } },
      Output: { got: '{% $states.result.Payload.n %}', was: '{% $states.input.n %}' },
    }),
    input: { n: 1 },
    expected: ok({ got: 2, was: 1 }),
  },
  {
    name: 'a Task without Output outputs its whole result',
    definition: jsonata({
      Type: 'Task',
      Resource: LAMBDA,
      Arguments: { FunctionName: 'echo', Payload: '{% $states.input %}' },
    }),
    input: { n: 1 },
    expected: ok(expect.objectContaining({ Payload: { n: 1 }, StatusCode: 200 })),
  },
  {
    name: 'a Task Output that is a whole expression',
    definition: jsonata({
      Type: 'Task',
      Resource: LAMBDA,
      Arguments: { FunctionName: 'echo', Payload: [1, 2] },
      Output: '{% $states.result.Payload %}',
    }),
    expected: ok([1, 2]),
  },
  {
    name: 'the context object: $states.context.Execution.Input and State.Name',
    definition: jsonata({
      Type: 'Pass',
      Output: { input: '{% $states.context.Execution.Input %}', state: '{% $states.context.State.Name %}' },
    }),
    input: { a: 1 },
    expected: ok({ input: { a: 1 }, state: 'S' }),
  },
  {
    name: 'Catch with Output from $states.errorOutput and Assign, read by the next state',
    definition: {
      ...JSONATA,
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Arguments: { FunctionName: 'error:Boom', Payload: {} },
          Catch: [
            {
              ErrorEquals: ['Boom'],
              Output: { failed: '{% $states.errorOutput.Error %}', input: '{% $states.input %}' },
              Assign: { cause: '{% $states.errorOutput.Cause %}' },
              Next: 'After',
            },
          ],
          End: true,
        },
        After: { Type: 'Pass', Output: { out: '{% $states.input %}', cause: '{% $cause %}' }, End: true },
      },
    },
    input: { a: 1 },
    expected: ok({ out: { failed: 'Boom', input: { a: 1 } }, cause: CAUSE('Boom') }),
  },
  {
    name: 'Catch without Output passes the error output on',
    definition: {
      ...JSONATA,
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Arguments: { FunctionName: 'error:Boom' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'After' }],
          End: true,
        },
        After: { Type: 'Succeed' },
      },
    },
    expected: ok({ Error: 'Boom', Cause: CAUSE('Boom') }),
  },
  {
    name: 'Assign and Output in one state both see the variables as they were',
    definition: {
      ...JSONATA,
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Assign: { x: 2, y: '{% $x %}' }, Output: { x: '{% $x %}' }, Next: 'C' },
        C: { Type: 'Pass', Output: { before: '{% $states.input.x %}', x: '{% $x %}', y: '{% $y %}' }, End: true },
      },
    },
    expected: ok({ before: 1, x: 2, y: 1 }),
  },
  {
    name: 'Choice with Condition, and Output and Assign on the rule',
    definition: {
      ...JSONATA,
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            { Condition: '{% $states.input.n > 10 %}', Next: 'Big' },
            {
              Condition: '{% $states.input.n > 1 %}',
              Output: { kind: 'medium' },
              Assign: { seen: true },
              Next: 'Done',
            },
          ],
          Default: 'Done',
        },
        Big: { Type: 'Pass', Output: 'big', End: true },
        Done: { Type: 'Pass', Output: { out: '{% $states.input %}', seen: '{% $seen %}' }, End: true },
      },
    },
    input: { n: 5 },
    expected: ok({ out: { kind: 'medium' }, seen: true }),
  },
  {
    name: 'a Choice’s own Assign applies whichever rule matches, with the rule’s Assign over it',
    definition: {
      ...JSONATA,
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Assign: { always: true, which: 'state' },
          Choices: [{ Condition: '{% $states.input.n > 1 %}', Assign: { which: 'rule' }, Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Pass', Output: { always: '{% $always %}', which: '{% $which %}' }, End: true },
      },
    },
    input: { n: 5 },
    expected: ok({ always: true, which: 'rule' }),
  },
  {
    name: 'Wait with Seconds as an expression',
    definition: jsonata({ Type: 'Wait', Seconds: '{% $states.input.s %}', Output: '{% $states.input.s %}' }),
    input: { s: 0 },
    expected: ok(0),
  },
  {
    name: 'Fail with Error and Cause as expressions',
    definition: jsonata({
      Type: 'Fail',
      Error: '{% $states.input.code %}',
      Cause: "{% 'failed: ' & $states.input.why %}",
    }),
    input: { code: 'Oops', why: 'because' },
    expected: { status: 'FAILED', error: 'Oops', cause: 'failed: because' },
  },
  {
    name: 'the functions Step Functions adds: $partition, $range, $hash, $parse',
    definition: jsonata({
      Type: 'Pass',
      Output: {
        partition: '{% $partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3) %}',
        range: '{% $range(0, 10, 2) %}',
        down: '{% $range(5, 1, -2) %}',
        hash: "{% $hash('input data', 'SHA-1') %}",
        parsed: '{% $parse($states.input.text) %}',
      },
    }),
    input: { text: '{"a":[1,{"b":null}]}' },
    expected: ok({
      partition: [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      range: [0, 2, 4, 6, 8, 10],
      down: [5, 3, 1],
      hash: 'aaff4a450a104cd177d28d18d74485e8cae074b7',
      parsed: { a: [1, { b: null }] },
    }),
  },
  {
    name: '$random and $uuid',
    definition: jsonata({
      Type: 'Pass',
      Output: {
        inRange: '{% $random() >= 0 and $random() < 1 %}',
        seeded: '{% $random(7) = $random(7) %}',
        uuid: '{% $uuid() %}',
      },
    }),
    expected: ok({
      inRange: true,
      seeded: true,
      uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) as unknown,
    }),
  },
  {
    name: 'a JSONata state inside a JSONPath machine',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Parameters: { 'v.$': '$.v' }, Next: 'B' },
        B: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input.v & "!" %}', End: true },
      },
    },
    input: { v: 'hi' },
    expected: ok('hi!'),
  },
];

describe('JSONata', () => conform(cases));
