import {
  binary,
  invalid,
  mapPoints,
  type MathContext,
  type MathNode,
  type MathValue,
  parseExpression,
  scalar,
  series,
  type TimeSeries,
} from './math';

type Fn = (args: MathValue[], context: MathContext) => MathValue;

const seriesOf = (value: MathValue, fn: string): TimeSeries[] => {
  if (value.kind !== 'series') throw invalid(`${fn} needs a time series`);
  return value.series;
};

const numberOf = (value: MathValue | undefined, fn: string): number => {
  if (value?.kind !== 'scalar') throw invalid(`${fn} needs a number`);
  return value.value;
};

const unary =
  (f: (v: number) => number): Fn =>
  ([x]) => {
    if (!x) throw invalid('missing argument');
    if (x.kind === 'scalar') return scalar(f(x.value));
    if (x.kind === 'string') throw invalid('a function of numbers got a string');
    return series(
      x.series.map((s) => mapPoints(s, f)),
      x.array,
    );
  };

const REDUCERS: Record<string, (values: number[]) => number> = {
  SUM: (v) => v.reduce((a, b) => a + b, 0),
  AVG: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  MIN: (v) => Math.min(...v),
  MAX: (v) => Math.max(...v),
  STDDEV: (v) => Math.sqrt(v.reduce((a, b) => a + (b - v.reduce((x, y) => x + y, 0) / v.length) ** 2, 0) / v.length),
};

/** SUM, AVG, MIN, MAX of an array of time series: one series, point by point; of one series: a number. */
const reducer =
  (name: string): Fn =>
  ([x]) => {
    const reduce = REDUCERS[name]!;
    if (!x || x.kind !== 'series') throw invalid(`${name} needs a time series`);
    if (!x.array) {
      const values = [...(x.series[0]?.points.values() ?? [])];
      return values.length ? scalar(reduce(values)) : series([]);
    }
    const byTime = new Map<number, number[]>();
    for (const s of x.series) for (const [at, v] of s.points) byTime.set(at, [...(byTime.get(at) ?? []), v]);
    const points = new Map([...byTime].sort(([a], [b]) => a - b).map(([at, values]) => [at, reduce(values)]));
    return series([{ label: name, points }], false);
  };

/** FILL(x, value | REPEAT | LINEAR): a value at every period of the range. */
const fill: Fn = ([x, how], context) => {
  if (!x) throw invalid('FILL needs a time series');
  const strategy = how?.kind === 'series' || how?.kind === 'scalar' ? undefined : how?.value.toUpperCase();
  const filled = seriesOf(x, 'FILL').map((s) => {
    const points = new Map<number, number>();
    let previous: number | undefined;
    for (const at of context.grid) {
      const own = s.points.get(at);
      const value =
        own ??
        (strategy === 'REPEAT'
          ? previous
          : how?.kind === 'scalar'
            ? how.value
            : how?.kind === 'series'
              ? how.series[0]?.points.get(at)
              : undefined);
      if (value !== undefined) points.set(at, value);
      if (own !== undefined) previous = own;
    }
    return { label: s.label, points };
  });
  if (strategy && strategy !== 'REPEAT') throw invalid(`FILL's second argument is a number, a time series or REPEAT`);
  return series(filled, x.kind === 'series' && x.array);
};

/** IF(condition, then[, else]): at each timestamp of the condition, the value of `then` or `else` there. */
const ifFn: Fn = ([condition, then, otherwise]) => {
  if (!condition || !then) throw invalid('IF needs a condition and a value');
  const valueAt = (value: MathValue | undefined, at: number): number | undefined =>
    value?.kind === 'scalar' ? value.value : value?.kind === 'series' ? value.series[0]?.points.get(at) : undefined;
  if (condition.kind === 'scalar') return condition.value !== 0 ? then : (otherwise ?? series([]));
  return series(
    seriesOf(condition, 'IF').map((s) => mapPoints(s, (v, at) => valueAt(v !== 0 ? then : otherwise, at))),
    condition.kind === 'series' && condition.array,
  );
};

