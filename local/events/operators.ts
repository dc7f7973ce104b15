/**
 * EventBridge's comparison operators: one member of a field's list in a pattern against one leaf value
 * of the event, as Event Ruler (github.com/aws/event-ruler, the matcher EventBridge runs) compiles and
 * matches them, and the checks Ruler makes of a member when a rule is created (`memberError`, whose
 * messages are Ruler's). A leaf is a string, number, boolean or null; `undefined` is no leaf there.
 */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const REGEXPS = new Map<string, RegExp>();

/** A wildcard value as a regular expression: `*` is any run of characters, `\*` an asterisk, `\\` a backslash, the rest literal. */
const wildcardRegExp = (pattern: string): RegExp => {
  let regexp = REGEXPS.get(pattern);
  if (!regexp) {
    const source = pattern.replace(/\\[*\\]|\*|[.+?^${}()|[\]\\]/g, (token) =>
      token === '*' ? '.*' : `\\${token.at(-1)}`,
    );
    regexp = new RegExp(`^${source}$`, 's');
    REGEXPS.set(pattern, regexp);
  }
  return regexp;
};

/** Why Ruler refuses a wildcard value: two `*` in a row, or a backslash that escapes neither `*` nor `\`. */
const wildcardError = (pattern: string): string | undefined => {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*' && pattern[i + 1] === '*') return `Consecutive wildcard characters at pos ${i}`;
    if (pattern[i] !== '\\') continue;
    if (pattern[i + 1] !== '*' && pattern[i + 1] !== '\\') return `Invalid escape character at pos ${i}`;
    i++;
  }
  return undefined;
};

interface Ip {
  bits: 32 | 128;
  value: bigint;
}

const ipv4 = (text: string): bigint | undefined => {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)?.slice(1).map(Number);
  if (!parts || parts.some((part) => part > 255)) return undefined;
  return parts.reduce((value, part) => (value << 8n) | BigInt(part), 0n);
};

/** Eight groups of 1 to 4 hex digits, or fewer around one `::` that stands for the missing zero groups. */
const ipv6 = (text: string): bigint | undefined => {
  const halves = text.split('::').map((half) => (half === '' ? [] : half.split(':')));
  const written = halves.flat();
  if (halves.length > 2 || written.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  if (halves.length === 1 ? written.length !== 8 : written.length > 7) return undefined;
  const groups =
    halves.length === 1 ? written : [...halves[0]!, ...Array<string>(8 - written.length).fill('0'), ...halves[1]!];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
};

const parseIp = (text: string): Ip | undefined => {
  const v4 = ipv4(text);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = ipv6(text);
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
};

/** A CIDR block (IPv4 or IPv6) as the range of addresses it covers; the host bits written in it do not count. */
const parseCidr = (text: string): { bits: number; low: bigint; high: bigint } | undefined => {
  const slashed = /^([^/]+)\/(\d{1,3})$/.exec(text);
  const ip = slashed && parseIp(slashed[1]!);
  const mask = Number(slashed?.[2]);
  if (!ip || mask > ip.bits) return undefined;
  const host = (1n << BigInt(ip.bits - mask)) - 1n;
  return { bits: ip.bits, low: ip.value & ~host, high: ip.value | host };
};

const inCidr = (operand: unknown, value: unknown): boolean => {
  const block = typeof operand === 'string' ? parseCidr(operand) : undefined;
  const ip = typeof value === 'string' ? parseIp(value) : undefined;
  return !!block && !!ip && ip.bits === block.bits && ip.value >= block.low && ip.value <= block.high;
};

/** An exact value: the same JSON value (3.018e2 is 301.8; a string never equals a number). Ruler reads an IP address in a pattern as that address, however the event writes it. */
const equals = (member: unknown, value: unknown): boolean => {
  if (member === value) return true;
  const [a, b] = typeof member === 'string' && typeof value === 'string' ? [parseIp(member), parseIp(value)] : [];
  return !!a && !!b && a.bits === b.bits && a.value === b.value;
};

/** `{ numeric: ['>', 0, '<=', 5] }`: the value is a JSON number and every comparison holds. */
const numeric = (conditions: unknown, value: unknown): boolean => {
  if (!Array.isArray(conditions) || typeof value !== 'number') return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const bound = Number(conditions[i + 1]);
    const holds = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[String(conditions[i])];
    if (!holds) return false;
  }
  return true;
};

const STRING_TESTS: Record<string, (operand: string, value: string) => boolean> = {
  prefix: (operand, value) => value.startsWith(operand),
  suffix: (operand, value) => value.endsWith(operand),
  'equals-ignore-case': (operand, value) => value.toLowerCase() === operand.toLowerCase(),
  wildcard: (operand, value) => wildcardRegExp(operand).test(value),
};

/** A string operator on a string: its operand one string or (under anything-but) a list of them, any of which matches; `prefix`/`suffix` may take `{ equals-ignore-case }`. */
const stringMatches = (name: string, operand: unknown, value: string): boolean => {
  const test = STRING_TESTS[name]!;
  if (isObject(operand)) {
    const ignoringCase = operand['equals-ignore-case'];
    return (
      (name === 'prefix' || name === 'suffix') &&
      typeof ignoringCase === 'string' &&
      test(ignoringCase.toLowerCase(), value.toLowerCase())
    );
  }
  return [operand].flat().some((each) => typeof each === 'string' && test(each, value));
};

