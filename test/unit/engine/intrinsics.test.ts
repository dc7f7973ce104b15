import { evaluateIntrinsic, isIntrinsic } from '../../../local/stepfunctions/engine/intrinsics';
import { parseIntrinsic } from '../../../local/stepfunctions/engine/intrinsics-parser';
import { StatesError, type Json, type Scope } from '../../../local/stepfunctions/engine/types';

function thrown(fn: () => unknown): StatesError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error('expected a StatesError');
}

function on(input: Json, variables: Record<string, Json> = {}): Scope {
  return { input, context: { Execution: { Id: 'exec-1', Name: 'run' } }, variables };
}

const run = (expression: string, input: Json = {}, variables: Record<string, Json> = {}): Json =>
  evaluateIntrinsic(expression, on(input, variables));

const failure = (expression: string, input: Json = {}): string => {
  const error = thrown(() => run(expression, input));
  expect(error.error).toBe('States.IntrinsicFailure');
  return error.cause;
};

describe('parsing', () => {
  test('isIntrinsic recognises calls only', () => {
    expect(isIntrinsic('States.Array($.Id)')).toBe(true);
    expect(isIntrinsic('States.UUID()')).toBe(true);
    expect(isIntrinsic('$.States.Array')).toBe(false);
    expect(isIntrinsic('States.Array')).toBe(false);
  });

  test('arguments of every kind', () => {
    expect(parseIntrinsic("States.Array('a', 1, -2.5, true, false, null, $.x, $$.y, $v, States.UUID())")).toEqual({
      kind: 'call',
      name: 'States.Array',
      args: [
        { kind: 'literal', value: 'a', raw: 'a' },
        { kind: 'literal', value: 1 },
        { kind: 'literal', value: -2.5 },
        { kind: 'literal', value: true },
        { kind: 'literal', value: false },
        { kind: 'literal', value: null },
        { kind: 'path', path: '$.x' },
        { kind: 'path', path: '$$.y' },
        { kind: 'path', path: '$v' },
        { kind: 'call', name: 'States.UUID', args: [] },
      ],
    });
  });

  test('paths with brackets, filters and quotes end at the right comma', () => {
    const input = {
      a: [
        { n: 'x, y', v: 1 },
        { n: 'z', v: 2 },
      ],
    };
    expect(run("States.Array($.a[?(@.n == 'x, y')].v, $['a'][1].v)", input)).toEqual([[1], 2]);
  });

  test('escapes in string literals', () => {
    expect(run("States.Array('it\\'s', 'a\\\\b', '\\{\\}')")).toEqual(["it's", 'a\\b', '{}']);
  });

  test('syntax errors are States.IntrinsicFailure', () => {
    expect(failure("States.Array('open")).toContain('unterminated string literal');
    expect(failure('States.Array(1 2)')).toContain("expected ',' or ')'");
    expect(failure('States.Array(1))')).toContain("unexpected ')'");
    expect(failure('States.Array(bogus)')).toContain("unexpected 'b'");
    expect(failure('States.Nope(1)')).toBe('States.Nope: no such intrinsic function');
  });

  test('at most 10 nested functions', () => {
    const nest = (depth: number): string => (depth === 0 ? '1' : `States.Array(${nest(depth - 1)})`);
    expect(run(nest(10))).toEqual([[[[[[[[[[1]]]]]]]]]]);
    expect(failure(nest(11))).toContain('more than 10 nested intrinsic functions');
  });

  test('a path argument that selects nothing is States.Runtime', () => {
    const error = thrown(() => run('States.Array($.missing)', { a: 1 }));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(
      "The function 'States.Array($.missing)' had the following error: The JsonPath argument for the field '$.missing' could not be found in the input '{\"a\":1}'",
    );
  });
});

