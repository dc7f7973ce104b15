import type { MathContext, MathValue, TimeSeries } from '../../../local/cloudwatch/math';
import { asSeries, evaluateExpression, referencedIds } from '../../../local/cloudwatch/math-functions';

// Metric math (GetMetricData's Expression) on its own: the parser, the operators, the functions, over
// hand-made series. cloudwatch/api.test.ts and alarms.test.ts run the stack's own failure-rate
// expression and SEARCH end to end; this is the rest.

const PERIOD_MS = 300_000;
/** A series from values by period index: { 0: 1, 2: 4 } has points at 0 and 10 minutes. */
const ts = (label: string, values: Record<number, number>): TimeSeries => ({
  label,
  points: new Map(Object.entries(values).map(([i, v]) => [Number(i) * PERIOD_MS, v])),
});
/** A result as values by period index (one object per series), or the number. */
const shape = (value: MathValue) =>
  value.kind === 'series'
    ? value.series.map((s) => Object.fromEntries([...s.points].map(([at, v]) => [at / PERIOD_MS, v])))
    : value.value;

const m1 = ts('Started', { 0: 1, 1: 2, 2: 4 });
const m2 = ts('Failed', { 0: 10, 2: 0, 3: 5 });
const signed = ts('Signed', { 0: -4, 1: 0, 2: 9 });
const late = ts('Late', { 2: 3 });
const refs: Record<string, TimeSeries[]> = {
  m1: [m1],
  m2: [m2],
  signed: [signed],
  late: [late],
  both: [m1, m2],
  empty: [ts('Empty', {})],
};

const context = (overrides: Partial<MathContext> = {}): MathContext => ({
  ref: (id) => refs[id],
  metrics: () => [m1, m2],
  search: () => [],
  grid: [0, 1, 2, 3].map((i) => i * PERIOD_MS),
  periodSeconds: 300,
  ...overrides,
});
const evaluate = (expression: string, overrides?: Partial<MathContext>) =>
  evaluateExpression(expression, context(overrides));
const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
};
const invalid = (message: string) => ({
  code: 'ValidationError',
  message: expect.stringContaining(message) as unknown,
});

describe('numbers: operators, precedence and the functions of a number', () => {
  test.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['1 - 2 - 3', -4],
    ['12 / 2 / 3', 2],
    ['2 * 3 ^ 2', 18],
    ['-3 + 5', 2],
    ['- (1 + 2)', -3],
    ['1.5e2', 150],
    ['2.5E-1', 0.25],
    ['  1+2  ', 3],
    ['2 > 1', 1],
    ['2 < 1', 0],
    ['2 >= 2', 1],
    ['1 <= 0', 0],
    ['2 == 2', 1],
    ['2 != 2', 0],
    ['1 + 1 > 1', 1],
    ['1 AND 0', 0],
    ['2 and 3', 1],
    ['0 OR 0', 0],
    ['0 || 5', 1],
    ['1 && 1', 1],
    ['1 > 0 AND 2 > 3', 0],
    ['1 OR 0 AND 0', 1],
    ['ABS(-2)', 2],
    ['abs(-2)', 2],
    ['CEIL(1.2)', 2],
    ['FLOOR(-1.2)', -2],
    ['SQRT(16)', 4],
    ['LOG(1)', 0],
    ['LOG10(1000)', 3],
    ['PERIOD(m1)', 300],
  ])('%s = %d', (expression, expected) => {
    expect(evaluate(expression)).toEqual({ kind: 'scalar', value: expected });
  });
});

describe('time series, point by point', () => {
  test.each([
    ['a number on the right', 'm1 * 2', [{ 0: 2, 1: 4, 2: 8 }]],
    ['a number on the left keeps its side', '10 - m1', [{ 0: 9, 1: 8, 2: 6 }]],
    ['unary minus', '-m1', [{ 0: -1, 1: -2, 2: -4 }]],
    ['two series: only where both have a value', 'm1 + m2', [{ 0: 11, 2: 4 }]],
    ['two series keep their order', 'm2 - m1', [{ 0: 9, 2: -4 }]],
    ['a division by zero is no point', 'm1 / m2', [{ 0: 0.1 }]],
    ['a square root of a negative value is no point', 'SQRT(signed)', [{ 1: 0, 2: 3 }]],
    ['a comparison gives 1 or 0 at each point', 'm1 > 1', [{ 0: 0, 1: 1, 2: 1 }]],
    ['AND of two series', 'm1 AND m2', [{ 0: 1, 2: 0 }]],
    [
      'an array and a number: each series',
      '[m1, m2] * 2',
      [
        { 0: 2, 1: 4, 2: 8 },
        { 0: 20, 2: 0, 3: 10 },
      ],
    ],
    [
      'an array and a series: each series of the array with it',
      '[m1, m2] + m1',
      [
        { 0: 2, 1: 4, 2: 8 },
        { 0: 11, 2: 4 },
      ],
    ],
    [
      'a series and an array keep their order',
      'm1 - [m1, m2]',
      [
        { 0: 0, 1: 0, 2: 0 },
        { 0: -9, 2: 4 },
      ],
    ],
  ])('%s: %s', (_name, expression, expected) => {
    expect(shape(evaluate(expression))).toEqual(expected);
  });

  test('one series gives one series; brackets, or an id whose query gave several, give an array', () => {
    const flags = ['m1 * 2', '[m1] * 2', '[m1, m2] * 2', 'both * 1'].map(
      (expression) => (evaluate(expression) as { array: boolean }).array,
    );

    expect(flags).toEqual([false, true, true, true]);
  });

  test('two arrays cannot be combined', () => {
    expect(thrown(() => evaluate('[m1, m2] + both'))).toMatchObject(
      invalid('cannot combine two arrays of time series'),
    );
  });

  test('a string is no operand', () => {
    expect(thrown(() => evaluate("'a' + 1"))).toMatchObject(invalid('+ needs numbers or time series'));
    expect(thrown(() => evaluate("ABS('a')"))).toMatchObject(invalid('a function of numbers got a string'));
  });
});

