/**
 * EventBridge's event patterns, as AWS matches them: a pattern names fields of the event; a field whose
 * pattern is an object is matched field by field (nested), one whose pattern is an array matches when
 * the event's value (or, for an array in the event, any of its elements) matches any member of it.
 * Members: a string, number, boolean or null, equal to the value (a string never equals a number);
 * `prefix`, `suffix`, `equals-ignore-case`, `wildcard`; `anything-but` (values, or a prefix/suffix/
 * equals-ignore-case); `numeric` comparisons; `exists`. `$or` at any level takes any of its patterns.
 */
type Value = unknown;
type Pattern = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const wildcard = (pattern: string, value: string): boolean => {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
};

/** `{ numeric: ['>', 0, '<=', 5] }`: every comparison holds. */
const numeric = (conditions: unknown[], value: Value): boolean => {
  if (typeof value !== 'number') return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const bound = Number(conditions[i + 1]);
    const holds = { '=': value === bound, '<': value < bound, '<=': value <= bound, '>': value > bound, '>=': value >= bound }[String(conditions[i])];
    if (!holds) return false;
  }
  return true;
};

/** The text of a rule's operand (a pattern member's value is JSON: a string, a number …). */
const text = (operand: unknown): string => (typeof operand === 'string' ? operand : JSON.stringify(operand));

/** A string rule (`prefix`, `suffix`, `equals-ignore-case`, `wildcard`): its own or under `anything-but`. */
const stringRule = (rule: Record<string, unknown>, value: Value): boolean | undefined => {
  const { prefix, suffix, wildcard: glob } = rule;
  const ignoreCase = rule['equals-ignore-case'];
  if (prefix === undefined && suffix === undefined && ignoreCase === undefined && glob === undefined) return undefined;
  if (typeof value !== 'string') return false;
  if (isObject(prefix)) return value.toLowerCase().startsWith(text(prefix['equals-ignore-case']).toLowerCase());
  if (prefix !== undefined) return value.startsWith(text(prefix));
  if (isObject(suffix)) return value.toLowerCase().endsWith(text(suffix['equals-ignore-case']).toLowerCase());
  if (suffix !== undefined) return value.endsWith(text(suffix));
  if (ignoreCase !== undefined) return value.toLowerCase() === text(ignoreCase).toLowerCase();
  return wildcard(text(glob), value);
};

const anythingBut = (rule: unknown, value: Value): boolean => {
  if (value === undefined) return false;
  if (isObject(rule)) return !(stringRule(rule, value) ?? false);
  return ![rule].flat().some((excluded) => excluded === value);
};

/** One member of a field's array against one value of the event (undefined: the field is absent). */
const matchesMember = (member: unknown, value: Value): boolean => {
  if (!isObject(member)) return value !== undefined && member === value;
  if (member.exists !== undefined) return member.exists === (value !== undefined);
  if (member['anything-but'] !== undefined) return anythingBut(member['anything-but'], value);
  if (Array.isArray(member.numeric)) return numeric(member.numeric, value);
  return stringRule(member, value) ?? false;
};

const matchesField = (members: unknown[], value: Value): boolean => {
  if (Array.isArray(value)) return value.length === 0 ? members.some((m) => matchesMember(m, undefined)) : value.some((v) => members.some((m) => matchesMember(m, v)));
  return members.some((member) => matchesMember(member, value));
};

/** Whether an event (or a nested part of one) matches a pattern. */
export const matchesPattern = (pattern: Pattern, event: Record<string, unknown>): boolean =>
  Object.entries(pattern).every(([field, rule]) => {
    if (field === '$or' && Array.isArray(rule)) return rule.some((alternative) => isObject(alternative) && matchesPattern(alternative, event));
    const value = event[field];
    if (Array.isArray(rule)) return matchesField(rule, value);
    if (!isObject(rule)) return false;
    // A nested pattern on an absent field still matches when all it asks is that things do not exist.
    return matchesPattern(rule, isObject(value) ? value : {});
  });