describe('States.Format', () => {
  const input = { name: 'Arnav', template: 'Hello, my name is {}.' };
  test('AWS examples', () => {
    expect(run("States.Format('Hello, my name is {}.', $.name)", input)).toBe('Hello, my name is Arnav.');
    expect(run('States.Format($.template, $.name)', input)).toBe('Hello, my name is Arnav.');
  });
  test('values of every type, context and variables', () => {
    expect(run("States.Format('{}-{}-{}-{}', 1.5, true, null, $$.Execution.Id)")).toBe('1.5-true-null-exec-1');
    expect(run("States.Format('{} {}', $v, $o)", {}, { v: 'var', o: { a: [1] } })).toBe('var {"a":[1]}');
  });
  test('escaped braces are no placeholders', () => {
    expect(run("States.Format('\\{\\} {}', 'x')")).toBe('{} x');
  });
  test('placeholder count must match', () => {
    expect(failure("States.Format('{} {}', 'a')")).toBe(
      "States.Format: the template has 2 placeholder(s) '{}' but 1 value(s) follow it",
    );
    expect(failure('States.Format(1)')).toContain('must be a string');
  });
  test('AWS nested example splits an ARN', () => {
    const arn = { ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my.recipe/1.0.0' } };
    const part = (i: number) =>
      `States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), ${i})`;
    expect(run(`States.Format('{}.{}', ${part(0)}, ${part(1)})`, arn)).toBe('1.0');
  });
});

describe('JSON functions', () => {
  test('StringToJson and JsonToString (AWS examples)', () => {
    expect(run('States.StringToJson($.escapedJsonString)', { escapedJsonString: '{"foo": "bar"}' })).toEqual({
      foo: 'bar',
    });
    expect(run('States.JsonToString($.unescapedJson)', { unescapedJson: { foo: 'bar' } })).toBe('{"foo":"bar"}');
    expect(failure("States.StringToJson('{nope')")).toContain('not JSON text');
    expect(failure('States.StringToJson(1)')).toContain('must be a string');
    expect(failure('States.JsonToString(1, 2)')).toBe('States.JsonToString: expects 1 argument(s), got 2');
  });

  test('JsonMerge is shallow (AWS example)', () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };
    expect(run('States.JsonMerge($.json1, $.json2, false)', input)).toEqual({ a: { a3: 1, a4: 2 }, b: 2, c: 3 });
    expect(failure('States.JsonMerge($.json1, $.json2, true)', input)).toContain('the third argument must be false');
    expect(failure('States.JsonMerge($.json1, 1, false)', input)).toContain('must be a JSON object');
    expect(failure('States.JsonMerge($.json1, $.json2)', input)).toContain('expects 3 argument(s), got 2');
  });
});

describe('array functions', () => {
  const nine = { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] };
  test('Array (AWS example)', () => {
    expect(run('States.Array($.Id)', { Id: 123456 })).toEqual([123456]);
    expect(run('States.Array()')).toEqual([]);
  });
  test('ArrayPartition (AWS example)', () => {
    expect(run('States.ArrayPartition($.inputArray, 4)', { inputArray: [1, 2, 3, 4, 5, 6, 7] })).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7],
    ]);
    expect(failure('States.ArrayPartition($.inputArray, 0)', nine)).toContain('positive integer');
    expect(failure("States.ArrayPartition('x', 2)")).toContain('must be an array');
  });
  test('ArrayContains (AWS example) compares JSON values', () => {
    expect(run('States.ArrayContains($.inputArray, $.lookingFor)', { ...nine, lookingFor: 5 })).toBe(true);
    expect(run('States.ArrayContains($.inputArray, 10)', nine)).toBe(false);
    expect(run('States.ArrayContains($.a, $.b)', { a: [{ x: 1, y: 2 }], b: { y: 2, x: 1 } })).toBe(true);
  });
  test('ArrayRange (AWS example) and its limits', () => {
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(run('States.ArrayRange(10, 0, -5)')).toEqual([10, 5, 0]);
    expect(run('States.ArrayRange(5, 1, 1)')).toEqual([]);
    expect((run('States.ArrayRange(1, 1000, 1)') as number[]).length).toBe(1000);
    expect(failure('States.ArrayRange(0, 1000, 1)')).toBe(
      'States.ArrayRange: the array would have 1001 items, more than 1000',
    );
    expect(failure('States.ArrayRange(1, 9, 0)')).toContain('must not be 0');
    expect(failure('States.ArrayRange(1.5, 9, 1)')).toContain('must be an integer');
  });
  test('ArrayGetItem (AWS example)', () => {
    expect(run('States.ArrayGetItem($.inputArray, $.index)', { ...nine, index: 5 })).toBe(6);
    expect(failure('States.ArrayGetItem($.inputArray, 9)', nine)).toContain('out of bounds');
    expect(failure('States.ArrayGetItem($.inputArray, -1)', nine)).toContain('out of bounds');
  });
  test('ArrayLength and ArrayUnique (AWS examples)', () => {
    expect(run('States.ArrayLength($.inputArray)', nine)).toBe(9);
    expect(run('States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] })).toEqual([1, 2, 3, 4]);
    expect(run('States.ArrayUnique($.a)', { a: [{ k: 1 }, { k: 1 }, 'x', 'x'] })).toEqual([{ k: 1 }, 'x']);
    expect(failure('States.ArrayLength($)', { a: 1 })).toContain('must be an array');
  });
});

