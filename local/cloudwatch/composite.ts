import { ServiceError } from '../support/errors';

/** An alarm's state (evaluation.ts's AlarmState, repeated: specs.ts imports this file). */
type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/**
 * A composite alarm's AlarmRule, as PutCompositeAlarm reads it: `ALARM(x)`, `OK(x)` and
 * `INSUFFICIENT_DATA(x)` on other alarms (by name or ARN, in double quotes or not), `TRUE`, `FALSE`,
 * `NOT`, `AND`, `OR` and parentheses. NOT binds tighter than AND, and AND tighter than OR.
 */
export type RuleNode =
  | { type: 'state'; state: AlarmState; alarm: string }
  | { type: 'const'; value: boolean }
  | { type: 'not'; arg: RuleNode }
  | { type: 'and' | 'or'; left: RuleNode; right: RuleNode };

/** AWS's limit on an AlarmRule's length. */
const MAX_RULE = 10_240;
const MAX_DEPTH = 64;
const STATES = new Set<string>(['ALARM', 'OK', 'INSUFFICIENT_DATA']);

const invalid = (message: string) => new ServiceError('ValidationError', `Invalid AlarmRule: ${message}`);

/** `ALARM`, `(`, `)`, a quoted name (kept with its quotes), or a bare word up to a parenthesis or a space. */
const TOKEN = /\s*("(?:[^"\\]|\\.)*"|[()]|[^\s()"]+)/y;

const tokenize = (rule: string): string[] => {
  const tokens: string[] = [];
  let at = 0;
  while (at < rule.length) {
    if (/^\s*$/.test(rule.slice(at))) break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(rule);
    if (!match) throw invalid(`unexpected character at ${at}`);
    tokens.push(match[1]!);
    at = TOKEN.lastIndex;
  }
  return tokens;
};

/** Parses an AlarmRule; throws a ValidationError that says where it went wrong. */
export const parseAlarmRule = (rule: string): RuleNode => {
  if (rule.length > MAX_RULE) throw invalid(`longer than ${MAX_RULE} characters`);
  const tokens = tokenize(rule);
  let at = 0;
  let depth = 0;
  const word = () => tokens[at]?.toUpperCase();
  const expect = (token: string) => {
    if (tokens[at] !== token) throw invalid(`expected ${token}${tokens[at] ? ` before ${tokens[at]}` : ' at the end'}`);
    at++;
  };
  const primary = (): RuleNode => {
    if (++depth > MAX_DEPTH) throw invalid(`nested deeper than ${MAX_DEPTH} levels`);
    try {
      const token = tokens[at++];
      if (token === undefined) throw invalid('unexpected end');
      const upper = token.toUpperCase();
      if (upper === 'NOT') return { type: 'not', arg: primary() };
      if (upper === 'TRUE' || upper === 'FALSE') return { type: 'const', value: upper === 'TRUE' };
      if (token === '(') {
        const inner = or();
        expect(')');
        return inner;
      }
      if (STATES.has(upper)) {
        expect('(');
        const name = tokens[at++];
        if (name === undefined || name === ')') throw invalid(`${upper}() needs an alarm name or ARN`);
        expect(')');
        const alarm = name.startsWith('"') ? name.slice(1, -1).replace(/\\(.)/g, '$1') : name;
        if (!alarm) throw invalid(`${upper}() needs an alarm name or ARN`);
        return { type: 'state', state: upper as AlarmState, alarm };
      }
      throw invalid(`unexpected ${token.slice(0, 100)}`);
    } finally {
      depth--;
    }
  };
  const and = (): RuleNode => {
    let left = primary();
    while (word() === 'AND') {
      at++;
      left = { type: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): RuleNode => {
    let left = and();
    while (word() === 'OR') {
      at++;
      left = { type: 'or', left, right: and() };
    }
    return left;
  };
  const root = or();
  if (at !== tokens.length) throw invalid(`unexpected ${tokens[at]!.slice(0, 100)}`);
  return root;
};

/** Every alarm a rule names, once each, in the order it names them. */
export const ruleChildren = (node: RuleNode): string[] => {
  const names = new Set<string>();
  const walk = (n: RuleNode): void => {
    if (n.type === 'state') names.add(n.alarm);
    else if (n.type === 'not') walk(n.arg);
    else if (n.type === 'and' || n.type === 'or') {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(node);
  return [...names];
};

/** Whether a rule holds, given each named alarm's state (undefined: no such alarm, and its function is FALSE). */
export const evaluateRule = (node: RuleNode, stateOf: (alarm: string) => AlarmState | undefined): boolean => {
  switch (node.type) {
    case 'const':
      return node.value;
    case 'state':
      return stateOf(node.alarm) === node.state;
    case 'not':
      return !evaluateRule(node.arg, stateOf);
    case 'and':
      return evaluateRule(node.left, stateOf) && evaluateRule(node.right, stateOf);
    case 'or':
      return evaluateRule(node.left, stateOf) || evaluateRule(node.right, stateOf);
  }
};
