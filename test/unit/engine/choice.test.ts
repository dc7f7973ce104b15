import { matchesChoiceRule, stringMatches } from '../../../local/stepfunctions/engine/choice';
import { compareTimestamps, isTimestamp } from '../../../local/stepfunctions/engine/timestamp';
import { StatesError, type Json, type JsonObject, type Scope } from '../../../local/stepfunctions/engine/types';

function thrown(fn: () => unknown): StatesError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error('expected a StatesError');
}

const input: Json = {
  type: 'Private',
  value: 25,
  rating: 60,
  auditThreshold: 50,
  name: 'log-1.txt',
  flag: true,
  nothing: null,
  when: '2016-08-18T17:33:00Z',
  later: '2016-08-18T19:33:00.5+02:00',
  other: 'Private',
};
const scope: Scope = { input, context: { Execution: { Name: 'run-1' } }, variables: { limit: 30, mode: 'fast' } };
const matches = (rule: JsonObject, on: Scope = scope): boolean => matchesChoiceRule(rule, on);

describe('string operators', () => {
  test('equality and ordering', () => {
    expect(matches({ Variable: '$.type', StringEquals: 'Private' })).toBe(true);
    expect(matches({ Variable: '$.type', StringEquals: 'Public' })).toBe(false);
    expect(matches({ Variable: '$.type', StringLessThan: 'Q' })).toBe(true);
    expect(matches({ Variable: '$.type', StringGreaterThan: 'Q' })).toBe(false);
    expect(matches({ Variable: '$.type', StringLessThanEquals: 'Private' })).toBe(true);
    expect(matches({ Variable: '$.type', StringGreaterThanEquals: 'Privatf' })).toBe(false);
  });
  test('…Path variants compare with another path', () => {
    expect(matches({ Variable: '$.type', StringEqualsPath: '$.other' })).toBe(true);
    // Code-unit order, as Java's compareTo: 'P' (0x50) sorts before 'l' (0x6c).
    expect(matches({ Variable: '$.type', StringLessThanPath: '$.name' })).toBe(true);
    expect(matches({ Variable: '$.type', StringGreaterThanPath: '$.name' })).toBe(false);
    expect(matches({ Variable: '$.type', StringGreaterThanEqualsPath: '$.other' })).toBe(true);
    expect(matches({ Variable: '$.type', StringLessThanEqualsPath: '$.other' })).toBe(true);
    expect(matches({ Variable: '$mode', StringEqualsPath: '$$.Execution.Name' })).toBe(false);
  });
  test('a type mismatch is false', () => {
    expect(matches({ Variable: '$.value', StringEquals: '25' })).toBe(false);
    expect(matches({ Variable: '$.type', StringEqualsPath: '$.value' })).toBe(false);
  });
  test('StringMatches with * and escaped \\*', () => {
    expect(matches({ Variable: '$.name', StringMatches: 'log-*.txt' })).toBe(true);
    expect(matches({ Variable: '$.name', StringMatches: 'log-\\*.txt' })).toBe(false);
    expect(stringMatches('log-*.txt', 'log-\\*.txt')).toBe(true);
    expect(stringMatches('foo23.log', '*.log')).toBe(true);
    expect(stringMatches('zebra.log', 'foo*.*')).toBe(false);
    expect(stringMatches('a.b', 'a?b')).toBe(false);
    expect(stringMatches('back\\slash', 'back\\\\slash')).toBe(true);
    expect(matches({ Variable: '$.value', StringMatches: '*' })).toBe(false);
  });
});

