import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Diagnostic,
  invalidDefinitionMessage,
  validateDefinition,
} from '../../../local/stepfunctions/engine/validate';

type Definition = Record<string, unknown>;

const validate = (definition: Definition | string, options?: Parameters<typeof validateDefinition>[1]) =>
  validateDefinition(typeof definition === 'string' ? definition : JSON.stringify(definition), options);

/** The codes, messages and locations, as CreateStateMachine would word them. */
const refusal = (definition: Definition | string) => invalidDefinitionMessage(validate(definition).diagnostics);

const codes = (definition: Definition | string) => validate(definition).diagnostics.map((d) => d.code);

const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:HelloWorld';
const one = (state: Definition, extra: Definition = {}): Definition => ({
  StartAt: 'A',
  States: { A: state },
  ...extra,
});
const jsonata = (state: Definition): Definition => one(state, { QueryLanguage: 'JSONata' });
const branch = (name: string, state: Definition = { Type: 'Pass', End: true }) => ({
  StartAt: name,
  States: { [name]: state },
});

describe('validateDefinition accepts what AWS documents', () => {
  const valid: Record<string, Definition> = {
    'Hello World (a Pass state with a Result)': one({ Type: 'Pass', Result: 'Hello World!', End: true }),
    'a JSONPath Task with paths, Retry and Catch': {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {
            FunctionName: lambda,
            'Payload.$': '$',
            'when.$': "States.Format('at {}', $$.State.EnteredTime)",
          },
          ResultSelector: { 'body.$': '$.Payload' },
          ResultPath: '$.result',
          OutputPath: '$.result',
          TimeoutSeconds: 10,
          Retry: [
            { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Assign: { 'failed.$': '$.Error' }, Next: 'F' }],
          End: true,
        },
        F: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
      },
    },
    'a JSONata Task: Arguments, Output, a Catch with Assign and Output (the spec\'s "My Task")': {
      QueryLanguage: 'JSONata',
      StartAt: 'My Task',
      States: {
        'My Task': {
          Type: 'Task',
          Resource: lambda,
          Arguments: { customer: '{% $states.input.customer %}' },
          Output: { resultStatus: '{% $states.result.status %}', elapsedTime: '{% $states.context.ElapsedTime %}' },
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Assign: { lastError: '{% $states.errorOutput %}' },
              Output: { errorDetails: '{% $states.errorOutput %}', input: '{% $states.input %}' },
              Next: 'Handle Error',
            },
          ],
          End: true,
        },
        'Handle Error': { Type: 'Fail', Error: '{% $lastError.Error %}', Cause: 'failed' },
      },
    },
    'a JSONPath Choice with And, Not and a Default': {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            {
              And: [
                { Variable: '$.value', IsPresent: true },
                { Variable: '$.value', NumericGreaterThan: 20 },
              ],
              Next: 'Big',
            },
            { Not: { Variable: '$.type', StringEquals: 'Private' }, Assign: { 'kind.$': '$.type' }, Next: 'Big' },
          ],
          Default: 'Small',
        },
        Big: { Type: 'Succeed' },
        Small: { Type: 'Pass', End: true },
      },
    },
    'a JSONata Choice with Condition, Assign and Output': {
      QueryLanguage: 'JSONata',
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            { Condition: '{% $states.input.total > 100 %}', Assign: { big: true }, Output: '{% 1 %}', Next: 'S' },
          ],
          Default: 'S',
        },
        S: { Type: 'Succeed', Output: { total: '{% $states.input.total %}' } },
      },
    },
    'an inline Map (JSONPath) with ItemsPath, ItemSelector and an ItemProcessor': one({
      Type: 'Map',
      ItemsPath: '$.items',
      ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
      MaxConcurrency: 2,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...branch('Each') },
      ResultPath: '$.processed',
      End: true,
    }),
    'a distributed Map with an ItemReader': one({
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: 'b', Key: 'k' },
      },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, ...branch('Each') },
      Label: 'items',
      ToleratedFailurePercentage: 5,
      End: true,
    }),
    'a Parallel state with two branches': one({ Type: 'Parallel', Branches: [branch('L'), branch('R')], End: true }),
    'Wait states with Seconds and TimestampPath': {
      StartAt: 'W1',
      States: {
        W1: { Type: 'Wait', Seconds: 10, Next: 'W2' },
        W2: { Type: 'Wait', TimestampPath: '$.expiry', End: true },
      },
    },
    'a JSONata state inside a JSONPath state machine': {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { x: '{% $states.input.x %}' }, Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'x.$': '$.x' }, End: true },
      },
    },
    'JSONata strings without spaces, in arrays, with functions and nested contexts': jsonata({
      Type: 'Pass',
      Output: ['{%$states.input%}', '{% $sum($states.input.items[price > 10].price) %}', '{% ($n := 5; $n * 2) %}'],
      End: true,
    }),
  };
  it.each(Object.entries(valid))('%s', (_name, definition) => {
    expect(validate(definition, { severity: 'WARNING' })).toEqual({ result: 'OK', diagnostics: [], truncated: false });
  });

  it("the spec's variable scope example (a JSONata Map assigning variables)", () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Get Greeting',
      States: {
        'Get Greeting': { Type: 'Pass', Assign: { outer: 'hello' }, Next: 'Greet Everyone' },
        'Greet Everyone': {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Begin',
            States: {
              Begin: { Type: 'Pass', Assign: { inner: 'world', hi: '{% $outer %}' }, Next: 'End' },
              End: { Type: 'Succeed', Output: '{% $hi %}' },
            },
          },
          Assign: { outer: 2 },
          Next: 'Goodbye',
        },
        Goodbye: { Type: 'Succeed', Output: '{% $outer %}' },
      },
    };
    expect(validate(definition).result).toBe('OK');
  });
});

