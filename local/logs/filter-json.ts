// JSON filter patterns: `{ $.level = "ERROR" }`, `{ $.latency > 500 }`, `{ $.a[0].b IS NULL }`,
// `{ $.x NOT EXISTS }`, `{ $.ok IS TRUE }`, joined with `&&` and `||` and grouped with parentheses.
import {
  checkOperator,
  compare,
  invalidPattern,
  type Matcher,
  type Operand,
  type Operator,
  operandOf,
} from './filter-values';

type Step = string | number;
type Node =
  | { and: Node[] }
  | { or: Node[] }
  | { path: Step[]; operator: Operator; operand: Operand }
  | { path: Step[]; test: 'NULL' | 'TRUE' | 'FALSE' | 'EXISTS' | 'NOT EXISTS' };

interface Token {
  kind: 'op' | 'word' | 'string' | 'paren' | 'logic' | 'selector';
  text: string;
}

const TOKEN =
  /\s*(?:(\$[\w.[\]*-]*)|("(?:[^"\\]|\\.)*")|(&&|\|\|)|(!=|<=|>=|=|<|>)|([()])|(%[^%]*%)|([^\s()&|=<>!"]+))/y;

const tokenize = (body: string): Token[] => {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < body.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(body);
    if (!m) {
      if (body.slice(at).trim() === '') break;
      throw invalidPattern(`unexpected ${body.slice(at).trim().slice(0, 20)}`);
    }
    if (m[1]) tokens.push({ kind: 'selector', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'string', text: JSON.parse(m[2]) as string });
    else if (m[3]) tokens.push({ kind: 'logic', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'op', text: m[4] });
    else if (m[5]) tokens.push({ kind: 'paren', text: m[5] });
    else if (m[6] || m[7]) tokens.push({ kind: 'word', text: (m[6] ?? m[7])! });
    else break;
  }
  return tokens;
};

/** `$.a.b[0].c` as its steps; `$` alone is the whole event. */
const pathOf = (selector: string): Step[] => {
  const steps: Step[] = [];
  const re = /\.([\w-]+)|\[(\d+)\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < selector.length) {
    const m = re.exec(selector);
    if (!m) throw invalidPattern(`${selector} is not a valid selector`);
    steps.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  return steps;
};

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.i < this.tokens.length) throw invalidPattern(`unexpected ${this.tokens[this.i]!.text}`);
    return node;
  }

  private peek = () => this.tokens[this.i];
  private next = () => this.tokens[this.i++];

  private or(): Node {
    const parts = [this.and()];
    while (this.peek()?.text === '||') {
      this.i++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : { or: parts };
  }

  private and(): Node {
    const parts = [this.unary()];
    while (this.peek()?.text === '&&') {
      this.i++;
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0]! : { and: parts };
  }

  private unary(): Node {
    const token = this.next();
    if (token?.text === '(' && token.kind === 'paren') {
      const node = this.or();
      if (this.next()?.text !== ')') throw invalidPattern('a parenthesis is not closed');
      return node;
    }
    if (token?.kind !== 'selector')
      throw invalidPattern(`a selector ($.field) was expected${token ? ` before ${token.text}` : ''}`);
    return this.condition(pathOf(token.text));
  }

  private condition(path: Step[]): Node {
    const token = this.next();
    const word = token?.kind === 'word' ? token.text.toUpperCase() : undefined;
    if (word === 'IS') {
      const what = this.next()?.text.toUpperCase();
      if (what !== 'NULL' && what !== 'TRUE' && what !== 'FALSE') throw invalidPattern('IS takes NULL, TRUE or FALSE');
      return { path, test: what };
    }
    if (word === 'EXISTS') return { path, test: 'EXISTS' };
    if (word === 'NOT') {
      if (this.next()?.text.toUpperCase() !== 'EXISTS') throw invalidPattern('NOT takes EXISTS');
      return { path, test: 'NOT EXISTS' };
    }
    if (token?.kind !== 'op') throw invalidPattern('a comparison (=, !=, <, >, <=, >=), IS or EXISTS was expected');
    const value = this.next();
    if (!value || (value.kind !== 'word' && value.kind !== 'string'))
      throw invalidPattern(`${token.text} needs a value`);
    const operand = operandOf(value.text, value.kind === 'string');
    const operator = token.text as Operator;
    checkOperator(operator, operand);
    return { path, operator, operand };
  }
}

const select = (value: unknown, path: Step[]): unknown => {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof step === 'number' ? !Array.isArray(current) : Array.isArray(current)) return undefined;
    current = Object.hasOwn(current, step) ? (current as Record<Step, unknown>)[step] : undefined;
  }
  return current;
};

const evaluate = (node: Node, event: unknown): boolean => {
  if ('and' in node) return node.and.every((n) => evaluate(n, event));
  if ('or' in node) return node.or.some((n) => evaluate(n, event));
  const value = select(event, node.path);
  if ('operator' in node) return compare(value, node.operator, node.operand);
  switch (node.test) {
    case 'NULL':
      return value === null;
    case 'TRUE':
      return value === true;
    case 'FALSE':
      return value === false;
    case 'EXISTS':
      return value !== undefined;
    case 'NOT EXISTS':
      return value === undefined;
  }
};

/**
 * The JSON object of an event: the whole message, or (Lambda's text format) the object after the
 * `time\trequestId\tLEVEL\t` prefix.
 */
const eventOf = (message: string): unknown => {
  for (const start of [0, message.indexOf('\t{') + 1]) {
    if (start < 0 || message[start] !== '{') continue;
    try {
      return JSON.parse(message.slice(start)) as unknown;
    } catch {
      // not JSON from there
    }
  }
  return undefined;
};

export const jsonMatcher = (pattern: string): Matcher => {
  if (!pattern.endsWith('}')) throw invalidPattern('a JSON pattern must end with }');
  const node = new Parser(tokenize(pattern.slice(1, -1))).parse();
  return (message) => {
    const event = eventOf(message);
    return event !== undefined && typeof event === 'object' && event !== null && evaluate(node, event);
  };
};
