import { createHash } from 'node:crypto';
import { evaluateJsonata, QueryEvaluationError } from '../../../local/stepfunctions/engine/jsonata';
import { hash, partition, range, RANGE_LIMIT } from '../../../local/stepfunctions/engine/jsonata-functions';
import type { Json } from '../../../local/stepfunctions/engine/types';

const bindings = (input: Json = {}) => ({ states: { input, context: {} }, variables: {} });
const run = (expression: string, input: Json = {}) => evaluateJsonata(`{% ${expression} %}`, bindings(input), 'Output');
const causeOf = async (expression: string): Promise<string> => {
  try {
    await run(expression);
  } catch (error) {
    if (error instanceof QueryEvaluationError) return error.cause;
    throw error;
  }
  throw new Error('expected a failure');
};

describe('$partition', () => {
  it('splits as the developer guide shows', async () => {
    expect(await run('$partition([1,2,3,4,5,6,7,8,9], 3)')).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(await run('$partition([1,2,3,4,5,6,7,8,9], 4)')).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it('matches AWS-recorded answers for small arrays', async () => {
    expect(await run('$partition([0], 1)')).toEqual([[0]]);
    expect(await run('$partition([0], 5)')).toEqual([[0]]);
    expect(await run('$partition([0, 1], 1)')).toEqual([[0], [1]]);
    expect(await run('$partition([0, 1, 2, 3], 5)')).toEqual([[0, 1, 2, 3]]);
  });

  it('reads the input and truncates a fractional size', async () => {
    expect(await run('$partition($states.input.xs, 2.9)', { xs: [1, 2, 3, 4, 5] })).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('gives nothing for an empty array or a size below one', () => {
    expect(partition([], 2)).toBeUndefined();
    expect(partition([1], 0)).toBeUndefined();
    expect(partition([1], -2)).toBeUndefined();
    expect(partition([1, 2])).toEqual([[1, 2]]);
  });

  it('fails the field when it gives nothing', async () => {
    expect(await causeOf('$partition([], 2)')).toContain('returned nothing (undefined)');
  });

  it('refuses a size that is not a number', async () => {
    expect(await causeOf('$partition([1], "2")')).toContain('T0410');
  });
});

describe('$range', () => {
  it('generates as the developer guide shows', async () => {
    expect(await run('$range(0, 10, 2)')).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('matches AWS-recorded answers', async () => {
    expect(await run('$range(0, 9, 3)')).toEqual([0, 3, 6, 9]);
    expect(await run('$range(0, 10, 3)')).toEqual([0, 3, 6, 9]);
    expect(await run('$range(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(await run('$range(1, 9, 9)')).toBe(1);
  });

  it('counts down with a negative step and truncates fractions', async () => {
    expect(await run('$range(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(await run('$range(-1.7, 2, 1)')).toEqual([-1, 0, 1, 2]);
  });

  it('gives nothing without a step, with a zero step or with a step going the wrong way', () => {
    expect(range(1, 5)).toBeUndefined();
    expect(range(1, 5, 0)).toBeUndefined();
    expect(range(1, 5, -1)).toBeUndefined();
  });

  it('refuses a range past AWS memory bound', async () => {
    expect(Array.isArray(range(1, RANGE_LIMIT, 1))).toBe(true);
    expect(await causeOf(`$range(1, ${RANGE_LIMIT + 1}, 1)`)).toContain(
      'threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage',
    );
  });
});

describe('$hash', () => {
  const hex = (algorithm: string, text: string) => createHash(algorithm).update(text).digest('hex');

  it.each([
    ['MD5', 'md5'],
    ['SHA-1', 'sha1'],
    ['SHA-256', 'sha256'],
    ['SHA-384', 'sha384'],
    ['SHA-512', 'sha512'],
  ])('%s gives a hex digest', async (aws, node) => {
    expect(await run(`$hash($states.input.content, '${aws}')`, { content: 'input data' })).toBe(
      hex(node, 'input data'),
    );
  });

  it('gives the well-known SHA-256 of "hello"', () => {
    expect(hash('hello', 'SHA-256')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  });

  it('spells algorithms as AWS does, case-sensitively', async () => {
    expect(await causeOf("$hash('x', 'sha-256')")).toContain("The hash algorithm 'sha-256' is not supported");
    expect(await causeOf("$hash('x', 'SHA256')")).toContain('MD5, SHA-1, SHA-256, SHA-384, SHA-512');
  });

  it('gives nothing without an algorithm', () => {
    expect(hash('x')).toBeUndefined();
  });
});

describe('$random', () => {
  it('gives a number in [0, 1)', async () => {
    for (let i = 0; i < 20; i += 1) {
      const value = (await run('$random()')) as number;
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('gives the same number for the same seed, and another for another seed', async () => {
    const first = await run('$random($states.input.seed)', { seed: 42 });
    expect(await run('$random(42)')).toBe(first);
    expect(await run('$random(43)')).not.toBe(first);
    expect(first as number).toBeGreaterThanOrEqual(0);
    expect(first as number).toBeLessThan(1);
  });
});

describe('$uuid', () => {
  it('gives a version 4 UUID, a new one each time', async () => {
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const a = await run('$uuid()');
    const b = await run('$uuid()');
    expect(a).toMatch(v4);
    expect(b).toMatch(v4);
    expect(a).not.toBe(b);
  });
});

describe('$parse and $eval', () => {
  it('parses a JSON string', async () => {
    expect(await run('$parse($states.input.body)', { body: '{"a":[1,{"b":null}]}' })).toEqual({ a: [1, { b: null }] });
    expect(await run("$parse('42')")).toBe(42);
  });

  it('refuses text that is not JSON', async () => {
    expect(await causeOf("$parse('not valid json')")).toContain('Unable to parse the JSON string');
  });

  it('does not offer $eval', async () => {
    expect(await causeOf("$eval('1 + 1')")).toContain('T1006: Attempted to invoke a non-function');
  });

  it('keeps the JSONata 2.0.6 built-ins', async () => {
    expect(await run("$uppercase('abc')")).toBe('ABC');
    expect(await run('$count([1,2,3])')).toBe(3);
    expect(await run("$join(['a','b'], '-')")).toBe('a-b');
  });
});