describe("the project's own state machine", () => {
  const saga = readFileSync(join(__dirname, '../../../statemachines/order-saga.asl.json'), 'utf8');

  it('statemachines/order-saga.asl.json is OK, without warnings', () => {
    expect(validateDefinition(saga, { severity: 'WARNING' })).toEqual({
      result: 'OK',
      diagnostics: [],
      truncated: false,
    });
  });

  it('is refused once a catcher names a state that does not exist', () => {
    const broken = saga.replace('"Next": "OrderCancelled"', '"Next": "OrderCanceled"');
    expect(refusal(broken)).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: OrderCanceled at /States/NotifyCancelled/Catch/0/Next'",
    );
  });
});

describe('the text AWS refuses a definition with', () => {
  it('is INVALID_JSON_DESCRIPTION for JSON that does not parse, MISSING_DESCRIPTION for nothing', () => {
    expect(validate('{ "StartAt": ')).toMatchObject({
      result: 'FAIL',
      diagnostics: [{ code: 'INVALID_JSON_DESCRIPTION' }],
    });
    expect(codes('   ')).toEqual(['MISSING_DESCRIPTION']);
    expect(codes('[]')).toEqual(['SCHEMA_VALIDATION_FAILED']);
  });

  it('names a missing target and the state left unreachable (as AWS answered in localstack#12487)', () => {
    const definition = {
      StartAt: 'pass1',
      States: { pass1: { Type: 'Pass', Next: 'pass3' }, pass2: { Type: 'Pass', End: true } },
    };
    expect(refusal(definition)).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, " +
        'MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2\'',
    );
  });

  it('refuses an unreachable state as an ERROR, not a warning', () => {
    const definition = {
      StartAt: 'Pass One',
      States: {
        'Pass One': { Type: 'Pass', Next: 'Pass Two' },
        'Pass Two': { Type: 'Pass', Next: 'Success' },
        'Unreachable pass': { Type: 'Pass', Next: 'Success' },
        Success: { Type: 'Succeed' },
      },
    };
    expect(validate(definition)).toEqual({
      result: 'FAIL',
      diagnostics: [
        {
          severity: 'ERROR',
          code: 'MISSING_TRANSITION_TARGET',
          message: 'State "Unreachable pass" is not reachable.',
          location: '/States/Unreachable pass',
        },
      ],
      truncated: false,
    });
  });

  it('is MISSING_END_STATE, at null, for a loop with no terminal state; an unreachable terminal makes it unreachability', () => {
    const loop = { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } };
    expect(refusal({ StartAt: 'A', States: loop })).toBe(
      "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'",
    );
    expect(refusal({ StartAt: 'A', States: { ...loop, C: { Type: 'Pass', End: true } } })).toBe(
      'Invalid State Machine Definition: \'MISSING_TRANSITION_TARGET: State "C" is not reachable. at /States/C\'',
    );
  });

  it("is SCHEMA_VALIDATION_FAILED, Field '…' is not supported, for TimeoutSeconds anywhere but a Task", () => {
    const processor = { ItemProcessor: branch('Each') };
    expect(refusal(one({ Type: 'Map', TimeoutSeconds: 5, ...processor, End: true }))).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/A'",
    );
    expect(refusal(one({ Type: 'Parallel', TimeoutSeconds: 5, Branches: [branch('B')], End: true }))).toContain(
      "Field 'TimeoutSeconds' is not supported at /States/A",
    );
    expect(codes(one({ Type: 'Task', Resource: lambda, TimeoutSeconds: 5, End: true }))).toEqual([]);
  });

  it('joins several diagnostics with commas and leaves warnings out', () => {
    const diagnostics: Diagnostic[] = [
      { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'm1', location: '/States/A' },
      { severity: 'WARNING', code: 'NO_DOLLAR', message: 'w', location: '/States/A/Parameters/x' },
      { severity: 'ERROR', code: 'MISSING_END_STATE', message: 'm2' },
    ];
    expect(invalidDefinitionMessage(diagnostics)).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: m1 at /States/A, MISSING_END_STATE: m2 at null'",
    );
  });
});

