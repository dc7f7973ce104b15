import { ServiceError } from '../support/errors';

// X-Ray's filter expressions (GetTraceSummaries' FilterExpression), parsed into a tree that
// filter.ts evaluates against a trace. What is understood:
//   keywords      ok, error, fault, throttle, partial (alone, or `= true|false`)
//   numbers       responsetime, duration, http.status  with = != < <= > >=
//   strings       http.url, http.method, http.useragent, http.clientip  with = != CONTAINS BEGINSWITH ENDSWITH
//   annotations   annotation.<key> (or annotation[<key>]) compared to a string, a number or true/false
//   services      service("name"), service(id(name: "n", type: "AWS::Lambda")), service() { <expression> }
//                 id("name") / id(name: …, type: …): the trace has that service
//   trace id      traceid = "1-…"
//   logic         and &&, or ||, not !, parentheses (and binds tighter than or)

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'beginswith' | 'endswith';
export type Value = string | number | boolean;
export interface ServiceMatcher {
  name?: string;
  type?: string;
}

export type Expression =
  | { kind: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'not'; expression: Expression }
  | { kind: 'flag'; flag: 'ok' | 'error' | 'fault' | 'throttle' | 'partial'; value: boolean }
  | { kind: 'compare'; field: string; operator: Operator; value: Value }
  | { kind: 'service'; service: ServiceMatcher; expression?: Expression };

interface Token {
  type: 'string' | 'number' | 'word' | 'symbol';
  text: string;
  at: number;
}

const invalid = (message: string) =>
  new ServiceError('InvalidRequestException', `Invalid filter expression: ${message}`);

const SYMBOLS = ['&&', '||', '!=', '<=', '>=', '=', '<', '>', '!', '(', ')', '{', '}', ',', ':', '[', ']'];

const tokenize = (source: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let text = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== c; j++) text += source[j] === '\\' ? (source[++j] ?? '') : source[j];
      if (j >= source.length) throw invalid(`the string at position ${i} is not closed`);
      tokens.push({ type: 'string', text, at: i });
      i = j + 1;
    } else if (/[-\d]/.test(c) && /^-?\d/.test(source.slice(i, i + 2))) {
      const match = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(source.slice(i))!;
      tokens.push({ type: 'number', text: match[0], at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][\w.-]*/.exec(source.slice(i))!;
      tokens.push({ type: 'word', text: match[0], at: i });
      i += match[0].length;
    } else {
      const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
      if (!symbol) throw invalid(`unexpected '${c}' at position ${i}`);
      tokens.push({ type: 'symbol', text: symbol, at: i });
      i += symbol.length;
    }
  }
  return tokens;
};

