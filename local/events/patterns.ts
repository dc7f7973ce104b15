/**
 * EventBridge's event patterns, as Event Ruler (github.com/aws/event-ruler, the matcher EventBridge
 * runs) matches them. A pattern names fields of the event; a field whose pattern is an object is
 * matched field by field (nested), one whose pattern is a list matches when any leaf of the event's
 * value matches any member of the list (operators.ts). Ruler flattens the event into its leaves: an
 * array stands for its elements (arrays in arrays too), so a list matches when one element does and a
 * nested pattern when one object of an array of objects does; an object is no leaf, so a list (even
 * `exists`) sees a field whose value is an object as absent. `$or` at any level takes any of its
 * patterns.
 */
import { isObject, matchesMember } from './operators';

type Pattern = Record<string, unknown>;

/** A field's value as Ruler sees it: an array is its elements, arrays in arrays flattened. */
const elements = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]).flat(Infinity) : [value]);

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
    if (field === '$or' && Array.isArray(rule)) return rule.some((alternative) => isObject(alternative) && matchesPattern(alternative, event));
    if (Array.isArray(rule)) return matchesField(rule, event[field]);
    return isObject(rule) && matchesNested(rule, event[field]);
  });