describe('functions of time series', () => {
  test.each([
    ['SUM of one series is a number', 'SUM(m1)', 7],
    ['AVG of one series', 'AVG(m1)', 7 / 3],
    ['MIN of one series', 'MIN(m2)', 0],
    ['MAX of one series', 'MAX(m2)', 10],
    ['SUM of an array: one series, point by point, of the values there', 'SUM(both)', [{ 0: 11, 1: 2, 2: 4, 3: 5 }]],
    ['AVG of an array, at each point over the series that have one', 'AVG([m1, m2])', [{ 0: 5.5, 1: 2, 2: 2, 3: 5 }]],
    ['MAX of an array', 'MAX(both)', [{ 0: 10, 1: 2, 2: 4, 3: 5 }]],
    ['STDDEV of an array of equal series is 0 everywhere', 'STDDEV([m1, m1])', [{ 0: 0, 1: 0, 2: 0 }]],
    ['SUM of a series without values is no value', 'SUM(empty)', []],
    ['RUNNING_SUM', 'RUNNING_SUM(m1)', [{ 0: 1, 1: 3, 2: 7 }]],
    ['FILL with a number', 'FILL(m1, 0)', [{ 0: 1, 1: 2, 2: 4, 3: 0 }]],
    ['FILL with REPEAT: the last value before the gap', 'FILL(m2, REPEAT)', [{ 0: 10, 1: 10, 2: 0, 3: 5 }]],
    ['FILL with REPEAT leaves a gap before the first value', 'FILL(late, repeat)', [{ 2: 3, 3: 3 }]],
    ['FILL with a series: its value at the same time', 'fill(m1, m2)', [{ 0: 1, 1: 2, 2: 4, 3: 5 }]],
    ['IF over a series, with numbers', 'IF(m1 > 1, 100, 0)', [{ 0: 0, 1: 100, 2: 100 }]],
    [
      'IF without else: no point where false; then a series: its value at that time, if any',
      'IF(m1 > 1, m2)',
      [{ 2: 0 }],
    ],
    ['IF with a number as the condition, true', 'IF(1, m1, m2)', [{ 0: 1, 1: 2, 2: 4 }]],
    ['IF with a number as the condition, false, without else', 'IF(0, m1)', []],
  ])('%s: %s', (_name, expression, expected) => {
    expect(shape(evaluate(expression))).toEqual(expected);
  });

  test('METRICS() is every result of the request; METRICS(text) those whose label contains it', () => {
    expect(evaluate('METRICS()')).toEqual({ kind: 'series', series: [m1, m2], array: true });
    expect((evaluate("METRICS('Fail')") as { series: TimeSeries[] }).series).toEqual([m2]);
  });

  test('SEARCH asks the context with its query, statistic and period; the period defaults to the query’s', () => {
    const asked: unknown[][] = [];
    const search = (...args: unknown[]) => {
      asked.push(args);
      return [m1, m2];
    };

    const found = evaluate(`SEARCH('{AWS/States,StateMachineArn} MetricName="ExecutionsStarted"', 'Sum', 60)`, {
      search,
    });
    evaluate(`SEARCH("{AWS/States} ExecutionsFailed", 'Average')`, { search });

    expect(found).toEqual({ kind: 'series', series: [m1, m2], array: true });
    expect(asked).toEqual([
      ['{AWS/States,StateMachineArn} MetricName="ExecutionsStarted"', 'Sum', 60],
      ['{AWS/States} ExecutionsFailed', 'Average', 300],
    ]);
  });

  test.each([
    ['a reducer of a number', 'SUM(5)', 'SUM needs a time series'],
    ['RUNNING_SUM of a number', 'RUNNING_SUM(1)', 'RUNNING_SUM needs a time series'],
    ['FILL of a number', 'FILL(5, 0)', 'FILL needs a time series'],
    [
      'FILL with LINEAR, which the local cloud does not do',
      'FILL(m1, LINEAR)',
      "FILL's second argument is a number, a time series or REPEAT",
    ],
    ['IF without a value', 'IF(m1)', 'IF needs a condition and a value'],
    ['SEARCH without a statistic', "SEARCH('{AWS/States} x')", 'SEARCH takes a query, a statistic and a period'],
    ['SEARCH with a period that is not a number', "SEARCH('{AWS/States} x', 'Sum', 'sixty')", 'SEARCH needs a number'],
    [
      'a function the local cloud does not have',
      'ANOMALY_DETECTION_BAND(m1)',
      'the local cloud does not support the function ANOMALY_DETECTION_BAND',
    ],
    ['an id no query has', 'm1 + nope', 'no metric or expression has the id nope'],
  ])('%s is a ValidationError', (_name, expression, message) => {
    expect(thrown(() => evaluate(expression))).toMatchObject(invalid(message));
  });
});

