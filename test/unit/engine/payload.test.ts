import {
  applyInputPath,
  applyOutputPath,
  applyParameters,
  applyResultPath,
  jsonPathInput,
  jsonPathOutput,
} from '../../../local/stepfunctions/engine/payload';
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

const context: Json = { Execution: { Id: 'exec-1' }, Map: { Item: { Index: 0, Value: { sku: 'a' } } } };
const on = (input: Json, variables: Record<string, Json> = {}): Scope => ({ input, context, variables });

describe('InputPath', () => {
  // AWS's "InputPath" example.
  const input = {
    comment: 'Example for InputPath.',
    dataset1: { val1: 1, val2: 2, val3: 3 },
    dataset2: { val1: 'a', val2: 'b', val3: 'c' },
  };
  test('selects, keeps, or empties the input', () => {
    expect(applyInputPath({ InputPath: '$.dataset2' }, on(input))).toEqual({ val1: 'a', val2: 'b', val3: 'c' });
    expect(applyInputPath({}, on(input))).toEqual(input);
    expect(applyInputPath({ InputPath: '$' }, on(input))).toEqual(input);
    expect(applyInputPath({ InputPath: null }, on(input))).toEqual({});
  });
  test('a missing path is States.Runtime', () => {
    const error = thrown(() => applyInputPath({ InputPath: '$.missing' }, on({ a: 1 })));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe("Invalid path '$.missing' : No results for path: $['missing']");
  });
});

describe('payload templates', () => {
  // AWS's "Parameters" example.
  const input = {
    comment: 'Example for Parameters.',
    product: { details: { color: 'blue', size: 'small', material: 'cotton' }, availability: 'in stock', sku: '2317' },
  };
  test('AWS example: paths, static values, nesting', () => {
    const template = {
      comment: 'Selecting what I care about.',
      MyDetails: { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', StaticValue: 'foo' },
    };
    expect(applyParameters(template, on(input), 'Parameters')).toEqual({
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    });
  });
  test('context, variables, intrinsics and arrays of objects', () => {
    const template = {
      'execution.$': '$$.Execution.Id',
      'item.$': '$$.Map.Item.Value',
      'name.$': '$productName',
      'ids.$': 'States.Array($.product.sku, $productName)',
      list: [{ 'color.$': '$.product.details.color' }, 'plain', 3, null],
      'literal $': '$.not.a.path',
    };
    expect(applyParameters(template, on(input, { productName: 'shirt' }), 'Parameters')).toEqual({
      execution: 'exec-1',
      item: { sku: 'a' },
      name: 'shirt',
      ids: ['2317', 'shirt'],
      list: [{ color: 'blue' }, 'plain', 3, null],
      'literal $': '$.not.a.path',
    });
  });
  test('a missing path names its key', () => {
    const error = thrown(() => applyParameters({ 'missing.$': '$.nope.deep' }, on({ other: 1 }), 'Parameters'));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(
      "The JSONPath '$.nope.deep' specified for the field 'missing.$' could not be found in the input '{\"other\":1}'",
    );
  });
  test('a .$ key needs a string', () => {
    expect(thrown(() => applyParameters({ 'a.$': 1 }, on({}), 'Parameters')).error).toBe('States.Runtime');
  });
  test('an intrinsic failure inside a template propagates', () => {
    expect(thrown(() => applyParameters({ 'a.$': 'States.ArrayLength(1)' }, on({}), 'Parameters')).error).toBe(
      'States.IntrinsicFailure',
    );
  });
});

describe('ResultPath', () => {
  // AWS's "ResultPath" examples.
  const input = {
    comment: 'This is a test of the input and output of a Task state.',
    details: 'Default example',
    who: 'AWS Step Functions',
  };
  const result = 'Hello, AWS Step Functions!';
  test('$ (or absent) replaces the input with the result', () => {
    expect(applyResultPath(input, result, '$')).toBe(result);
    expect(applyResultPath(input, result, undefined)).toBe(result);
  });
  test('null discards the result', () => {
    expect(applyResultPath(input, result, null)).toEqual(input);
  });
  test('a path adds the result to the input', () => {
    expect(applyResultPath(input, result, '$.taskresult')).toEqual({ ...input, taskresult: result });
    expect(applyResultPath(input, result, '$.strings.lambdaresult')).toEqual({
      ...input,
      strings: { lambdaresult: result },
    });
    expect(applyResultPath(input, { a: 1 }, '$.who')).toEqual({ ...input, who: { a: 1 } });
    expect(applyResultPath({ list: [{}, {}] }, 1, '$.list[1].x')).toEqual({ list: [{}, { x: 1 }] });
  });
  test('the input is not changed', () => {
    const original = { a: { b: 1 } };
    applyResultPath(original, 2, '$.a.c');
    expect(original).toEqual({ a: { b: 1 } });
  });
  test('writing into a non-object is States.Runtime', () => {
    const error = thrown(() => applyResultPath({ a: 'str' }, 1, '$.a.b'));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe('Unable to apply ReferencePath $.a.b to input "{\\"a\\":\\"str\\"}"');
    expect(thrown(() => applyResultPath('text', 1, '$.x')).error).toBe('States.Runtime');
    expect(thrown(() => applyResultPath({ a: [1] }, 1, '$.a[5]')).error).toBe('States.Runtime');
    expect(thrown(() => applyResultPath({}, 1, '$.a[*]')).error).toBe('States.Runtime');
    expect(thrown(() => applyResultPath({}, 1, '$$.a')).error).toBe('States.Runtime');
  });
});

describe('OutputPath', () => {
  test('selects, keeps, or empties', () => {
    const output = { Payload: { ok: true }, StatusCode: 200 };
    expect(applyOutputPath(output, '$.Payload', on({}))).toEqual({ ok: true });
    expect(applyOutputPath(output, undefined, on({}))).toEqual(output);
    expect(applyOutputPath(output, null, on({}))).toEqual({});
    const error = thrown(() => applyOutputPath({ a: 1 }, '$.b', on({})));
    expect(error.cause).toBe("Invalid path '$.b' : No results for path: $['b']");
  });
});

describe('the whole JSONPath pipeline', () => {
  test('InputPath then Parameters', () => {
    const state = { InputPath: '$.order', Parameters: { 'id.$': '$.id', 'exec.$': '$$.Execution.Id' } };
    expect(jsonPathInput(state, on({ order: { id: 7 }, other: 1 }))).toEqual({ id: 7, exec: 'exec-1' });
    expect(jsonPathInput({}, on({ a: 1 }))).toEqual({ a: 1 });
  });
  test('ResultSelector, ResultPath into the raw input, OutputPath (AWS EMR example)', () => {
    const state = {
      ResultSelector: { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' },
      ResultPath: '$.EMROutput',
      OutputPath: '$.EMROutput',
    };
    const result = {
      resourceType: 'elasticmapreduce',
      resource: 'createCluster.sync',
      output: { SdkHttpMetadata: { HttpStatusCode: 200 }, ClusterId: 'AKIAIOSFODNN7EXAMPLE' },
    };
    expect(jsonPathOutput(state, on({ raw: true }), result)).toEqual({
      ClusterId: 'AKIAIOSFODNN7EXAMPLE',
      ResourceType: 'elasticmapreduce',
    });
    expect(jsonPathOutput({ ResultPath: '$.r' }, on({ raw: true }), 5)).toEqual({ raw: true, r: 5 });
    expect(jsonPathOutput({}, on({ raw: true }), 5)).toBe(5);
  });
});
