/**
 * EventBridge's event patterns, as Event Ruler (github.com/aws/event-ruler, the matcher EventBridge
 * runs) matches them. A pattern names fields of the event; a field whose pattern is an object is
 * matched field by field (nested), one whose pattern is a list matches when any leaf of the event's
 * value matches any member of the list (operators.ts). Ruler flattens the event into its leaves: an
 * array stands for its elements (arrays in arrays too), so a list matches when one element does and a
 * nested pattern when one object of an array of objects does; an object is no leaf, so a list (even
 * `exists`) sees a field whose value is an object as absent. `$or` at any level takes any of its
 * patterns. `validatePattern` refuses what EventBridge refuses when a rule is created.
 */
import { ServiceError } from '../support/errors';
import { isObject, matchesMember, memberError } from './operators';

type Pattern = Record<string, unknown>;

/** A field's value as Ruler sees it: an array is its elements, arrays in arrays flattened. */
const elements = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as unknown[]).flat(Infinity) : [value];

/** A list against a field: any leaf matching any member; with no leaf (absent, an object, `[]`), what holds of an absent field. */
const matchesField = (members: unknown[], value: unknown): boolean => {
  const leaves = elements(value).filter((element) => !isObject(element));
  if (leaves.length === 0) return members.some((member) => matchesMember(member, undefined));
  return leaves.some((leaf) => members.some((member) => matchesMember(member, leaf)));
};

/**
 * A nested pattern against the field's object, or any one object of an array of them (all of its
 * fields from that one object, as Ruler's rulesForJSONEvent does); with no object, against nothing,
 * where only absence (`exists: false`) holds.
 */
const matchesNested = (pattern: Pattern, value: unknown): boolean => {
  const objects = elements(value).filter(isObject);
  return objects.length === 0 ? matchesPattern(pattern, {}) : objects.some((object) => matchesPattern(pattern, object));
};

/** Whether an event (or a nested part of one) matches a pattern. */
export const matchesPattern = (pattern: Pattern, event: Record<string, unknown>): boolean =>
  Object.entries(pattern).every(([field, rule]) => {
    if (field === '$or' && Array.isArray(rule))
      return rule.some((alternative) => isObject(alternative) && matchesPattern(alternative, event));
    if (Array.isArray(rule)) return matchesField(rule, event[field]);
    return isObject(rule) && matchesNested(rule, event[field]);
  });

/** Names Ruler keeps for itself: no field inside a `$or` may have one. */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const orError = (alternatives: unknown): string | undefined => {
  if (!Array.isArray(alternatives)) return 'It must be an Array followed with $or.';
  if (!alternatives.every(isObject)) return 'Only JSON object is allowed in array of $or relationship.';
  if (alternatives.length < 2) return 'There must have at least 2 Objects in $or relationship.';
  for (const alternative of alternatives) {
    const error = objectError(alternative, true);
    if (error) return error;
  }
  return undefined;
};

const fieldError = (field: string, rule: unknown, inOr: boolean): string | undefined => {
  if (field === '$or') return orError(rule);
  if (inOr && RESERVED_IN_OR.has(field)) return `${field} is Ruler reserved fieldName which cannot be used inside $or.`;
  if (isObject(rule)) return objectError(rule, inOr);
  if (!Array.isArray(rule)) return `"${field}" must be an object or an array`;
  if (rule.length === 0) return 'Empty arrays are not allowed';
  for (const member of rule) {
    const error = memberError(member);
    if (error) return error;
  }
  return undefined;
};

function objectError(pattern: Record<string, unknown>, inOr: boolean): string | undefined {
  const fields = Object.entries(pattern);
  if (fields.length === 0) return 'Empty objects are not allowed';
  for (const [field, rule] of fields) {
    const error = fieldError(field, rule, inOr);
    if (error) return error;
  }
  return undefined;
}

/**
 * Refuses a pattern EventBridge would refuse (PutRule, or the rule's deployment): InvalidEventPatternException
 * with Ruler's reason. Checked: the shape (objects and non-empty lists, no empty object), each member's
 * operator and operand, `$or` (a list of at least two patterns, without Ruler's reserved names inside),
 * wildcards (no `**`, `\` escapes only `*` and `\`) and CIDR blocks. Not checked: numeric bounds' range,
 * the pattern's size.
 */
export const validatePattern = (pattern: unknown): void => {
  const reason = isObject(pattern) ? objectError(pattern, false) : 'Filter is not an object';
  if (reason) throw new ServiceError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`);
};
