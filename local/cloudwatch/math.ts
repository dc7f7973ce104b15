import { ServiceError } from '../support/errors';

/** A time series: values by timestamp (ms), with the label it is shown under. */
export interface TimeSeries {
  label: string;
  points: Map<number, number>;
}

/** What an expression evaluates to: a number, or one or more time series. */
export type MathValue =
  | { kind: 'scalar'; value: number }
  | { kind: 'series'; series: TimeSeries[]; array: boolean }
  | { kind: 'string'; value: string };

/** What an expression can see: the other queries' results, SEARCH, and the query's time grid. */
export interface MathContext {
  ref(id: string): TimeSeries[] | undefined;
  /** Every result of the request that returns data (METRICS()). */
  metrics(): TimeSeries[];
  search(query: string, stat: string, periodSeconds: number): TimeSeries[];
  /** Every period start of the requested range, oldest first (FILL). */
  grid: number[];
  periodSeconds: number;
}

type Node =
  | { type: 'num'; value: number }
  | { type: 'str'; value: string }
  | { type: 'id'; name: string }
  | { type: 'call'; name: string; args: Node[] }
  | { type: 'list'; items: Node[] }
  | { type: 'neg'; arg: Node }
  | { type: 'bin'; op: string; left: Node; right: Node };

const invalid = (message: string) => new ServiceError('ValidationError', `Invalid metric math expression: ${message}`);

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(>=|<=|==|!=|&&|\|\||[-+*/^(),<>[\]]))/y;

/** The tokens of an expression; a character no token starts with is refused with its position (from 0). */
const tokenize = (text: string): string[] => {
  const tokens: string[] = [];
  const skipSpaces = (from: number) => {
    let at = from;
    while (/\s/.test(text.charAt(at))) at++;
    return at;
  };
  let at = skipSpaces(0);
  while (at < text.length) {
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    // A sticky regular expression that fails sets lastIndex back to 0: the position is `at`, kept apart.
    if (!match) throw invalid(`unexpected character at ${at}`);
    tokens.push(match[0].trim());
    at = skipSpaces(TOKEN.lastIndex);
  }
  return tokens;
};

/** How deep parentheses, brackets and unary minus may nest: deeper is refused, not a stack overflow. */
const MAX_DEPTH = 64;

const LEVELS: string[][] = [
  ['OR', '||'],
  ['AND', '&&'],
  ['>', '<', '>=', '<=', '==', '!='],
  ['+', '-'],
  ['*', '/'],
  ['^'],
];

/** A recursive-descent parser over the tokens, one precedence level at a time. */
const parse = (text: string): Node => {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const expect = (token: string) => {
    if (tokens[at] !== token) throw invalid(`expected ${token}`);
    at++;
  };
  const list = (close: string): Node[] => {
    const items: Node[] = [];
    while (peek() !== close) {
      items.push(level(0));
      if (peek() === ',') at++;
      else break;
    }
    expect(close);
    return items;
  };
  let depth = 0;
  const primary = (): Node => {
    const token = tokens[at++];
    if (token === undefined) throw invalid('unexpected end');
    if (++depth > MAX_DEPTH) throw invalid(`nested deeper than ${MAX_DEPTH} levels`);
    try {
      return primaryOf(token);
    } finally {
      depth--;
    }
  };
  const primaryOf = (token: string): Node => {
    if (token === '-') return { type: 'neg', arg: primary() };
    if (token === '(') {
      const inner = level(0);
      expect(')');
      return inner;
    }
    if (token === '[') return { type: 'list', items: list(']') };
    if (/^\d/.test(token)) return { type: 'num', value: Number(token) };
    if (/^['"]/.test(token)) return { type: 'str', value: token.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (/^[A-Za-z_]/.test(token)) {
      if (peek() !== '(') return { type: 'id', name: token };
      at++;
      return { type: 'call', name: token.toUpperCase(), args: list(')') };
    }
    throw invalid(`unexpected ${token}`);
  };
  const level = (n: number): Node => {
    if (n === LEVELS.length) return primary();
    let left = level(n + 1);
    while (peek() !== undefined && LEVELS[n]!.includes(peek()!.toUpperCase())) {
      const op = tokens[at++]!.toUpperCase();
      left = { type: 'bin', op, left, right: level(n + 1) };
    }
    return left;
  };
  const root = level(0);
  if (at !== tokens.length) throw invalid(`unexpected ${tokens[at]}`);
  return root;
};

const OPS: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '^': (a, b) => a ** b,
  '>': (a, b) => Number(a > b),
  '<': (a, b) => Number(a < b),
  '>=': (a, b) => Number(a >= b),
  '<=': (a, b) => Number(a <= b),
  '==': (a, b) => Number(a === b),
  '!=': (a, b) => Number(a !== b),
  AND: (a, b) => Number(a !== 0 && b !== 0),
  '&&': (a, b) => Number(a !== 0 && b !== 0),
  OR: (a, b) => Number(a !== 0 || b !== 0),
  '||': (a, b) => Number(a !== 0 || b !== 0),
};

const scalar = (value: number): MathValue => ({ kind: 'scalar', value });
const series = (list: TimeSeries[], array = list.length !== 1): MathValue => ({ kind: 'series', series: list, array });

/** Each point through `f`; a result that is not a finite number is no point. */
const mapPoints = (
  s: TimeSeries,
  f: (value: number, at: number) => number | undefined,
  label = s.label,
): TimeSeries => {
  const points = new Map<number, number>();
  for (const [at, value] of s.points) {
    const result = f(value, at);
    if (result !== undefined && Number.isFinite(result)) points.set(at, result);
  }
  return { label, points };
};

/** A binary operation: on numbers, on a series and a number, or point by point on two series (where both have a value). */
const binary = (op: string, left: MathValue, right: MathValue): MathValue => {
  const f = OPS[op]!;
  if (left.kind === 'string' || right.kind === 'string') throw invalid(`${op} needs numbers or time series`);
  if (left.kind === 'scalar' && right.kind === 'scalar') return scalar(f(left.value, right.value));
  if (left.kind === 'scalar')
    return series(
      (right as { series: TimeSeries[] }).series.map((s) => mapPoints(s, (v) => f(left.value, v))),
      right.kind === 'series' && right.array,
    );
  if (right.kind === 'scalar')
    return series(
      left.series.map((s) => mapPoints(s, (v) => f(v, right.value))),
      left.array,
    );
  if (left.array && right.array) throw invalid(`${op} cannot combine two arrays of time series`);
  const [many, one, flip] = left.array ? [left.series, right.series[0], false] : [right.series, left.series[0], true];
  if (!one) return series([]);
  return series(
    many.map((s) =>
      mapPoints(
        s,
        (v, at) => (one.points.has(at) ? (flip ? f(one.points.get(at)!, v) : f(v, one.points.get(at)!)) : undefined),
        flip ? one.label : s.label,
      ),
    ),
    left.array || right.array,
  );
};

export { parse as parseExpression, type Node as MathNode, binary, mapPoints, scalar, series, invalid };
