import { type Case, conform, LAMBDA } from './harness';

// Workflow variables, after the developer guide's "Passing data between states with variables": Assign
// in JSONPath and JSONata, a later state reading them, and their scope in Map and Parallel (an inner
// state reads the outer variables; what it assigns stays inside).

const ok = (output: unknown) => ({ status: 'SUCCEEDED' as const, output });
const JSONATA = { QueryLanguage: 'JSONata' };
const INLINE = { ProcessorConfig: { Mode: 'INLINE' } };

const cases: Case[] = [
  {
    name: 'JSONPath Assign from the input and static values, read with $name in Parameters and Choice',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { 'product.$': '$.product', 'price.$': '$.price', currency: 'EUR' }, Next: 'C' },
        C: {
          Type: 'Choice',
          Choices: [{ Variable: '$price', NumericGreaterThan: 10, Next: 'Out' }],
          Default: 'Cheap',
        },
        Cheap: { Type: 'Fail', Error: 'Cheap' },
        Out: {
          Type: 'Pass',
          Parameters: {
            'name.$': '$product.name',
            'cur.$': '$currency',
            'line.$': "States.Format('{} {}', $price, $currency)",
          },
          End: true,
        },
      },
    },
    input: { product: { name: 'pen' }, price: 12 },
    expected: ok({ name: 'pen', cur: 'EUR', line: '12 EUR' }),
  },
  {
    name: 'JSONPath Assign on a Task reads the result; ResultPath and OutputPath do not change it',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Parameters: { FunctionName: 'echo', Payload: { v: 7 } },
          ResultSelector: { 'v.$': '$.Payload.v' },
          Assign: { 'got.$': '$.v', 'input.$': '$$.Execution.Input.a' },
          ResultPath: null,
          Next: 'Out',
        },
        Out: { Type: 'Pass', Parameters: { 'got.$': '$got', 'input.$': '$input', 'kept.$': '$' }, End: true },
      },
    },
    input: { a: 1 },
    expected: ok({ got: 7, input: 1, kept: { a: 1 } }),
  },
  {
    name: 'JSONPath Assign on a Catch reads the error output',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Parameters: { FunctionName: 'error:Boom' },
          Catch: [{ ErrorEquals: ['States.ALL'], Assign: { 'err.$': '$.Error' }, ResultPath: null, Next: 'Out' }],
          End: true,
        },
        Out: { Type: 'Pass', Parameters: { 'err.$': '$err' }, End: true },
      },
    },
    expected: ok({ err: 'Boom' }),
  },
  {
    name: 'JSONPath: a state’s Assign and its Parameters see the old value',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'seen.$': '$x' }, Assign: { x: 2, 'old.$': '$x' }, Next: 'C' },
        C: { Type: 'Pass', Parameters: { 'seen.$': '$.seen', 'x.$': '$x', 'old.$': '$old' }, End: true },
      },
    },
    expected: ok({ seen: 1, x: 2, old: 1 }),
  },
  {
    name: 'a variable that is not defined is States.Runtime',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'y.$': '$y' }, End: true },
      },
    },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause: /^An error occurred while executing the state 'B' \(entered at the event id #4\)\. .*'\$y'/,
    },
  },
  {
    name: 'a variable past 256 KiB is States.Runtime, naming the state and the event it entered at',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Next: 'B' },
        B: {
          Type: 'Pass',
          Assign: { big: "{% $join($map($range(1, 30000, 1), function($v) { 'abcdefghij' })) %}" },
          End: true,
        },
      },
    },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        /^An error occurred while executing the state 'B' \(entered at the event id #4\)\. The value assigned to the variable 'big'/,
    },
  },
  {
    name: 'JSONata: a Map’s items read the outer variables; what they assign stays inside the iteration',
    definition: {
      ...JSONATA,
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { rate: 2, label: 'outer' }, Next: 'M' },
        M: {
          Type: 'Map',
          Items: '{% $states.input.items %}',
          ItemSelector: {
            value: '{% $states.context.Map.Item.Value %}',
            index: '{% $states.context.Map.Item.Index %}',
          },
          ItemProcessor: {
            ...INLINE,
            StartAt: 'Inner',
            States: {
              Inner: {
                Type: 'Pass',
                Assign: { label: 'inner', doubled: '{% $states.input.value * $rate %}' },
                Next: 'Read',
              },
              Read: {
                Type: 'Pass',
                Output: { v: '{% $doubled %}', i: '{% $states.input.index %}', label: '{% $label %}' },
                End: true,
              },
            },
          },
          Next: 'After',
        },
        After: { Type: 'Pass', Output: { items: '{% $states.input %}', label: '{% $label %}' }, End: true },
      },
    },
    input: { items: [1, 2] },
    expected: ok({
      items: [
        { v: 2, i: 0, label: 'inner' },
        { v: 4, i: 1, label: 'inner' },
      ],
      label: 'outer',
    }),
  },
  {
    name: 'JSONata: Map Items as a literal array and Output from $states.result',
    definition: {
      ...JSONATA,
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: [3, 4],
          ItemProcessor: {
            ...INLINE,
            StartAt: 'P',
            States: { P: { Type: 'Pass', Output: '{% $states.input * 10 %}', End: true } },
          },
          Output: { sum: '{% $sum($states.result) %}' },
          End: true,
        },
      },
    },
    expected: ok({ sum: 70 }),
  },
  {
    name: 'JSONata: Map Items that are not an array is States.QueryEvaluationError',
    definition: {
      ...JSONATA,
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% $states.input.notArray %}',
          ItemProcessor: { ...INLINE, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    },
    input: { notArray: { a: 1 } },
    expected: { status: 'FAILED', error: 'States.QueryEvaluationError' },
  },
  {
    name: 'JSONata: Parallel branches read the outer variables, Arguments are each branch’s input, and assign apart',
    definition: {
      ...JSONATA,
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { base: 10 }, Next: 'P' },
        P: {
          Type: 'Parallel',
          Arguments: { n: '{% $states.input.n %}' },
          Branches: [
            {
              StartAt: 'A',
              States: {
                A: { Type: 'Pass', Assign: { mine: 'a' }, Next: 'A2' },
                A2: { Type: 'Pass', Output: '{% $base + $states.input.n & $mine %}', End: true },
              },
            },
            { StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $base - $states.input.n %}', End: true } } },
          ],
          Assign: { results: '{% $states.result %}' },
          Output: '{% $states.input %}',
          Next: 'After',
        },
        After: { Type: 'Pass', Output: { results: '{% $results %}', input: '{% $states.input %}' }, End: true },
      },
    },
    input: { n: 1 },
    expected: ok({ results: ['11a', 9], input: { n: 1 } }),
  },
  {
    name: 'JSONPath: an outer variable in an ItemSelector and inside the iteration',
    definition: {
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { 'tag.$': '$.tag' }, Next: 'M' },
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'item.$': '$$.Map.Item.Value', 'tag.$': '$tag' },
          ItemProcessor: {
            ...INLINE,
            StartAt: 'P',
            States: {
              P: {
                Type: 'Pass',
                Parameters: { 'v.$': "States.Format('{}-{}', $.tag, $.item)", 'again.$': '$tag' },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    },
    input: { tag: 't', items: ['a', 'b'] },
    expected: ok([
      { v: 't-a', again: 't' },
      { v: 't-b', again: 't' },
    ]),
  },
];

describe('Variables', () => conform(cases));