describe('encoding, hashing, strings, math and ids', () => {
  test('Base64Encode and Base64Decode (AWS examples)', () => {
    expect(run('States.Base64Encode($.input)', { input: 'Data to encode' })).toBe('RGF0YSB0byBlbmNvZGU=');
    expect(run('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' })).toBe('Data to encode');
    expect(run("States.Base64Decode(States.Base64Encode('héllo ✓'))")).toBe('héllo ✓');
    expect(failure("States.Base64Decode('not base64!')")).toContain('not Base64');
    expect(failure('States.Base64Encode($.s)', { s: 'x'.repeat(10_001) })).toContain('at most 10000 characters');
  });

  test('Hash with each algorithm (AWS example for SHA-1)', () => {
    expect(run('States.Hash($.Data, $.Algorithm)', { Data: 'input data', Algorithm: 'SHA-1' })).toBe(
      'aaff4a450a104cd177d28d18d74485e8cae074b7',
    );
    expect(run("States.Hash('abc', 'MD5')")).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(run("States.Hash('abc', 'SHA-256')")).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect((run("States.Hash('abc', 'SHA-384')") as string).length).toBe(96);
    expect((run("States.Hash('abc', 'SHA-512')") as string).slice(0, 16)).toBe('ddaf35a193617aba');
    expect(failure("States.Hash('abc', 'SHA-3')")).toContain('must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512');
  });

  test('StringSplit (AWS examples)', () => {
    expect(run('States.StringSplit($.inputString, $.splitter)', { inputString: '1,2,3,4,5', splitter: ',' })).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(
      run('States.StringSplit($.inputString, $.splitter)', { inputString: 'This.is+a,test=string', splitter: '.+,=' }),
    ).toEqual(['This', 'is', 'a', 'test', 'string']);
    expect(failure('States.StringSplit(1, 2)')).toContain('must be a string');
  });

  test('MathAdd (AWS example) rounds non-integers', () => {
    expect(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 })).toBe(110);
    expect(run('States.MathAdd(1.5, 1)')).toBe(3);
    expect(run('States.MathAdd(-2.5, 0)')).toBe(-2);
    expect(failure("States.MathAdd('1', 1)")).toContain('must be a number');
  });

  test('MathRandom: start inclusive, end exclusive, seeded is repeatable', () => {
    for (let i = 0; i < 50; i += 1) {
      const value = run('States.MathRandom($.start, $.end)', { start: 1, end: 3 }) as number;
      expect([1, 2]).toContain(value);
    }
    expect(run('States.MathRandom(1, 999, 1234)')).toBe(run('States.MathRandom(1, 999, 1234)'));
    expect(run('States.MathRandom(5, 6, 7)')).toBe(5);
    expect(failure('States.MathRandom(5, 5)')).toContain('must be greater than the start');
    expect(failure('States.MathRandom(1)')).toBe('States.MathRandom: expects 2 to 3 argument(s), got 1');
  });

  test('UUID is a fresh v4 id', () => {
    const id = run('States.UUID()') as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(run('States.UUID()')).not.toBe(id);
    expect(failure("States.UUID('x')")).toBe('States.UUID: expects 0 argument(s), got 1');
  });
});