describe('the query-language field rules', () => {
  const unsupported = (definition: Definition, field: string, at = '/States/A') =>
    expect(validate(definition).diagnostics).toContainEqual({
      severity: 'ERROR',
      code: 'SCHEMA_VALIDATION_FAILED',
      message: `Field '${field}' is not supported`,
      location: at,
    });

  it.each(['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath'])(
    'a JSONata Task refuses the JSONPath field %s',
    (field) =>
      unsupported(
        jsonata({ Type: 'Task', Resource: lambda, [field]: field === 'Parameters' ? {} : '$', End: true }),
        field,
      ),
  );

  it.each(['Arguments', 'Output'])('a JSONPath Task refuses the JSONata field %s', (field) =>
    unsupported(one({ Type: 'Task', Resource: lambda, [field]: {}, End: true }), field),
  );

  it('refuses a JSONPath state in a JSONata state machine (the reverse is allowed, see above)', () => {
    const definition = jsonata({ Type: 'Pass', QueryLanguage: 'JSONPath', End: true });
    expect(validate(definition).diagnostics).toMatchObject([
      { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/A/QueryLanguage' },
    ]);
  });

  it('refuses a QueryLanguage that is neither JSONPath nor JSONata, at the top and in a state', () => {
    expect(validate(one({ Type: 'Pass', End: true }, { QueryLanguage: 'XPath' })).diagnostics).toMatchObject([
      { code: 'SCHEMA_VALIDATION_FAILED', location: '/QueryLanguage' },
    ]);
    expect(validate(one({ Type: 'Pass', QueryLanguage: 'jsonata', End: true })).diagnostics).toMatchObject([
      { location: '/States/A/QueryLanguage' },
    ]);
  });

  it('Choice Rules: JSONata has Condition and no Variable, JSONPath no Condition, and a rule needs Next', () => {
    const rule = (definition: Definition) => ({
      ...definition,
      States: { ...(definition.States as object), S: { Type: 'Succeed' } },
    });
    unsupported(
      rule(jsonata({ Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'S' }] })),
      'Variable',
      '/States/A/Choices/0',
    );
    unsupported(
      rule(one({ Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'S' }] })),
      'Condition',
      '/States/A/Choices/0',
    );
    unsupported(
      rule(one({ Type: 'Choice', Choices: [{ Variable: '$.a', NumericEqualz: 1, Next: 'S' }] })),
      'NumericEqualz',
      '/States/A/Choices/0',
    );
    expect(refusal(rule(one({ Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true }] })))).toContain(
      'These fields are required: [Next] at /States/A/Choices/0',
    );
  });

  it('Catch, Retry, Next and End belong to the states that have them', () => {
    unsupported(
      { StartAt: 'A', States: { A: { Type: 'Pass', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'A' }], End: true } } },
      'Catch',
    );
    unsupported(one({ Type: 'Succeed', Retry: [] }), 'Retry');
    unsupported(one({ Type: 'Fail', Next: 'A' }), 'Next');
    unsupported(
      jsonata({
        Type: 'Task',
        Resource: lambda,
        Catch: [{ ErrorEquals: ['E'], ResultPath: '$', Next: 'A' }],
        End: true,
      }),
      'ResultPath',
      '/States/A/Catch/0',
    );
  });

  it('Assign names variables: Unicode identifiers, never "states"', () => {
    expect(validate(jsonata({ Type: 'Pass', Assign: { states: 1 }, End: true })).diagnostics).toMatchObject([
      { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/A/Assign/states' },
    ]);
    expect(validate(one({ Type: 'Pass', Assign: { '1x.$': '$.a' }, End: true })).diagnostics).toMatchObject([
      { location: '/States/A/Assign/1x.$' },
    ]);
    expect(validate(one({ Type: 'Pass', Assign: { 'año.$': '$.a', _n: 1 }, End: true })).result).toBe('OK');
  });
});