/** `anything-but`: a value, a list of values, or a string operator (`prefix`, `suffix`, `equals-ignore-case`, `wildcard`) with one operand or a list; a value that is not a string is never excluded by a string operator. An absent field is no value. */
const anythingBut = (operand: unknown, value: unknown): boolean => {
  if (value === undefined) return false;
  if (!isObject(operand)) return ![operand].flat().some((excluded) => excluded === value);
  const [name, inner] = Object.entries(operand)[0] ?? [];
  if (name === undefined || !(name in STRING_TESTS)) return false;
  return typeof value !== 'string' || !stringMatches(name, inner, value);
};

const OPERATORS: Record<string, (operand: unknown, value: unknown) => boolean> = {
  exists: (operand, value) => operand === (value !== undefined),
  'anything-but': anythingBut,
  numeric,
  cidr: inCidr,
  ...Object.fromEntries(
    Object.keys(STRING_TESTS).map((name) => [
      name,
      (operand: unknown, value: unknown) => typeof value === 'string' && stringMatches(name, operand, value),
    ]),
  ),
};

/** One member of a field's list (a value, or `{ operator: operand }`) against one leaf of the event (undefined: the field has none). */
export const matchesMember = (member: unknown, value: unknown): boolean => {
  if (!isObject(member)) return value !== undefined && equals(member, value);
  const [name, operand] = Object.entries(member)[0] ?? [];
  const operator = name === undefined ? undefined : OPERATORS[name];
  return operator !== undefined && operator(operand, value);
};

const isString = (value: unknown): value is string => typeof value === 'string';

const affixError = (name: string) => (operand: unknown) => {
  if (!isObject(operand)) return isString(operand) ? undefined : `${name} match pattern must be a string`;
  const keys = Object.keys(operand);
  if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') return `Unsupported ${name} pattern: ${keys.join(', ')}`;
  return isString(operand['equals-ignore-case']) ? undefined : 'equals-ignore-case match pattern must be a string';
};

/** `=`, `<`, `<=` and one number; or `>`/`>=` and a number, then optionally `<`/`<=` and a number. */
const numericError = (operand: unknown): string | undefined => {
  if (!Array.isArray(operand)) return 'Value of numeric must be an array.';
  const [operator, bound, upper, top] = operand as unknown[];
  if (!isString(operator)) return `Invalid member in numeric match: ${JSON.stringify(operator)}`;
  if (!['=', '<', '<=', '>', '>='].includes(operator)) return `Unrecognized numeric range operator: ${operator}`;
  if (typeof bound !== 'number') return `Value of ${operator} must be numeric`;
  if (operand.length === 2) return undefined;
  if (!operator.startsWith('>')) return 'Too many elements in numeric expression';
  if (upper !== '<' && upper !== '<=') return `Bad numeric range operator: ${JSON.stringify(upper)}`;
  if (typeof top !== 'number') return `Value of ${upper} must be numeric`;
  return operand.length === 4 ? undefined : 'Too many terms in numeric range expression';
};

const anythingButListError = (list: unknown[]): string | undefined => {
  if (list.some((value) => !isString(value) && typeof value !== 'number'))
    return 'Inside anything but list, start|null|boolean is not supported.';
  const strings = list.filter(isString).length;
  if (list.length === 0 || (strings !== 0 && strings !== list.length))
    return 'Inside anything but list, either all values are number or string, mixed type is not supported';
  return undefined;
};

/** Under anything-but, a string operator takes a string or a list of strings (prefix and suffix: not empty ones). */
const anythingButOperatorError = (name: string, operand: unknown): string | undefined => {
  if (!(name in STRING_TESTS)) return `Unsupported anything-but pattern: ${name}`;
  for (const value of [operand].flat()) {
    if (!isString(value)) return `${name} match pattern must be a string`;
    if (value === '' && (name === 'prefix' || name === 'suffix')) return 'Null prefix/suffix not allowed';
    const error = name === 'wildcard' ? wildcardError(value) : undefined;
    if (error) return error;
  }
  return undefined;
};

const anythingButError = (operand: unknown): string | undefined => {
  if (isString(operand) || typeof operand === 'number') return undefined;
  if (Array.isArray(operand)) return anythingButListError(operand);
  if (!isObject(operand)) return 'Value of anything-but must be an array or single string/number value.';
  const entries = Object.entries(operand);
  if (entries.length !== 1)
    return entries.length ? 'Only one key allowed in match expression' : 'Anything-But expression name not found';
  return anythingButOperatorError(...entries[0]!);
};

const CHECKS: Record<string, (operand: unknown) => string | undefined> = {
  prefix: affixError('prefix'),
  suffix: affixError('suffix'),
  'equals-ignore-case': (operand) =>
    isString(operand) ? undefined : 'equals-ignore-case match pattern must be a string',
  wildcard: (operand) => (isString(operand) ? wildcardError(operand) : 'wildcard match pattern must be a string'),
  numeric: numericError,
  'anything-but': anythingButError,
  exists: (operand) =>
    typeof operand === 'boolean' ? undefined : 'exists match pattern must be either true or false.',
  cidr: (operand) =>
    !isString(operand)
      ? 'cidr match pattern must be a string'
      : parseCidr(operand)
        ? undefined
        : `Malformed CIDR: ${operand}`,
};

/** Why Ruler refuses a member of a field's list when the rule is created, or undefined. */
export const memberError = (member: unknown): string | undefined => {
  if (member === null || ['string', 'number', 'boolean'].includes(typeof member)) return undefined;
  if (!isObject(member)) return 'Match value must be String, number, true, false, or null';
  const entries = Object.entries(member);
  if (entries.length !== 1)
    return entries.length ? 'Only one key allowed in match expression' : 'Match expression name not found';
  const [name, operand] = entries[0]!;
  const check = CHECKS[name];
  return check ? check(operand) : `Unrecognized match type ${name}`;
};
