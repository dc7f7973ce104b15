import {
  compiledExpressionCount,
  evaluateCondition,
  evaluateJsonata,
  isJsonataExpression,
  QueryEvaluationError,
  type JsonataBindings,
} from '../../../local/stepfunctions/engine/jsonata';
import type { Json } from '../../../local/stepfunctions/engine/types';

const context = { Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:m:e', Name: 'e' } };

function scope(input: Json, variables: Record<string, Json> = {}, extra: Partial<JsonataBindings['states']> = {}) {
  return { states: { input, context, ...extra }, variables };
}

async function failureOf(promise: Promise<unknown>): Promise<QueryEvaluationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof QueryEvaluationError) return error;
    throw error;
  }
  throw new Error('expected a States.QueryEvaluationError');
}

describe('isJsonataExpression', () => {
  it.each([
    ['{% $x %}', true],
    ['{%$x%}', true],
    ['{% %}', true],
    [' {% $x %}', false],
    ['{% $x %} ', false],
    ['{% $x', false],
    ['$x %}', false],
    ['{%}', false],
    ['plain', false],
    [42, false],
    [null, false],
  ])('%p -> %p', (value, expected) => {
    expect(isJsonataExpression(value)).toBe(expected);
  });
});

describe('evaluateJsonata: the template', () => {
  it('converts the developer guide JSONPath sample: static, input, variable and a $-string left alone', async () => {
    const template = {
      static: 'Hello',
      title: '{% $states.input.title %}',
      name: '{% $customerName %}',
      'not-evaluated': '$customerName',
    };
    const out = await evaluateJsonata(template, scope({ title: 'Doctor' }, { customerName: 'María' }), 'Arguments');
    expect(out).toEqual({ static: 'Hello', title: 'Doctor', name: 'María', 'not-evaluated': '$customerName' });
  });

  it('returns literals as they are', async () => {
    for (const value of [1, true, null, 'text', '{ % no %}', [], {}]) {
      expect(await evaluateJsonata(value, scope({}), 'Output')).toEqual(value);
    }
  });

  it('walks nested objects and arrays and keeps keys literal', async () => {
    const template = { '{% "k" %}': ['{% 1 + 1 %}', { deep: '{% $states.input.a %}' }, 'x'] };
    expect(await evaluateJsonata(template, scope({ a: [1, 2] }), 'Output')).toEqual({
      '{% "k" %}': [2, { deep: [1, 2] }, 'x'],
    });
  });

  it('evaluates a whole-field expression to any JSON value', async () => {
    const input = {
      items: [
        { price: 2, qty: 3 },
        { price: 5, qty: 1 },
      ],
    };
    expect(await evaluateJsonata('{% $sum($states.input.items.(price * qty)) %}', scope(input), 'Output')).toBe(11);
    expect(await evaluateJsonata('{% $states.input.items[price > 1] %}', scope(input), 'Output')).toEqual(input.items);
    // JSONata itself collapses a one-element result to that element.
    expect(await evaluateJsonata('{% $states.input.items[price > 2] %}', scope(input), 'Output')).toEqual({
      price: 5,
      qty: 1,
    });
    expect(await evaluateJsonata("{% 'Hello ' & $states.input.name %}", scope({ name: 'Ann' }), 'Output')).toBe(
      'Hello Ann',
    );
    expect(await evaluateJsonata('{% $states.input.n > 3 ? "big" : "small" %}', scope({ n: 4 }), 'Output')).toBe('big');
    expect(await evaluateJsonata('{% ( $a := 2; $b := 3; $a * $b ) %}', scope({}), 'Output')).toBe(6);
  });

  it('keeps a JSON null as a value', async () => {
    expect(await evaluateJsonata({ v: '{% $states.input.bar %}' }, scope({ bar: null }), 'Output')).toEqual({
      v: null,
    });
  });

  it('gives plain arrays for JSONata sequences', async () => {
    const out = await evaluateJsonata('{% $states.input.xs.a %}', scope({ xs: [{ a: 1 }, { a: 2 }] }), 'Output');
    expect(out).toEqual([1, 2]);
    expect(Object.keys(out as object)).toEqual(['0', '1']);
    expect(JSON.stringify(out)).toBe('[1,2]');
    expect((out as { sequence?: boolean }).sequence).toBeUndefined();
  });

  it('binds $states.context, $states.result and $states.errorOutput when the caller puts them in scope', async () => {
    const bindings = scope({}, {}, { result: { Payload: { ok: true } }, errorOutput: { Error: 'E', Cause: 'c' } });
    expect(await evaluateJsonata('{% $states.context.Execution.Name %}', bindings, 'Output')).toBe('e');
    expect(await evaluateJsonata('{% $states.result.Payload.ok %}', bindings, 'Output')).toBe(true);
    expect(await evaluateJsonata('{% $states.errorOutput.Error %}', bindings, 'Output')).toBe('E');
    expect(await evaluateJsonata('{% $exists($states.result) %}', scope({}), 'Output')).toBe(false);
  });

  it('does not let a variable named states hide $states', async () => {
    expect(await evaluateJsonata('{% $states.input %}', scope(1, { states: 'mine' }), 'Output')).toBe(1);
  });

  it('compiles one expression text once', async () => {
    const text = '{% $states.input.compiledOnce + 1 %}';
    await evaluateJsonata(text, scope({ compiledOnce: 1 }), 'Output');
    const count = compiledExpressionCount();
    expect(await evaluateJsonata(text, scope({ compiledOnce: 41 }), 'Output')).toBe(42);
    expect(compiledExpressionCount()).toBe(count);
  });
});

