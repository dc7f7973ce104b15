/**
 * The fields each state may and must have, by type and query language (AWS's "Field 'X' is not
 * supported"): JSONPath states have InputPath, Parameters, ResultSelector, ResultPath and OutputPath;
 * JSONata states have Arguments and Output instead. A JSONata definition refuses JSONPath states.
 */
import type { Json, JsonObject } from './types';
import { type Diagnostic, isObject, type QueryLanguage, schemaError, type StateAt } from './validate-walk';

interface Fields {
  shared: string[];
  JSONPath: string[];
  JSONata: string[];
}

const FLOW = ['Next', 'End', 'Assign'];
const IO = ['InputPath', 'OutputPath'];
const RESULT = ['Parameters', 'ResultSelector', 'ResultPath'];
const ERRORS = ['Retry', 'Catch'];

const FIELDS: Record<string, Fields> = {
  Pass: { shared: [...FLOW, 'Result'], JSONPath: [...IO, 'Parameters', 'ResultPath'], JSONata: ['Output'] },
  Task: {
    shared: [...FLOW, ...ERRORS, 'Resource', 'TimeoutSeconds', 'HeartbeatSeconds', 'Credentials'],
    JSONPath: [...IO, ...RESULT, 'TimeoutSecondsPath', 'HeartbeatSecondsPath'],
    JSONata: ['Arguments', 'Output'],
  },
  Choice: { shared: ['Choices', 'Default', 'Assign'], JSONPath: IO, JSONata: ['Output'] },
  Wait: {
    shared: [...FLOW, 'Seconds', 'Timestamp'],
    JSONPath: [...IO, 'SecondsPath', 'TimestampPath'],
    JSONata: ['Output'],
  },
  Succeed: { shared: [], JSONPath: IO, JSONata: ['Output'] },
  Fail: { shared: ['Error', 'Cause'], JSONPath: ['ErrorPath', 'CausePath'], JSONata: [] },
  Parallel: {
    shared: [...FLOW, ...ERRORS, 'Branches'],
    JSONPath: [...IO, ...RESULT],
    JSONata: ['Arguments', 'Output'],
  },
  Map: {
    shared: [
      ...FLOW,
      ...ERRORS,
      ...['ItemProcessor', 'Iterator', 'ItemReader', 'ItemSelector', 'ItemBatcher', 'ResultWriter', 'Label'],
      ...['MaxConcurrency', 'ToleratedFailureCount', 'ToleratedFailurePercentage'],
    ],
    JSONPath: [
      ...[...IO, ...RESULT, 'ItemsPath', 'MaxConcurrencyPath'],
      ...['ToleratedFailureCountPath', 'ToleratedFailurePercentagePath'],
    ],
    JSONata: ['Items', 'Output'],
  },
};

const REQUIRED: Record<string, string[]> = { Task: ['Resource'], Choice: ['Choices'], Parallel: ['Branches'] };