describe('JSONata expressions are parsed at definition time', () => {
  it.each([
    ['1 +', 'Unexpected end of expression'],
    ['a[1,2)', 'Expected "]", got ","'],
    ['"unterminated', 'String literal must be terminated by a matching quote'],
  ])('{%% %s %%} is INVALID_JSONATA_EXPRESSION: %s', (expression, message) => {
    expect(refusal(jsonata({ Type: 'Pass', Output: `{% ${expression} %}`, End: true }))).toBe(
      `Invalid State Machine Definition: 'INVALID_JSONATA_EXPRESSION: ${message} at /States/A/Output'`,
    );
  });

  it('finds them nested in Arguments, in a Catch Assign and in a Choice Condition', () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: lambda,
          Arguments: { a: ['x', { b: '{% ) %}' }] },
          Catch: [{ ErrorEquals: ['States.ALL'], Assign: { e: '{% $states.errorOutput. %}' }, Next: 'C' }],
          Next: 'C',
        },
        C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.x > %}', Next: 'S' }], Default: 'S' },
        S: { Type: 'Succeed' },
      },
    };
    expect(validate(definition).diagnostics.map((d) => [d.code, d.location])).toEqual([
      ['INVALID_JSONATA_EXPRESSION', '/States/T/Arguments/a/1/b'],
      ['INVALID_JSONATA_EXPRESSION', '/States/T/Catch/0/Assign/e'],
      ['INVALID_JSONATA_EXPRESSION', '/States/C/Choices/0/Condition'],
    ]);
  });

  it('refuses a bare top-level reference (there is no input document): UNSUPPORTED_JSONATA_EXPRESSION', () => {
    expect(refusal(jsonata({ Type: 'Pass', Output: { v: '{% phone %}' }, End: true }))).toBe(
      "Invalid State Machine Definition: 'UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is not supported. at /States/A/Output/v'",
    );
    expect(codes(jsonata({ Type: 'Pass', Output: '{% $count(items) + 1 %}', End: true }))).toEqual([
      'UNSUPPORTED_JSONATA_EXPRESSION',
    ]);
    expect(codes(jsonata({ Type: 'Pass', Output: '{% $states.input.items[price > 1].name %}', End: true }))).toEqual(
      [],
    );
  });

  it('leaves JSONata-looking strings of JSONPath states alone, and checks a JSONata state in a JSONPath machine', () => {
    expect(codes(one({ Type: 'Pass', Result: '{% 1 + %}', End: true }))).toEqual([]);
    expect(codes(one({ Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 + %}', End: true }))).toEqual([
      'INVALID_JSONATA_EXPRESSION',
    ]);
  });
});