const FLAGS = new Set(['ok', 'error', 'fault', 'throttle', 'partial']);
const NUMERIC = new Set(['responsetime', 'duration', 'http.status']);
const TEXT = new Set(['http.url', 'http.method', 'http.useragent', 'http.clientip', 'traceid']);
const WORD_OPERATORS = new Set(['contains', 'beginswith', 'endswith']);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expression {
    const expression = this.or();
    const rest = this.tokens[this.i];
    if (rest) throw invalid(`unexpected '${rest.text}' at position ${rest.at}`);
    return expression;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.type === 'word' && token.text.toLowerCase() === word;
  }

  private isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token?.type === 'symbol' && token.text === symbol;
  }

  private next(what: string): Token {
    const token = this.tokens[this.i++];
    if (!token) throw invalid(`expected ${what} at the end`);
    return token;
  }

  private expect(symbol: string): void {
    const token = this.next(`'${symbol}'`);
    if (token.type !== 'symbol' || token.text !== symbol)
      throw invalid(`expected '${symbol}' at position ${token.at}, found '${token.text}'`);
  }

  private or(): Expression {
    let left = this.and();
    while (this.isWord('or') || this.isSymbol('||')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expression {
    let left = this.unary();
    while (this.isWord('and') || this.isSymbol('&&')) {
      this.i++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expression {
    if (this.isWord('not') || this.isSymbol('!')) {
      this.i++;
      return { kind: 'not', expression: this.unary() };
    }
    if (this.isSymbol('(')) {
      this.i++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    return this.predicate();
  }

  private predicate(): Expression {
    const token = this.next('a condition');
    if (token.type !== 'word') throw invalid(`expected a condition at position ${token.at}, found '${token.text}'`);
    const word = token.text.toLowerCase();
    if (word === 'service') return this.service();
    if (word === 'id') return { kind: 'service', service: this.id() };
    if (FLAGS.has(word)) return this.flag(word as 'ok');
    if (word === 'annotation' && this.isSymbol('[')) {
      this.i++;
      const key = this.next('an annotation key');
      this.expect(']');
      return this.comparison(`annotation.${key.text}`, 'any');
    }
    if (word.startsWith('annotation.') && word.length > 11)
      return this.comparison(`annotation.${token.text.slice(11)}`, 'any');
    if (NUMERIC.has(word)) return this.comparison(word, 'number');
    if (TEXT.has(word)) return this.comparison(word, 'string');
    throw invalid(`unknown keyword '${token.text}' at position ${token.at}`);
  }

  private flag(flag: 'ok'): Expression {
    if (!this.isSymbol('=') && !this.isSymbol('!=')) return { kind: 'flag', flag, value: true };
    const negated = this.next('=').text === '!=';
    const value = this.value();
    if (typeof value !== 'boolean') throw invalid(`${flag} compares only to true or false`);
    return { kind: 'flag', flag, value: value !== negated };
  }

  private comparison(field: string, type: 'number' | 'string' | 'any'): Expression {
    const token = this.next(`an operator after ${field}`);
    const operator = (token.type === 'word' ? token.text.toLowerCase() : token.text) as Operator;
    const ordered = ['<', '<=', '>', '>='].includes(operator);
    const textual = WORD_OPERATORS.has(operator);
    if (!(textual || ordered || operator === '=' || operator === '!='))
      throw invalid(`expected an operator after ${field} at position ${token.at}, found '${token.text}'`);
    const value = this.value();
    if (type === 'number' && typeof value !== 'number') throw invalid(`${field} compares to a number`);
    if ((type === 'string' || textual) && typeof value !== 'string')
      throw invalid(`${field} ${operator} needs a string`);
    if (ordered && typeof value !== 'number') throw invalid(`${operator} compares to a number`);
    return { kind: 'compare', field, operator, value };
  }

  private value(): Value {
    const token = this.next('a value');
    if (token.type === 'string') return token.text;
    if (token.type === 'number') return Number(token.text);
    if (token.type === 'word' && /^(true|false)$/i.test(token.text)) return token.text.toLowerCase() === 'true';
    throw invalid(`expected a value at position ${token.at}, found '${token.text}'`);
  }

  /** `service("name")`, `service(id(…))`, `service()`, each optionally followed by `{ expression }`. */
  private service(): Expression {
    this.expect('(');
    let service: ServiceMatcher = {};
    if (this.isWord('id')) {
      this.i++;
      service = this.id();
    } else if (!this.isSymbol(')')) service = { name: this.string('a service name') };
    this.expect(')');
    if (!this.isSymbol('{')) return { kind: 'service', service };
    this.i++;
    const expression = this.or();
    this.expect('}');
    return { kind: 'service', service, expression };
  }

  /** `id("name")` or `id(name: "n", type: "t", account.id: "…")`. */
  private id(): ServiceMatcher {
    this.expect('(');
    if (this.peek()?.type === 'string') {
      const name = this.string('a name');
      this.expect(')');
      return { name };
    }
    const matcher: ServiceMatcher = {};
    while (!this.isSymbol(')')) {
      const key = this.next('name or type').text.toLowerCase();
      this.expect(':');
      const value = this.string(`the ${key}`);
      if (key === 'name') matcher.name = value;
      else if (key === 'type') matcher.type = value;
      else if (key !== 'account.id') throw invalid(`id() takes name, type and account.id, not '${key}'`);
      if (this.isSymbol(',')) this.i++;
    }
    this.expect(')');
    return matcher;
  }

  private string(what: string): string {
    const token = this.next(what);
    if (token.type !== 'string') throw invalid(`expected ${what} (a quoted string) at position ${token.at}`);
    return token.text;
  }
}

/** The longest expression taken (X-Ray's own limit is a few thousand characters). */
const MAX_LENGTH = 2000;

export const parseFilter = (source: string): Expression | undefined => {
  if (source.length > MAX_LENGTH) throw invalid(`it is longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(source);
  if (tokens.length === 0) return undefined;
  return new Parser(tokens).parse();
};