/** Fields of which a state may have one at most (`exactly` when it must have one). */
const ONE_OF: Record<string, { fields: string[]; exactly?: boolean }[]> = {
  Task: [
    { fields: ['TimeoutSeconds', 'TimeoutSecondsPath'] },
    { fields: ['HeartbeatSeconds', 'HeartbeatSecondsPath'] },
  ],
  Wait: [{ fields: ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'], exactly: true }],
  Fail: [{ fields: ['Error', 'ErrorPath'] }, { fields: ['Cause', 'CausePath'] }],
  Map: [
    { fields: ['ItemProcessor', 'Iterator'], exactly: true },
    { fields: ['ItemSelector', 'Parameters'] },
    { fields: ['MaxConcurrency', 'MaxConcurrencyPath'] },
    { fields: ['ToleratedFailureCount', 'ToleratedFailureCountPath'] },
    { fields: ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'] },
  ],
};

const CATCHER: Fields = {
  shared: ['ErrorEquals', 'Next', 'Assign', 'Comment'],
  JSONPath: ['ResultPath'],
  JSONata: ['Output'],
};
const RETRIER = ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy'];
const JSONATA_RULE = ['Condition', 'Next', 'Assign', 'Output', 'Comment'];
const COMPARISONS = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'];
const COMPARATORS = [
  ...['String', 'Numeric', 'Timestamp'].flatMap((kind) => COMPARISONS.map((op) => kind + op)),
  ...['BooleanEquals', 'StringMatches'],
];
const TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'];
/** A JSONPath Choice Rule's fields (`Next` and `Assign` on a top-level rule only). */
const JSONPATH_RULE = new Set([
  ...['Variable', 'And', 'Or', 'Not', 'Comment', ...TESTS, 'StringMatches'],
  ...COMPARATORS.flatMap((name) => [name, `${name}Path`]),
]);
const isLanguage = (value: Json | undefined) => value === 'JSONPath' || value === 'JSONata';

const allowed = (fields: Fields, language: QueryLanguage) => new Set([...fields.shared, ...fields[language]]);

const unsupported = (node: JsonObject, ok: Set<string>, at: string): Diagnostic[] =>
  Object.keys(node)
    .filter((field) => !ok.has(field))
    .map((field) => schemaError(`Field '${field}' is not supported`, at));

const missing = (node: JsonObject, fields: string[], at: string): Diagnostic[] => {
  const absent = fields.filter((field) => node[field] === undefined);
  return absent.length ? [schemaError(`These fields are required: [${absent.join(', ')}]`, at)] : [];
};

/** The top level (`nested` false) or a branch or item processor: StartAt, States and their neighbours. */
export const machineFieldErrors = (node: JsonObject, at: string, nested: boolean): Diagnostic[] => {
  const ok = new Set([
    'Comment',
    'StartAt',
    'States',
    ...(nested ? ['ProcessorConfig'] : ['Version', 'TimeoutSeconds']),
  ]);
  if (!nested) ok.add('QueryLanguage');
  const found = [...unsupported(node, ok, at || '/'), ...missing(node, ['StartAt', 'States'], at || '/')];
  if (node.StartAt !== undefined && typeof node.StartAt !== 'string') {
    found.push(schemaError("Field 'StartAt' must be a string", `${at}/StartAt`));
  }
  if (node.States !== undefined && (!isObject(node.States) || Object.keys(node.States).length === 0)) {
    found.push(schemaError("Field 'States' must be an object with at least one state", `${at}/States`));
  }
  if (!nested && node.QueryLanguage !== undefined && !isLanguage(node.QueryLanguage)) {
    found.push(schemaError("Field 'QueryLanguage' must be one of [JSONPath, JSONata]", '/QueryLanguage'));
  }
  const timeout = node.TimeoutSeconds;
  if (!nested && timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) > 0)) {
    found.push(schemaError("Field 'TimeoutSeconds' must be a positive integer", '/TimeoutSeconds'));
  }
  return found;
};

const VARIABLE = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

/** An Assign's variable names (without JSONPath's `.$`): Unicode identifiers of 80 characters at most, not `states`. */
const assignErrors = (assign: Json | undefined, language: QueryLanguage, at: string): Diagnostic[] => {
  if (assign === undefined) return [];
  if (!isObject(assign)) return [schemaError("Field 'Assign' must be an object", at)];
  return Object.keys(assign).flatMap((key) => {
    const name = language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
    if (name === 'states') return [schemaError(`Variable name '${name}' is reserved`, `${at}/${key}`)];
    const valid = name.length <= 80 && VARIABLE.test(name);
    return valid ? [] : [schemaError(`Variable name '${name}' is not valid`, `${at}/${key}`)];
  });
};

const errorEqualsErrors = (node: JsonObject, at: string): Diagnostic[] => {
  const names = node.ErrorEquals;
  const ok = Array.isArray(names) && names.length > 0 && names.every((name) => typeof name === 'string');
  return ok ? [] : [schemaError("Field 'ErrorEquals' must be a non-empty array of error names", `${at}/ErrorEquals`)];
};

const handlerErrors = (state: JsonObject, language: QueryLanguage, at: string): Diagnostic[] => {
  const found: Diagnostic[] = [];
  const each = (field: 'Retry' | 'Catch', check: (node: JsonObject, where: string) => Diagnostic[]) => {
    const list = state[field];
    if (list === undefined) return;
    if (!Array.isArray(list))
      return void found.push(schemaError(`Field '${field}' must be an array`, `${at}/${field}`));
    list.forEach((node, i) => {
      const where = `${at}/${field}/${i}`;
      found.push(...(isObject(node) ? check(node, where) : [schemaError(`Field '${field}' must hold objects`, where)]));
    });
  };
  each('Retry', (node, where) => [
    ...unsupported(node, new Set([...RETRIER, 'Comment']), where),
    ...errorEqualsErrors(node, where),
  ]);
  each('Catch', (node, where) => [
    ...unsupported(node, allowed(CATCHER, language), where),
    ...missing(node, ['ErrorEquals', 'Next'], where),
    ...(node.ErrorEquals === undefined ? [] : errorEqualsErrors(node, where)),
    ...assignErrors(node.Assign, language, `${where}/Assign`),
  ]);
  return found;
};

/** A JSONPath Choice Rule's fields, its nested And, Or and Not rules' too. */
const jsonPathRuleErrors = (rule: JsonObject, at: string, top: boolean): Diagnostic[] => {
  const ok = top ? new Set([...JSONPATH_RULE, 'Next', 'Assign']) : JSONPATH_RULE;
  const nested = [...(Array.isArray(rule.And) ? rule.And : []), ...(Array.isArray(rule.Or) ? rule.Or : [])];
  const field = Array.isArray(rule.And) ? 'And' : 'Or';
  return [
    ...unsupported(rule, ok, at),
    ...nested.flatMap((inner, i) => (isObject(inner) ? jsonPathRuleErrors(inner, `${at}/${field}/${i}`, false) : [])),
    ...(isObject(rule.Not) ? jsonPathRuleErrors(rule.Not, `${at}/Not`, false) : []),
  ];
};

const choiceErrors = (state: JsonObject, language: QueryLanguage, at: string): Diagnostic[] => {
  const choices = state.Choices;
  if (choices === undefined) return [];
  if (!Array.isArray(choices) || choices.length === 0) {
    return [schemaError("Field 'Choices' must be a non-empty array", `${at}/Choices`)];
  }
  return choices.flatMap((rule, i) => {
    const where = `${at}/Choices/${i}`;
    if (!isObject(rule)) return [schemaError('A Choice Rule must be an object', where)];
    const fields =
      language === 'JSONata'
        ? [...unsupported(rule, new Set(JSONATA_RULE), where), ...missing(rule, ['Condition', 'Next'], where)]
        : [...jsonPathRuleErrors(rule, where, true), ...missing(rule, ['Next'], where)];
    return [...fields, ...assignErrors(rule.Assign, language, `${where}/Assign`)];
  });
};

const flowErrors = (state: JsonObject, at: string): Diagnostic[] => {
  if (state.End !== undefined && typeof state.End !== 'boolean') {
    return [schemaError("Field 'End' must be a boolean", `${at}/End`)];
  }
  if (state.Next !== undefined && typeof state.Next !== 'string') {
    return [schemaError("Field 'Next' must be a string", `${at}/Next`)];
  }
  if (state.End === true && state.Next !== undefined) {
    return [schemaError("Only one of the fields 'Next' and 'End' may be set", at)];
  }
  return state.End === true || state.Next !== undefined ? [] : [schemaError("Either 'Next' or 'End' is required", at)];
};

const oneOfErrors = (state: JsonObject, type: string, at: string): Diagnostic[] =>
  (ONE_OF[type] ?? []).flatMap(({ fields, exactly }) => {
    const present = fields.filter((field) => state[field] !== undefined);
    if (present.length > 1) return [schemaError(`Only one of these fields may be set: [${present.join(', ')}]`, at)];
    return exactly && present.length === 0
      ? [schemaError(`One of these fields is required: [${fields.join(', ')}]`, at)]
      : [];
  });

const languageErrors = (entry: StateAt, top: QueryLanguage): Diagnostic[] => {
  const own = entry.state.QueryLanguage;
  if (own === undefined) return [];
  if (!isLanguage(own)) {
    return [schemaError("Field 'QueryLanguage' must be one of [JSONPath, JSONata]", `${entry.at}/QueryLanguage`)];
  }
  return top === 'JSONata' && own === 'JSONPath'
    ? [
        schemaError(
          "A JSONPath state is not supported when the state machine's QueryLanguage is JSONata",
          `${entry.at}/QueryLanguage`,
        ),
      ]
    : [];
};

/** A state's own fields: type, query language, fields supported and required, transitions, Retry, Catch, Choices, Assign. */
export const stateFieldErrors = (entry: StateAt, top: QueryLanguage): Diagnostic[] => {
  const { state, at, language } = entry;
  if (state.Type === undefined) return missing(state, ['Type'], at);
  const type = typeof state.Type === 'string' ? state.Type : '';
  const fields = Object.hasOwn(FIELDS, type) ? FIELDS[type] : undefined;
  if (!fields)
    return [schemaError(`Field 'Type' has an unknown state type: ${JSON.stringify(state.Type)}`, `${at}/Type`)];
  const ok = new Set(['Type', 'Comment', 'QueryLanguage', ...allowed(fields, language)]);
  const terminal = type === 'Choice' || type === 'Succeed' || type === 'Fail';
  return [
    ...languageErrors(entry, top),
    ...unsupported(state, ok, at),
    ...missing(state, REQUIRED[type] ?? [], at),
    ...oneOfErrors(state, type, at),
    ...(terminal ? [] : flowErrors(state, at)),
    ...handlerErrors(state, language, at),
    ...(type === 'Choice' ? choiceErrors(state, language, at) : []),
    ...assignErrors(state.Assign, language, `${at}/Assign`),
  ];
};
