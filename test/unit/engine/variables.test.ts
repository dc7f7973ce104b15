import {
  evaluateJsonata,
  QueryEvaluationError,
  type JsonataBindings,
} from '../../../local/stepfunctions/engine/jsonata';
import { StatesError, type Json } from '../../../local/stepfunctions/engine/types';
import {
  checkAssignedVariables,
  evaluateAssign,
  invalidVariableName,
  jsonByteLength,
  mergeVariables,
  VARIABLE_VALUE_MAX_BYTES,
} from '../../../local/stepfunctions/engine/variables';

const bindings = (input: Json, variables: Record<string, Json> = {}, result?: Json): JsonataBindings => ({
  states: { input, context: {}, ...(result === undefined ? {} : { result }) },
  variables,
});

function runtimeCause(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (error instanceof StatesError && error.error === 'States.Runtime') return error.cause;
    throw error;
  }
  throw new Error('expected States.Runtime');
}

describe('evaluateAssign', () => {
  it('assigns the developer guide literals', async () => {
    const assign = { productName: 'product1', count: 42, available: true };
    expect(await evaluateAssign(assign, bindings({}), 'Pass', evaluateJsonata)).toEqual(assign);
  });

  it('evaluates expressions against the input and the result', async () => {
    const assign = {
      product: '{% $states.input.order.product %}',
      currentPrice: '{% $states.result.Payload.current_price %}',
    };
    const scope = bindings({ order: { product: 'p1' } }, {}, { Payload: { current_price: 9.5 } });
    expect(await evaluateAssign(assign, scope, 'Task', evaluateJsonata)).toEqual({ product: 'p1', currentPrice: 9.5 });
  });

  it('lets every assignment see the variables as they were before the Assign', async () => {
    const assign = { x: 2, y: '{% $x %}', z: '{% $x + $y %}' };
    expect(await evaluateAssign(assign, bindings({}, { x: 1, y: 10 }), 'S', evaluateJsonata)).toEqual({
      x: 2,
      y: 1,
      z: 11,
    });
  });

  it('swaps two variables in one Assign', async () => {
    const assigned = await evaluateAssign(
      { a: '{% $b %}', b: '{% $a %}' },
      bindings({}, { a: 'A', b: 'B' }),
      'S',
      evaluateJsonata,
    );
    expect(mergeVariables({ a: 'A', b: 'B', c: 'C' }, assigned)).toEqual({ a: 'B', b: 'A', c: 'C' });
  });

  it('names a failing value Assign/<name>', async () => {
    try {
      await evaluateAssign({ x: '{% $states.input.absent %}' }, bindings({}), 'S', evaluateJsonata);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(QueryEvaluationError);
      expect((error as QueryEvaluationError).location).toBe('Assign/x');
      expect((error as QueryEvaluationError).cause).toContain(
        "An error occurred while executing the state 'S'. The JSONata expression '$states.input.absent' specified for the field 'Assign/x'",
      );
    }
  });

  it('uses the evaluator it is given (the JSONPath side passes its own)', async () => {
    const upper = (template: Json) => Promise.resolve(typeof template === 'string' ? template.toUpperCase() : template);
    expect(await evaluateAssign({ v: 'abc' }, { variables: {} }, 'S', upper)).toEqual({ v: 'ABC' });
  });

  it('refuses an Assign past the size limits', async () => {
    const big = 'x'.repeat(VARIABLE_VALUE_MAX_BYTES);
    await expect(evaluateAssign({ big }, bindings({}), 'S', evaluateJsonata)).rejects.toMatchObject({
      error: 'States.Runtime',
    });
  });
});

describe('variable names', () => {
  it.each(['x', '_private', 'productName', 'v2', 'año', 'a_b_c', 'x'.repeat(80)])('accepts %p', (name) => {
    expect(invalidVariableName(name)).toBeUndefined();
  });

  it.each(['', '2x', 'my-var', 'a.b', '$x', 'has space', 'x'.repeat(81), 'states'])('refuses %p', (name) => {
    expect(invalidVariableName(name)).toBeDefined();
  });

  it('refuses the reserved word in an Assign', () => {
    expect(runtimeCause(() => checkAssignedVariables({ states: 1 }, 'S'))).toBe(
      "An error occurred while executing the state 'S'. The variable name 'states' is not valid: 'states' is a reserved word.",
    );
  });
});

describe('checkAssignedVariables sizes', () => {
  it('measures the UTF-8 bytes of the JSON text', () => {
    expect(jsonByteLength('é')).toBe(4);
    expect(jsonByteLength({ a: [1, 2] })).toBe(11);
  });

  it('accepts a variable of exactly 256 KiB and refuses one byte more', () => {
    const fits = 'x'.repeat(VARIABLE_VALUE_MAX_BYTES - 2);
    expect(() => checkAssignedVariables({ v: fits }, 'S')).not.toThrow();
    expect(runtimeCause(() => checkAssignedVariables({ v: `${fits}x` }, 'S'))).toContain(
      "The value assigned to the variable 'v' is 262145 bytes, more than the 262144 bytes a variable may hold.",
    );
  });

  it('refuses one Assign over 256 KiB in all', () => {
    const half = 'x'.repeat(VARIABLE_VALUE_MAX_BYTES / 2);
    expect(runtimeCause(() => checkAssignedVariables({ a: half, b: half }, 'S'))).toContain('one Assign may hold');
  });

  it('refuses a scope over 10 MiB', () => {
    const chunk = 'x'.repeat(200 * 1024);
    const scope: Record<string, Json> = {};
    for (let i = 0; i < 52; i += 1) scope[`v${i}`] = chunk;
    expect(() => checkAssignedVariables({ v0: chunk }, 'S', { v0: chunk })).not.toThrow();
    expect(runtimeCause(() => checkAssignedVariables({ v0: chunk }, 'S', scope))).toContain(
      'variables of the execution',
    );
  });
});
