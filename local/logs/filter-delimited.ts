// Space-delimited filter patterns: `[ip, user, ..., status = 4*, bytes > 1000]`. The message's fields
// are separated by spaces; a "quoted" or [bracketed] run is one field. A bare name matches any field,
// `...` any number of them; a condition compares its field (`=`, `!=`, `<`, `>`, `<=`, `>=`), and
// `||` and `&&` join conditions on one field.
import {
  checkOperator,
  compare,
  invalidPattern,
  type Matcher,
  type Operand,
  type Operator,
  operandOf,
} from './filter-values';

type Condition = { operator: Operator; operand: Operand };
/** One field of the pattern: `...`, or alternatives (`||`) of conditions that must all hold (`&&`). */
type Field = 'ellipsis' | Condition[][];

const CONDITION = /^\s*([\w-]+)\s*(!=|<=|>=|=|<|>)\s*("(?:[^"\\]|\\.)*"|\S+)\s*$/;

const conditionOf = (text: string): Condition | undefined => {
  if (/^\s*[\w-]+\s*$/.test(text)) return undefined;
  const m = CONDITION.exec(text);
  if (!m) throw invalidPattern(`${text.trim()} is not a field, ... or a condition`);
  const quoted = m[3]!.startsWith('"');
  const operand = operandOf(quoted ? (JSON.parse(m[3]!) as string) : m[3]!, quoted);
  const operator = m[2] as Operator;
  checkOperator(operator, operand);
  return { operator, operand };
};

const fieldOf = (text: string): Field => {
  if (text.trim() === '...') return 'ellipsis';
  return text.split('||').map((alternative) =>
    alternative.split('&&').flatMap((part) => {
      const condition = conditionOf(part);
      return condition ? [condition] : [];
    }),
  );
};

/** A message's fields: split on spaces, a "quoted" or [bracketed] run kept whole (without its marks). */
export const fieldsOf = (message: string): string[] => {
  const fields: string[] = [];
  const re = /"([^"]*)"|\[([^\]]*)\]|(\S+)/g;
  for (const m of message.matchAll(re)) fields.push(m[1] ?? m[2] ?? m[3]!);
  return fields;
};

const fieldMatches = (field: Condition[][], value: string) =>
  field.some((conditions) => conditions.every((c) => compare(value, c.operator, c.operand)));

const matchFrom = (pattern: Field[], p: number, values: string[], v: number): boolean => {
  if (p === pattern.length) return v === values.length;
  const field = pattern[p]!;
  if (field === 'ellipsis') {
    for (let next = v; next <= values.length; next++) if (matchFrom(pattern, p + 1, values, next)) return true;
    return false;
  }
  return v < values.length && fieldMatches(field, values[v]!) && matchFrom(pattern, p + 1, values, v + 1);
};

export const delimitedMatcher = (pattern: string): Matcher => {
  if (!pattern.endsWith(']')) throw invalidPattern('a space-delimited pattern must end with ]');
  const body = pattern.slice(1, -1);
  if (body.trim() === '') throw invalidPattern('a space-delimited pattern names at least one field');
  const fields = body.split(',').map(fieldOf);
  if (fields.filter((f) => f === 'ellipsis').length > 2) throw invalidPattern('too many ... in one pattern');
  return (message) => matchFrom(fields, 0, fieldsOf(message), 0);
};