// CloudWatch's user guide ("Using metric math", "Basic arithmetic functions") lists + - * / ^ and unary
// subtraction, and "Comparison and logical operators" the rest, but documents neither where unary
// minus stands against ^ nor which way ^ groups. The local cloud keeps its reading and these pin it:
// unary minus binds first (-2 ^ 2 is (-2) ^ 2) and ^ groups from the left like the other operators.
describe('unary minus and ^, which CloudWatch does not document', () => {
  test.each([
    ['-2 ^ 2', 4],
    ['-(2 ^ 2)', -4],
    ['2 ^ 3 ^ 2', 64],
    ['2 ^ (3 ^ 2)', 512],
    ['2 ^ -1', 0.5],
    ['--2', 2],
  ])('%s = %d', (expression, value) => {
    expect(evaluate(expression)).toEqual({ kind: 'scalar', value });
  });
});

describe('expressions that do not parse are ValidationErrors, never a crash', () => {
  test.each([
    ['an operator without its right side', '1 +', 'unexpected end'],
    ['an unclosed parenthesis', '(1 + 2', 'expected )'],
    ['an unclosed call', 'ABS(1', 'expected )'],
    ['an unclosed array', '[m1, m2', 'expected ]'],
    ['two values without an operator', '1 2', 'unexpected 2'],
    ['a closing parenthesis first', ')', 'unexpected )'],
    ['a character metric math does not have, at its position', 'm1 @ 2', 'unexpected character at 3'],
    ['a number without its leading digit', '.5', 'unexpected character at 0'],
    ['a character after spaces and tokens, at its position', '  m1 + 2 $', 'unexpected character at 9'],
    ['a string that is not closed, at its quote', "m1 + 'Sum", 'unexpected character at 5'],
    ['nesting past 64 levels', `${'('.repeat(64)}1${')'.repeat(64)}`, 'nested deeper than 64 levels'],
  ])('%s: %j', (_name, expression, message) => {
    expect(thrown(() => evaluate(expression))).toMatchObject(invalid(message));
  });

  test('nesting up to 64 levels parses', () => {
    expect(evaluate(`${'('.repeat(63)}1${')'.repeat(63)}`)).toEqual({ kind: 'scalar', value: 1 });
  });
});

describe('referencedIds: the queries an expression needs first', () => {
  test.each([
    [
      'every reference, in order, repeats included',
      'IF(started > 0, 100 * failed / started, 0)',
      ['started', 'failed', 'started'],
    ],
    ['inside arrays, unary minus and calls; REPEAT is no id', 'FILL([m1, -m2], REPEAT)', ['m1', 'm2']],
    ['strings are no ids', `SEARCH('{AWS/States} m1', 'Sum', 300)`, []],
    ['a number refers to nothing', '42', []],
  ])('%s', (_name, expression, ids) => {
    expect(referencedIds(expression)).toEqual(ids);
  });

  test('an expression that does not parse is a ValidationError here too', () => {
    expect(thrown(() => referencedIds('m1 +'))).toMatchObject(invalid('unexpected end'));
  });
});

describe('asSeries: what a query returns', () => {
  const grid = [0, 1, 2].map((i) => i * PERIOD_MS);

  test('a number is one series, with the number at every period of the range', () => {
    expect(asSeries({ kind: 'scalar', value: 5 }, 'five', grid)).toEqual([ts('five', { 0: 5, 1: 5, 2: 5 })]);
  });

  test('series are returned as they are', () => {
    expect(asSeries({ kind: 'series', series: [m1, m2], array: true }, 'ignored', grid)).toEqual([m1, m2]);
  });

  test('a string is refused', () => {
    expect(thrown(() => asSeries({ kind: 'string', value: 'x' }, 'x', grid))).toMatchObject(invalid('not a string'));
  });
});