describe('numeric, boolean and timestamp operators', () => {
  test('numeric comparisons (AWS range example with And)', () => {
    const inRange: JsonObject = {
      And: [
        { Variable: '$.value', NumericGreaterThanEquals: 20 },
        { Variable: '$.value', NumericLessThan: 30 },
      ],
    };
    expect(matches(inRange)).toBe(true);
    expect(matches(inRange, { ...scope, input: { value: 30 } })).toBe(false);
    expect(matches({ Variable: '$.value', NumericEquals: 25 })).toBe(true);
    expect(matches({ Variable: '$.value', NumericEquals: 25.0001 })).toBe(false);
    expect(matches({ Variable: '$.value', NumericGreaterThan: 25 })).toBe(false);
    expect(matches({ Variable: '$.value', NumericLessThanEquals: 25 })).toBe(true);
    expect(matches({ Variable: '$.type', NumericEquals: 0 })).toBe(false);
  });
  test('numeric …Path, with a variable (AWS rating example)', () => {
    expect(matches({ Variable: '$.rating', NumericGreaterThanPath: '$.auditThreshold' })).toBe(true);
    expect(matches({ Variable: '$.value', NumericLessThanPath: '$limit' })).toBe(true);
    expect(matches({ Variable: '$limit', NumericEqualsPath: '$.value' })).toBe(false);
    expect(matches({ Variable: '$.rating', NumericGreaterThanEqualsPath: '$.rating' })).toBe(true);
    expect(matches({ Variable: '$.rating', NumericLessThanEqualsPath: '$.auditThreshold' })).toBe(false);
  });
  test('BooleanEquals and BooleanEqualsPath', () => {
    expect(matches({ Variable: '$.flag', BooleanEquals: true })).toBe(true);
    expect(matches({ Variable: '$.flag', BooleanEquals: false })).toBe(false);
    expect(matches({ Variable: '$.type', BooleanEquals: true })).toBe(false);
    expect(matches({ Variable: '$.flag', BooleanEqualsPath: '$.flag' })).toBe(true);
  });
  test('timestamps compare as instants (AWS example)', () => {
    expect(matches({ Variable: '$.when', TimestampEquals: '2016-08-18T17:33:00Z' })).toBe(true);
    expect(matches({ Variable: '$.when', TimestampGreaterThan: '2016-08-18T17:32:59.999Z' })).toBe(true);
    expect(matches({ Variable: '$.when', TimestampLessThan: '2016-08-18T17:33:00Z' })).toBe(false);
    expect(matches({ Variable: '$.when', TimestampLessThanEquals: '2016-08-18T19:33:00+02:00' })).toBe(true);
    expect(matches({ Variable: '$.later', TimestampGreaterThanPath: '$.when' })).toBe(true);
    expect(matches({ Variable: '$.later', TimestampGreaterThanEquals: '2016-08-18T17:33:00.50Z' })).toBe(true);
    expect(matches({ Variable: '$.when', TimestampEqualsPath: '$.later' })).toBe(false);
    expect(matches({ Variable: '$.type', TimestampEquals: '2016-08-18T17:33:00Z' })).toBe(false);
  });
  test('what AWS accepts as a timestamp', () => {
    expect(isTimestamp('2016-08-18T17:33:00Z')).toBe(true);
    expect(isTimestamp('2016-08-18T17:33:00.123456789-07:00')).toBe(true);
    expect(isTimestamp('2016-08-18t17:33:00Z')).toBe(false);
    expect(isTimestamp('2016-08-18 17:33:00Z')).toBe(false);
    expect(isTimestamp('2016-08-18T17:33:00')).toBe(false);
    expect(isTimestamp('2016-02-30T00:00:00Z')).toBe(false);
    expect(isTimestamp('2016-08-18')).toBe(false);
    expect(compareTimestamps('2020-01-01T00:00:00.000000001Z', '2020-01-01T00:00:00Z')).toBe(1);
  });
});

describe('type tests', () => {
  test('IsNull, IsNumeric, IsString, IsBoolean, IsTimestamp', () => {
    expect(matches({ Variable: '$.nothing', IsNull: true })).toBe(true);
    expect(matches({ Variable: '$.value', IsNull: true })).toBe(false);
    expect(matches({ Variable: '$.value', IsNumeric: true })).toBe(true);
    expect(matches({ Variable: '$.type', IsNumeric: false })).toBe(true);
    expect(matches({ Variable: '$.type', IsString: true })).toBe(true);
    expect(matches({ Variable: '$.flag', IsBoolean: true })).toBe(true);
    expect(matches({ Variable: '$.when', IsTimestamp: true })).toBe(true);
    expect(matches({ Variable: '$.type', IsTimestamp: true })).toBe(false);
  });
  test('IsPresent tolerates a missing path; AWS IsPresent and IsNumeric example', () => {
    expect(matches({ Variable: '$.missing', IsPresent: false })).toBe(true);
    expect(matches({ Variable: '$.missing', IsPresent: true })).toBe(false);
    expect(matches({ Variable: '$.nothing', IsPresent: true })).toBe(true);
    expect(matches({ Variable: '$undefinedVar', IsPresent: false })).toBe(true);
    const rule: JsonObject = {
      And: [
        { Variable: '$.value', IsPresent: true },
        { Variable: '$.value', IsNumeric: true },
      ],
    };
    expect(matches(rule)).toBe(true);
    expect(matches(rule, { ...scope, input: {} })).toBe(false);
  });
});

describe('boolean combinations and errors', () => {
  test('Not and Or (AWS example)', () => {
    expect(matches({ Not: { Variable: '$.type', StringEquals: 'Private' } })).toBe(false);
    expect(
      matches({
        Or: [
          { Variable: '$.value', NumericEquals: 1 },
          { Variable: '$.flag', BooleanEquals: true },
        ],
      }),
    ).toBe(true);
    expect(
      matches({
        Or: [
          { Variable: '$.value', NumericEquals: 1 },
          { Variable: '$.flag', BooleanEquals: false },
        ],
      }),
    ).toBe(false);
  });
  test('a missing Variable path is States.Runtime in AWS wording', () => {
    const error = thrown(() => matches({ Variable: '$.x', NumericEquals: 1 }));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe("Invalid path '$.x': The choice state's condition path references an invalid value.");
    expect(thrown(() => matches({ Variable: '$.x', IsNull: true })).error).toBe('States.Runtime');
    expect(thrown(() => matches({ Variable: '$nope', StringEquals: 'a' })).cause).toBe(
      "Invalid path '$nope': The choice state's condition path references an invalid value.",
    );
  });
  test('a missing …Path operand is States.Runtime naming it', () => {
    expect(thrown(() => matches({ Variable: '$.value', NumericEqualsPath: '$.right' })).cause).toBe(
      "Invalid path '$.right': The choice state's condition path references an invalid value.",
    );
  });
  test('a malformed rule is States.Runtime', () => {
    expect(thrown(() => matches({ Variable: '$.value' })).error).toBe('States.Runtime');
    expect(thrown(() => matches({ Variable: '$.value', NumericEquals: 1, NumericLessThan: 2 })).error).toBe(
      'States.Runtime',
    );
    expect(thrown(() => matches({ And: [] })).error).toBe('States.Runtime');
  });
});
