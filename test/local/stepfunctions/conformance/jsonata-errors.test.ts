import { type Case, conform, LAMBDA, single } from './harness';

// JSONata errors, after the developer guide's "Handling errors": States.QueryEvaluationError (an
// expression that returns nothing or throws, and a Catch for it), States.DataLimitExceeded.

const JSONATA = { QueryLanguage: 'JSONata' };
const ok = (output: unknown) => ({ status: 'SUCCEEDED' as const, output });
const jsonata = (state: { Type: string } & Record<string, unknown>) => single(state, JSONATA);
const PREFIX = "An error occurred while executing the state 'S' (entered at the event id #2). ";

const cases: Case[] = [
  {
    name: 'an expression that returns nothing is States.QueryEvaluationError',
    definition: jsonata({ Type: 'Pass', Output: '{% $states.input.missing %}' }),
    input: { a: 1 },
    expected: {
      status: 'FAILED',
      error: 'States.QueryEvaluationError',
      cause: `${PREFIX}The JSONata expression '$states.input.missing' specified for the field 'Output' returned nothing (undefined).`,
    },
  },
  {
    name: 'an expression that throws is States.QueryEvaluationError with JSONata’s error',
    definition: jsonata({ Type: 'Pass', Output: { v: "{% 1 + 'a' %}" } }),
    expected: {
      status: 'FAILED',
      error: 'States.QueryEvaluationError',
      cause: /^An error occurred while executing the state 'S' \(entered at the event id #2\)\. .*T2002/,
    },
  },
  {
    name: 'Catch States.QueryEvaluationError',
    definition: {
      ...JSONATA,
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Arguments: { FunctionName: 'echo', Payload: {} },
          Output: '{% $states.result.nothing %}',
          Catch: [
            { ErrorEquals: ['States.QueryEvaluationError'], Output: '{% $states.errorOutput.Error %}', Next: 'After' },
          ],
          End: true,
        },
        After: { Type: 'Succeed' },
      },
    },
    expected: ok('States.QueryEvaluationError'),
  },
  {
    name: 'an output past 256 KiB is States.DataLimitExceeded, which States.ALL does not catch',
    definition: {
      ...JSONATA,
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Big',
              States: {
                Big: {
                  Type: 'Pass',
                  Output: "{% $join($map($range(1, 30000, 1), function($v) { 'abcdefghij' })) %}",
                  End: true,
                },
              },
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    },
    expected: { status: 'FAILED', error: 'States.DataLimitExceeded' },
  },
];

describe('JSONata errors', () => conform(cases));