describe('evaluateJsonata: AWS errors', () => {
  it('fails an expression that returns nothing, with AWS words and the field', async () => {
    const error = await failureOf(evaluateJsonata('{% $states.input.missing %}', scope({}), 'Output'));
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.name).toBe('States.QueryEvaluationError');
    expect(error.cause).toBe(
      "The JSONata expression '$states.input.missing' specified for the field 'Output' returned nothing (undefined).",
    );
    expect(error.location).toBe('Output');
  });

  it('fails an undefined value inside an object rather than dropping the key (as AWS did in production)', async () => {
    const template = { Input: { pushLocation: '{% $states.input.pushLocation %}' } };
    const error = await failureOf(evaluateJsonata(template, scope({}), 'Arguments', 'Run S3 Data Push', 6));
    expect(error.cause).toBe(
      "An error occurred while executing the state 'Run S3 Data Push' (entered at the event id #6). " +
        "The JSONata expression '$states.input.pushLocation' specified for the field 'Arguments/Input/pushLocation' returned nothing (undefined).",
    );
    expect(error.state).toBe('Run S3 Data Push');
  });

  it('names array elements with [i]', async () => {
    const error = await failureOf(evaluateJsonata({ a: { b: ['{% $nothing %}'] } }, scope({}), 'Output'));
    expect(error.location).toBe('Output/a/b[0]');
  });

  it('reports an evaluation error with the JSONata code and message', async () => {
    const error = await failureOf(evaluateJsonata('{% "a" + 1 %}', scope({}), 'Output', 'S'));
    expect(error.cause).toBe(
      "An error occurred while executing the state 'S'. The JSONata expression '\"a\" + 1' specified for the field " +
        '\'Output\' threw an error during evaluation: T2001: The left side of the "+" operator must evaluate to a number',
    );
  });

  it('reports a parse error', async () => {
    const error = await failureOf(evaluateJsonata('{% a[1,2) %}', scope({}), 'Output'));
    expect(error.cause).toMatch(
      /^The JSONata expression 'a\[1,2\)' specified for the field 'Output' could not be parsed: S0202/,
    );
  });

  it('refuses results that are not JSON', async () => {
    for (const text of [
      '{% function($x){ $x } %}',
      '{% $string %}',
      '{% 1/0 %}',
      '{% [1, -1/0] %}',
      '{% {"k": 1/0} %}',
    ]) {
      const error = await failureOf(evaluateJsonata(text, scope({}), 'Output'));
      expect(error.cause).toContain('returned an unsupported result type');
    }
  });

  it('leaves what evaluated before a failing field unreturned (the field fails as a whole)', async () => {
    await expect(evaluateJsonata({ ok: '{% 1 %}', bad: '{% $x.y %}' }, scope({}), 'Output')).rejects.toBeInstanceOf(
      QueryEvaluationError,
    );
  });
});

describe('evaluateCondition', () => {
  const bindings = scope({ age: 20, status: 'active' }, { limit: 18 });

  it('answers the boolean a Choice rule evaluates to', async () => {
    expect(await evaluateCondition('{% $states.input.age >= $limit %}', bindings, 'Choose')).toBe(true);
    expect(await evaluateCondition("{% $states.input.status = 'closed' %}", bindings, 'Choose')).toBe(false);
    expect(await evaluateCondition('{% $exists($states.input.age) and $states.input.age < 65 %}', bindings, 'C')).toBe(
      true,
    );
  });

  it('refuses a value that is not a boolean', async () => {
    const error = await failureOf(
      evaluateCondition('{% $states.input.age %}', bindings, 'Choose', 'Choices[1]/Condition'),
    );
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.location).toBe('Choices[1]/Condition');
    expect(error.cause).toContain("Expected 'boolean', but was 'number' for value: 20");
  });

  it('refuses a condition that returns nothing', async () => {
    const error = await failureOf(evaluateCondition('{% $states.input.none %}', bindings, 'Choose'));
    expect(error.cause).toContain("specified for the field 'Condition' returned nothing (undefined).");
  });

  it('refuses a condition that is not written as {% %}', async () => {
    await expect(evaluateCondition('$states.input.age > 1', bindings, 'Choose')).rejects.toBeInstanceOf(
      QueryEvaluationError,
    );
  });
});
