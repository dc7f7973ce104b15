/**
 * The call syntax of Step Functions' intrinsic functions: `States.Name(arg, …)` where an argument
 * is a string literal in single quotes (escapes `\'` `\{` `\}` `\\`), a number, true, false, null,
 * a path (`$.a`, `$$.Execution.Id`, `$var.x`) or another call, nested at most 10 deep.
 */
import { ERRORS, StatesError, type Json } from './types';

/** A parsed argument or call. A string literal keeps `raw`, its text between the quotes, for States.Format. */
export type IntrinsicNode =
  | { kind: 'call'; name: string; args: IntrinsicNode[] }
  | { kind: 'literal'; value: Json; raw?: string }
  | { kind: 'path'; path: string };

/** AWS's limit on nested intrinsic functions in one field. */
export const MAX_NESTING = 10;

const NAME = /^States\.[A-Za-z0-9]+/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;
const KEYWORD = /^(true|false|null)(?![\w$.])/;

/** True when `text` is written as an intrinsic function call (`States.Name(`). */
export function isIntrinsic(text: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(text);
}

/** The characters a backslash escapes in an intrinsic string literal. */
export function unescapeLiteral(raw: string): string {
  return raw.replace(/\\(.)/gs, (whole, char: string) => ("'{}\\".includes(char) ? char : whole));
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  fail(reason: string): StatesError {
    return new StatesError(
      ERRORS.IntrinsicFailure,
      `Invalid intrinsic function '${this.text}': ${reason} at position ${this.pos}`,
    );
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text.charAt(this.pos))) this.pos += 1;
  }

  private rest(): string {
    return this.text.slice(this.pos);
  }

  parseTop(): IntrinsicNode {
    this.skipSpace();
    const call = this.parseCall(1);
    this.skipSpace();
    if (this.pos < this.text.length) throw this.fail(`unexpected '${this.rest()}'`);
    return call;
  }

  private parseCall(depth: number): IntrinsicNode {
    if (depth > MAX_NESTING) throw this.fail(`more than ${MAX_NESTING} nested intrinsic functions`);
    const name = NAME.exec(this.rest());
    if (!name) throw this.fail('expected a function name States.…');
    this.pos += name[0].length;
    this.skipSpace();
    if (this.text.charAt(this.pos) !== '(') throw this.fail("expected '('");
    this.pos += 1;
    const args: IntrinsicNode[] = [];
    this.skipSpace();
    if (this.text.charAt(this.pos) === ')') {
      this.pos += 1;
      return { kind: 'call', name: name[0], args };
    }
    for (;;) {
      args.push(this.parseArgument(depth));
      this.skipSpace();
      const next = this.text.charAt(this.pos);
      this.pos += 1;
      if (next === ')') return { kind: 'call', name: name[0], args };
      if (next !== ',') {
        this.pos -= 1;
        throw this.fail("expected ',' or ')'");
      }
    }
  }

  private parseArgument(depth: number): IntrinsicNode {
    this.skipSpace();
    const char = this.text.charAt(this.pos);
    if (char === "'") return this.parseString();
    if (char === '$') return this.parsePath();
    if (NAME.test(this.rest())) return this.parseCall(depth + 1);
    const keyword = KEYWORD.exec(this.rest());
    if (keyword) {
      this.pos += keyword[0].length;
      return { kind: 'literal', value: keyword[1] === 'null' ? null : keyword[1] === 'true' };
    }
    const number = NUMBER.exec(this.rest());
    if (number) {
      this.pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    throw this.fail(char === '' ? 'unexpected end' : `unexpected '${char}'`);
  }

  private parseString(): IntrinsicNode {
    const start = this.pos + 1;
    let i = start;
    while (i < this.text.length && this.text.charAt(i) !== "'") i += this.text.charAt(i) === '\\' ? 2 : 1;
    if (i >= this.text.length) throw this.fail('unterminated string literal');
    const raw = this.text.slice(start, i);
    this.pos = i + 1;
    return { kind: 'literal', value: unescapeLiteral(raw), raw };
  }

  /** A path runs to the first `,` or `)` outside brackets, parentheses and quotes. */
  private parsePath(): IntrinsicNode {
    const start = this.pos;
    let depth = 0;
    let quote = '';
    for (; this.pos < this.text.length; this.pos += 1) {
      const char = this.text.charAt(this.pos);
      if (quote) {
        if (char === '\\') this.pos += 1;
        else if (char === quote) quote = '';
      } else if (char === "'" || char === '"') quote = char;
      else if (char === '[' || char === '(') depth += 1;
      else if (char === ']' || char === ')') {
        if (depth === 0) break;
        depth -= 1;
      } else if (char === ',' && depth === 0) break;
    }
    if (quote || depth > 0) throw this.fail('unterminated path');
    return { kind: 'path', path: this.text.slice(start, this.pos).trim() };
  }
}

/** Parses an intrinsic function call; a syntax error is States.IntrinsicFailure naming where it stopped. */
export function parseIntrinsic(text: string): IntrinsicNode {
  return new Parser(text).parseTop();
}
