import { isIndefinite, lookupPath, pathTarget, queryPath } from '../../../local/stepfunctions/engine/jsonpath';
import { StatesError, type Json, type Scope } from '../../../local/stepfunctions/engine/types';

/** The error `fn` throws, for asserting its name and cause. */
function thrown(fn: () => unknown): StatesError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error('expected a StatesError');
}

// AWS's "Reference paths" example input.
const input: Json = { foo: 123, bar: ['a', 'b', 'c'], car: { cdr: true } };
const context: Json = {
  Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName', Input: { a: 1 } },
  State: { Name: 'Pass', RetryCount: 0 },
  Map: { Item: { Index: 2, Value: { id: 'i-3' } } },
};
const scope: Scope = {
  input,
  context,
  variables: {
    productName: 'Widget',
    order: {
      items: [
        { sku: 'a', qty: 2 },
        { sku: 'b', qty: 5 },
      ],
    },
    nothing: null,
  },
};

describe('queryPath: the input', () => {
  test('AWS reference path examples select single values', () => {
    expect(queryPath('$.foo', scope, 'InputPath')).toBe(123);
    expect(queryPath('$.bar', scope, 'InputPath')).toEqual(['a', 'b', 'c']);
    expect(queryPath('$.car.cdr', scope, 'InputPath')).toBe(true);
    expect(queryPath('$', scope, 'InputPath')).toEqual(input);
  });

  test('indexes and bracket notation are definite', () => {
    expect(queryPath('$.bar[0]', scope, 'x.$')).toBe('a');
    expect(queryPath("$['car']['cdr']", scope, 'x.$')).toBe(true);
    expect(queryPath('$.bar[-1]', scope, 'x.$')).toBe('c');
    expect(queryPath("$['a b']", { ...scope, input: { 'a b': 7 } }, 'x.$')).toBe(7);
  });

  test('indefinite paths return the array of matches', () => {
    expect(queryPath('$.bar[1:]', scope, 'x.$')).toEqual(['b', 'c']);
    expect(queryPath('$.bar[*]', scope, 'x.$')).toEqual(['a', 'b', 'c']);
    expect(queryPath('$.bar[0,2]', scope, 'x.$')).toEqual(['a', 'c']);
    const items: Json = { items: [{ price: 5 }, { price: 15 }, { price: 25, tag: { price: 1 } }] };
    expect(queryPath('$.items[?(@.price > 10)].price', { ...scope, input: items }, 'x.$')).toEqual([15, 25]);
    expect(queryPath('$..price', { ...scope, input: items }, 'x.$')).toEqual([5, 15, 25, 1]);
    // One match is still an array; no match is an empty one.
    expect(queryPath('$.items[?(@.price > 20)].price', { ...scope, input: items }, 'x.$')).toEqual([25]);
    expect(queryPath('$.items[?(@.price > 99)]', { ...scope, input: items }, 'x.$')).toEqual([]);
  });

  test('null is a value that is found', () => {
    expect(queryPath('$.a', { ...scope, input: { a: null } }, 'x.$')).toBeNull();
  });

  test('a definite path that selects nothing is States.Runtime in AWS wording', () => {
    const error = thrown(() => queryPath('$.missing', { ...scope, input: { a: 1 } }, 'InputPath'));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe("Invalid path '$.missing' : No results for path: $['missing']");
    expect(thrown(() => queryPath('$.bar[5]', scope, 'x.$')).error).toBe('States.Runtime');
    expect(thrown(() => queryPath('$.foo.deeper', scope, 'x.$')).error).toBe('States.Runtime');
  });

  test('JavaScript properties are not JSON members', () => {
    expect(thrown(() => queryPath('$.bar.length', scope, 'x.$')).error).toBe('States.Runtime');
    expect(thrown(() => queryPath('$.car.constructor', scope, 'x.$')).error).toBe('States.Runtime');
  });
});

describe('queryPath: the context object and variables', () => {
  test('$$ reads the context object', () => {
    expect(queryPath('$$.Execution.Id', scope, 'Execution.$')).toBe(
      'arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName',
    );
    expect(queryPath('$$.Map.Item.Value', scope, 'item.$')).toEqual({ id: 'i-3' });
    expect(queryPath('$$.State.RetryCount', scope, 'n.$')).toBe(0);
    expect(queryPath('$$', scope, 'all.$')).toEqual(context);
  });

  test('a missing context path names the context in the cause', () => {
    const error = thrown(() => queryPath('$$.Task.Token', { ...scope, context: { a: 1 } }, 'token.$'));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(
      "The JSONPath '$$.Task.Token' specified for the field 'token.$' could not be found in the input '{\"a\":1}'",
    );
  });

  test('$name reads a workflow variable, with a path into it', () => {
    expect(queryPath('$productName', scope, 'name.$')).toBe('Widget');
    expect(queryPath('$order.items[1].qty', scope, 'qty.$')).toBe(5);
    expect(queryPath('$order.items[*].sku', scope, 'skus.$')).toEqual(['a', 'b']);
    expect(queryPath('$nothing', scope, 'n.$')).toBeNull();
  });

  test('an undefined variable is States.Runtime naming it', () => {
    const error = thrown(() => queryPath('$missingVar.a', scope, 'x.$'));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(
      "The JSONPath '$missingVar.a' specified for the field 'x.$' references the variable 'missingVar', which is not defined",
    );
  });

  test('pathTarget tells input, context and variables apart', () => {
    expect(pathTarget('$')).toEqual({ source: 'input', path: '$' });
    expect(pathTarget('$[0]')).toEqual({ source: 'input', path: '$[0]' });
    expect(pathTarget('$$.Execution')).toEqual({ source: 'context', path: '$.Execution' });
    expect(pathTarget('$x_1.y')).toEqual({ source: 'variable', name: 'x_1', path: '$.y' });
    expect(thrown(() => pathTarget('foo')).error).toBe('States.Runtime');
  });

  test('isIndefinite and lookupPath', () => {
    expect(isIndefinite('$.a.b[0]')).toBe(false);
    expect(isIndefinite('$.a[*]')).toBe(true);
    expect(isIndefinite('$..a')).toBe(true);
    expect(isIndefinite('$.a[1:2]')).toBe(true);
    expect(lookupPath('$.nope', scope)).toEqual({ found: false });
    expect(lookupPath('$undefinedVar', scope)).toEqual({ found: false });
    expect(lookupPath('$.foo', scope)).toEqual({ found: true, value: 123 });
  });
});
