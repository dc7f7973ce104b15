/**
 * JSONPath Choice rules (AWS's "Choice workflow state"): And, Or, Not, and data-test rules that
 * compare `Variable` (a path into the input, `$$` or a workflow variable) with a literal or, for
 * the `…Path` operators, with what another path selects. A value of the wrong type does not match;
 * a path that selects nothing fails the state with States.Runtime, except under IsPresent.
 */
import { lookupPath } from './jsonpath';
import { compareTimestamps, isTimestamp } from './timestamp';
import { ERRORS, StatesError, type Json, type JsonObject, type Scope } from './types';

type Comparison = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';
type Kind = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';

const COMPARISONS: Comparison[] = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'];
const KINDS: Kind[] = ['String', 'Numeric', 'Boolean', 'Timestamp'];
const TYPE_TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

interface Operator {
  key: string;
  kind: Kind | 'Matches' | (typeof TYPE_TESTS)[number];
  comparison?: Comparison;
  path: boolean;
}

/** Every data-test operator by its ASL key: StringEquals, StringEqualsPath, …, StringMatches, IsNull… */
const OPERATORS = new Map<string, Operator>();
for (const kind of KINDS) {
  for (const comparison of kind === 'Boolean' ? (['Equals'] as Comparison[]) : COMPARISONS) {
    for (const path of [false, true]) {
      const key = `${kind}${comparison}${path ? 'Path' : ''}`;
      OPERATORS.set(key, { key, kind, comparison, path });
    }
  }
}
OPERATORS.set('StringMatches', { key: 'StringMatches', kind: 'Matches', path: false });
for (const test of TYPE_TESTS) OPERATORS.set(test, { key: test, kind: test, path: false });

function invalidPath(path: string): StatesError {
  return new StatesError(
    ERRORS.Runtime,
    `Invalid path '${path}': The choice state's condition path references an invalid value.`,
  );
}

function invalidRule(rule: JsonObject, reason: string): StatesError {
  return new StatesError(ERRORS.Runtime, `Invalid choice rule ${JSON.stringify(rule)}: ${reason}`);
}

function ordered(order: number, comparison: Comparison): boolean {
  switch (comparison) {
    case 'Equals':
      return order === 0;
    case 'LessThan':
      return order < 0;
    case 'GreaterThan':
      return order > 0;
    case 'LessThanEquals':
      return order <= 0;
    case 'GreaterThanEquals':
      return order >= 0;
  }
}

/** -1, 0 or 1 when both values are of the kind; null when either is not (which never matches). */
function order(kind: Kind, left: Json, right: Json): number | null {
  if (kind === 'String' || kind === 'Numeric') {
    const type = kind === 'String' ? 'string' : 'number';
    if (typeof left !== type || typeof right !== type) return null;
    return left === right ? 0 : (left as string | number) < (right as string | number) ? -1 : 1;
  }
  if (kind === 'Boolean') {
    return typeof left === 'boolean' && typeof right === 'boolean' ? (left === right ? 0 : 1) : null;
  }
  return typeof left === 'string' && typeof right === 'string' ? compareTimestamps(left, right) : null;
}

/** StringMatches: `*` matches any run of characters; `\*` is a literal asterisk, `\\` a backslash. */
export function stringMatches(value: string, pattern: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern.charAt(i);
    if (char === '\\' && i + 1 < pattern.length) {
      i += 1;
      source += pattern.charAt(i).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (char === '*') {
      source += '.*';
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's').test(value);
}

function typeTest(test: Operator['kind'], value: Json): boolean {
  switch (test) {
    case 'IsNull':
      return value === null;
    case 'IsNumeric':
      return typeof value === 'number';
    case 'IsString':
      return typeof value === 'string';
    case 'IsBoolean':
      return typeof value === 'boolean';
    default:
      return typeof value === 'string' && isTimestamp(value);
  }
}

function dataTest(rule: JsonObject, scope: Scope, operator: Operator): boolean {
  const variable = rule.Variable;
  if (typeof variable !== 'string') throw invalidRule(rule, "'Variable' must be a path");
  const expected = rule[operator.key] as Json;
  const lookup = lookupPath(variable, scope);
  if (operator.key === 'IsPresent') return typeof expected === 'boolean' && lookup.found === expected;
  if (!lookup.found) throw invalidPath(variable);
  if (operator.kind.startsWith('Is')) {
    return typeof expected === 'boolean' && typeTest(operator.kind, lookup.value) === expected;
  }
  if (operator.kind === 'Matches') {
    return typeof lookup.value === 'string' && typeof expected === 'string' && stringMatches(lookup.value, expected);
  }
  let other = expected;
  if (operator.path) {
    if (typeof expected !== 'string') throw invalidRule(rule, `'${operator.key}' must be a path`);
    const second = lookupPath(expected, scope);
    if (!second.found) throw invalidPath(expected);
    other = second.value;
  }
  const result = order(operator.kind as Kind, lookup.value, other);
  return result !== null && ordered(result, operator.comparison ?? 'Equals');
}

function subRules(rule: JsonObject, key: 'And' | 'Or'): JsonObject[] {
  const rules = rule[key];
  if (!Array.isArray(rules) || rules.length === 0)
    throw invalidRule(rule, `'${key}' must be a non-empty array of rules`);
  return rules.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw invalidRule(rule, `'${key}' holds a non-rule`);
    return item;
  });
}

/** True when the JSONPath Choice rule (a Choices entry or a nested rule) matches in the scope. */
export function matchesChoiceRule(rule: JsonObject, scope: Scope): boolean {
  if ('And' in rule) return subRules(rule, 'And').every((sub) => matchesChoiceRule(sub, scope));
  if ('Or' in rule) return subRules(rule, 'Or').some((sub) => matchesChoiceRule(sub, scope));
  if ('Not' in rule) {
    const inner = rule.Not;
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner))
      throw invalidRule(rule, "'Not' must be a rule");
    return !matchesChoiceRule(inner, scope);
  }
  const keys = Object.keys(rule).filter((key) => OPERATORS.has(key));
  if (keys.length !== 1) throw invalidRule(rule, 'a data-test rule needs exactly one comparison operator');
  return dataTest(rule, scope, OPERATORS.get(keys[0] as string) as Operator);
}
