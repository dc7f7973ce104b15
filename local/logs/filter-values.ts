// What the filter pattern languages share: their errors, %regex% and `*` wildcards, and the values
// a JSON selector or a space-delimited field is compared with.
import { ServiceError } from '../support/errors';

/** Whether one log event's message matches. */
export type Matcher = (message: string) => boolean;

/** AWS's refusal of a pattern it cannot parse. */
export const invalidPattern = (reason: string): ServiceError =>
  new ServiceError('InvalidParameterException', `Invalid filter pattern: ${reason}`);

/**
 * A `%…%` regular expression, as CloudWatch takes them: no groups (parentheses) and no multi-byte
 * characters; the other metacharacters mean what they mean in JavaScript.
 */
export const regexOf = (source: string): RegExp => {
  if (/[()]/.test(source)) throw invalidPattern('parentheses are not supported in a regular expression');
  if (/[^\x20-\x7e]/.test(source))
    throw invalidPattern('multi-byte characters are not supported in a regular expression');
  try {
    return new RegExp(source);
  } catch {
    throw invalidPattern(`%${source}% is not a valid regular expression`);
  }
};

/** `*` in a value matches any run of characters; everything else is literal. */
export const wildcard = (value: string): RegExp =>
  new RegExp(
    `^${value
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

export type Operator = '=' | '!=' | '<' | '>' | '<=' | '>=';

/** The right side of a comparison: a number, a string (its `*` wildcards), or a %regex%. */
export type Operand = { number: number; text: string } | { pattern: RegExp; text: string };

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** An operand as the pattern wrote it: `"quoted"` (a string), `%regex%`, or a bare word (a number when it reads as one). */
export const operandOf = (raw: string, quoted: boolean): Operand => {
  if (!quoted && raw.length > 1 && raw.startsWith('%') && raw.endsWith('%'))
    return { pattern: regexOf(raw.slice(1, -1)), text: raw };
  if (!quoted && NUMBER.test(raw)) return { number: Number(raw), text: raw };
  return { pattern: wildcard(raw), text: raw };
};

/**
 * A value compared as CloudWatch compares: numbers with the six operators, strings (and the text of
 * numbers and booleans) by `=` and `!=` only, against wildcards or a regex. A missing value or an
 * object never matches.
 */
export const compare = (actual: unknown, operator: Operator, operand: Operand): boolean => {
  if (actual === undefined || (typeof actual === 'object' && actual !== null)) return false;
  if ('number' in operand) {
    const n =
      typeof actual === 'number' ? actual : typeof actual === 'string' && NUMBER.test(actual) ? Number(actual) : NaN;
    if (Number.isNaN(n)) return operator === '!=' && actual !== null;
    switch (operator) {
      case '=':
        return n === operand.number;
      case '!=':
        return n !== operand.number;
      case '<':
        return n < operand.number;
      case '>':
        return n > operand.number;
      case '<=':
        return n <= operand.number;
      case '>=':
        return n >= operand.number;
    }
  }
  if (actual === null) return false;
  const matches = operand.pattern.test(typeof actual === 'string' ? actual : JSON.stringify(actual));
  return operator === '=' ? matches : !matches;
};

/** Refuses an ordering of a string, which CloudWatch only compares for equality. */
export const checkOperator = (operator: Operator, operand: Operand): void => {
  if (!('number' in operand) && operator !== '=' && operator !== '!=')
    throw invalidPattern(`${operator} compares numbers only, not ${operand.text}`);
};