const FUNCTIONS: Record<string, Fn> = {
  ABS: unary(Math.abs),
  CEIL: unary(Math.ceil),
  FLOOR: unary(Math.floor),
  LOG: unary(Math.log),
  LOG10: unary(Math.log10),
  SQRT: unary(Math.sqrt),
  SUM: reducer('SUM'),
  AVG: reducer('AVG'),
  MIN: reducer('MIN'),
  MAX: reducer('MAX'),
  STDDEV: reducer('STDDEV'),
  FILL: fill,
  IF: ifFn,
  PERIOD: (_args, context) => scalar(context.periodSeconds),
  RUNNING_SUM: ([x]) => {
    if (x?.kind !== 'series') throw invalid('RUNNING_SUM needs a time series');
    return series(
      x.series.map((s) => {
        let total = 0;
        return mapPoints(s, (v) => (total += v));
      }),
      x.array,
    );
  },
  METRICS: ([filter], context) => {
    const text = filter?.kind === 'string' ? filter.value : '';
    return series(
      context.metrics().filter((s) => s.label.includes(text)),
      true,
    );
  },
  SEARCH: ([query, stat, period], context) => {
    if (query?.kind !== 'string' || stat?.kind !== 'string')
      throw invalid(
        "SEARCH takes a query, a statistic and a period: SEARCH('{Namespace,Dimension} MetricName=\"Name\"', 'Sum', 300)",
      );
    return series(
      context.search(query.value, stat.value, period ? numberOf(period, 'SEARCH') : context.periodSeconds),
      true,
    );
  },
};

/** Bare words that are arguments, not ids (FILL's REPEAT and LINEAR). */
const KEYWORDS = /^(REPEAT|LINEAR)$/i;

const evaluateNode = (node: MathNode, context: MathContext): MathValue => {
  switch (node.type) {
    case 'num':
      return scalar(node.value);
    case 'str':
      return { kind: 'string', value: node.value };
    case 'neg':
      return binary('-', scalar(0), evaluateNode(node.arg, context));
    case 'bin':
      return binary(node.op, evaluateNode(node.left, context), evaluateNode(node.right, context));
    case 'list':
      return series(
        node.items.flatMap((item) => seriesOf(evaluateNode(item, context), 'an array')),
        true,
      );
    case 'id': {
      if (KEYWORDS.test(node.name)) return { kind: 'string', value: node.name };
      const found = context.ref(node.name);
      if (!found) throw invalid(`no metric or expression has the id ${node.name}`);
      return series(found, found.length !== 1);
    }
    case 'call': {
      const fn = FUNCTIONS[node.name];
      if (!fn) throw invalid(`the local cloud does not support the function ${node.name}`);
      return fn(
        node.args.map((arg) => evaluateNode(arg, context)),
        context,
      );
    }
  }
};

/** Evaluates a metric math expression (GetMetricData's `Expression`) against the other queries of the request. */
export const evaluateExpression = (expression: string, context: MathContext): MathValue =>
  evaluateNode(parseExpression(expression), context);

/** The ids an expression refers to (to evaluate the queries it needs first). */
export const referencedIds = (expression: string): string[] => {
  const ids: string[] = [];
  const visit = (node: MathNode) => {
    if (node.type === 'id' && !KEYWORDS.test(node.name)) ids.push(node.name);
    if (node.type === 'neg') visit(node.arg);
    if (node.type === 'bin') [node.left, node.right].forEach(visit);
    if (node.type === 'call') node.args.forEach(visit);
    if (node.type === 'list') node.items.forEach(visit);
  };
  visit(parseExpression(expression));
  return ids;
};

/** The results of an expression as time series (a number becomes one point per period of the range). */
export const asSeries = (value: MathValue, label: string, grid: number[]): TimeSeries[] => {
  if (value.kind === 'scalar') return [{ label, points: new Map(grid.map((at) => [at, value.value])) }];
  if (value.kind === 'string') throw invalid('an expression must give a number or a time series, not a string');
  return value.series;
};