describe('states and nested machines', () => {
  it('refuses a state that neither ends nor has a Next, or has both', () => {
    expect(refusal(one({ Type: 'Pass' }))).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Either 'Next' or 'End' is required at /States/A'",
    );
    expect(codes({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'A', End: true } } })).toEqual([
      'SCHEMA_VALIDATION_FAILED',
    ]);
  });

  it('refuses a state without a Type, of an unknown type, or without its required fields', () => {
    expect(refusal(one({ End: true }))).toContain('These fields are required: [Type] at /States/A');
    expect(refusal(one({ Type: 'constructor', End: true }))).toContain('at /States/A/Type');
    expect(refusal(one({ Type: 'Task', End: true }))).toContain('These fields are required: [Resource] at /States/A');
    expect(refusal(one({ Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true }))).toContain(
      'Only one of these fields may be set: [Seconds, SecondsPath]',
    );
  });

  it("checks JSONPath values with asl-validator's schemas: paths, resources, numbers", () => {
    expect(refusal(one({ Type: 'Pass', OutputPath: '$$$.[', End: true }))).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'OutputPath' is not a valid JSONPath at /States/A/OutputPath'",
    );
    expect(refusal(one({ Type: 'Task', Resource: 'not an arn', End: true }))).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'Resource' is not a valid resource ARN at /States/A/Resource'",
    );
    expect(
      validate(one({ Type: 'Task', Resource: lambda, Retry: [{ ErrorEquals: ['E'], MaxAttempts: -1 }], End: true }))
        .diagnostics,
    ).toMatchObject([{ code: 'SCHEMA_VALIDATION_FAILED', location: '/States/A/Retry/0/MaxAttempts' }]);
  });

  it('refuses a branch state whose Next leaves its branch', () => {
    const definition = one({ Type: 'Parallel', Branches: [branch('B1', { Type: 'Pass', Next: 'A' })], End: true });
    expect(validate(definition).diagnostics).toContainEqual({
      severity: 'ERROR',
      code: 'MISSING_TRANSITION_TARGET',
      message: "Missing 'Next' target: A",
      location: '/States/A/Branches/0/States/B1/Next',
    });
  });

  it('checks item processors recursively: terminal states, reachability, fields', () => {
    const processor = { StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Y' }, Y: { Type: 'Pass', Next: 'X' } } };
    expect(validate(one({ Type: 'Map', ItemProcessor: processor, End: true })).diagnostics).toMatchObject([
      { code: 'MISSING_END_STATE', location: '/States/A/ItemProcessor' },
    ]);
    const unreachable = { StartAt: 'X', States: { X: { Type: 'Succeed' }, Y: { Type: 'Succeed' } } };
    expect(validate(one({ Type: 'Map', Iterator: unreachable, End: true })).diagnostics).toMatchObject([
      { code: 'MISSING_TRANSITION_TARGET', location: '/States/A/Iterator/States/Y' },
    ]);
    const nested = branch('N', { Type: 'Pass', TimeoutSeconds: 1, End: true });
    expect(refusal(one({ Type: 'Map', ItemProcessor: nested, End: true }))).toContain(
      "Field 'TimeoutSeconds' is not supported at /States/A/ItemProcessor/States/N",
    );
  });

  it('refuses a state name used twice anywhere: across branches, or a processor and the top level', () => {
    const twice = one({ Type: 'Parallel', Branches: [branch('X'), branch('X')], End: true });
    expect(refusal(twice)).toBe(
      "Invalid State Machine Definition: 'DUPLICATE_STATE_NAME: Duplicate State name: X at /States/A/Branches/1/States/X'",
    );
    expect(codes(one({ Type: 'Map', ItemProcessor: branch('A'), End: true }))).toEqual(['DUPLICATE_STATE_NAME']);
  });

  it('refuses a StartAt that names no state, and top-level fields it does not know', () => {
    expect(refusal({ StartAt: 'Nope', States: { A: { Type: 'Succeed' } } })).toContain(
      "MISSING_TRANSITION_TARGET: Missing 'StartAt' target: Nope at /StartAt",
    );
    expect(refusal({ ...one({ Type: 'Succeed' }), Coment: 'typo' })).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'Coment' is not supported at /'",
    );
  });
});

describe('severity, maxResults and truncated', () => {
  const warned = one({ Type: 'Pass', Parameters: { order: '$.order' }, End: true });

  it('returns warnings only when asked, and a warning does not fail the definition', () => {
    expect(validate(warned)).toEqual({ result: 'OK', diagnostics: [], truncated: false });
    expect(validate(warned, { severity: 'WARNING' }).diagnostics).toEqual([
      expect.objectContaining({ severity: 'WARNING', code: 'NO_DOLLAR', location: '/States/A/Parameters/order' }),
    ]);
    const staticResult = one({ Type: 'Pass', Result: { 'x.$': '$.a' }, End: true });
    expect(validate(staticResult, { severity: 'WARNING' }).diagnostics.map((d) => d.code)).toEqual([
      'PASS_RESULT_IS_STATIC',
    ]);
  });

  it('cuts the diagnostics at maxResults and says so; 0 means the default of 100', () => {
    const states = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`S${i}`, { Type: 'Succeed' }]));
    const definition = { StartAt: 'S0', States: states };
    expect(validate(definition, { maxResults: 2 })).toMatchObject({ result: 'FAIL', truncated: true });
    expect(validate(definition, { maxResults: 2 }).diagnostics).toHaveLength(2);
    expect(validate(definition, { maxResults: 0 }).diagnostics).toHaveLength(100);
    expect(validate(definition, { maxResults: 500 })).toMatchObject({ truncated: true, diagnostics: { length: 100 } });
    const few = { StartAt: 'S0', States: Object.fromEntries(Object.entries(states).slice(0, 4)) };
    expect(validate(few, { maxResults: 3 })).toMatchObject({ truncated: false, diagnostics: { length: 3 } });
  });
});
