/**
 * Step Functions' definition check: ValidateStateMachineDefinition's `{ result, diagnostics,
 * truncated }`, and the message CreateStateMachine and UpdateStateMachine put in their
 * InvalidDefinition error. Codes are AWS's (INVALID_JSON_DESCRIPTION, MISSING_DESCRIPTION,
 * SCHEMA_VALIDATION_FAILED, MISSING_TRANSITION_TARGET, MISSING_END_STATE, DUPLICATE_STATE_NAME,
 * INVALID_JSONATA_EXPRESSION, UNSUPPORTED_JSONATA_EXPRESSION; warnings NO_DOLLAR and
 * PASS_RESULT_IS_STATIC); AWS documents that its wording may change, and so may ours.
 */
import type { Json } from './types';
import { stateFieldErrors, machineFieldErrors } from './validate-fields';
import { graphErrors } from './validate-graph';
import { jsonataErrors } from './validate-jsonata';
import { stateSchemaErrors } from './validate-schema';
import {
  type Diagnostic,
  error,
  isObject,
  machinesOf,
  type Severity,
  schemaError,
  type StateAt,
  statesOf,
  topLanguage,
} from './validate-walk';

export type { Diagnostic, Severity } from './validate-walk';

export interface ValidateOptions {
  /** The least severity returned: ERROR (the default) returns errors only, WARNING both. */
  severity?: Severity;
  /** How many diagnostics at most: 1 to 100, and 0 or absent mean 100. */
  maxResults?: number;
}

export interface ValidationResult {
  result: 'OK' | 'FAIL';
  diagnostics: Diagnostic[];
  truncated: boolean;
}

const MAX_RESULTS = 100;

const parse = (definition: string): { json?: Json; problem?: Diagnostic } => {
  if (definition.trim() === '')
    return { problem: error('MISSING_DESCRIPTION', 'Received a null or empty workflow input') };
  try {
    return { json: JSON.parse(definition) as Json };
  } catch (thrown) {
    return { problem: error('INVALID_JSON_DESCRIPTION', thrown instanceof Error ? thrown.message : String(thrown)) };
  }
};

const PATH_LIKE = /^\$\$?(\.|\[)|^States\.[A-Za-z]+\(/;

/** A payload template's field whose value looks like a path or an intrinsic but whose name lacks `.$`. */
const noDollar = (template: Json | undefined, at: string): Diagnostic[] => {
  if (Array.isArray(template)) return template.flatMap((item, i) => noDollar(item, `${at}/${i}`));
  if (!isObject(template)) return [];
  return Object.entries(template).flatMap(([key, value]) => {
    const where = `${at}/${key}`;
    if (typeof value === 'string' && !key.endsWith('.$') && PATH_LIKE.test(value)) {
      const message = `The value of field '${key}' looks like a JSONPath or an intrinsic function, but its name does not end with '.$'`;
      return [{ severity: 'WARNING' as const, code: 'NO_DOLLAR', message, location: where }];
    }
    return key.endsWith('.$') ? [] : noDollar(value, where);
  });
};

const warnings = ({ state, at, language }: StateAt): Diagnostic[] => {
  if (language !== 'JSONPath') return [];
  const found = ['Parameters', 'ResultSelector', 'ItemSelector'].flatMap((field) =>
    noDollar(state[field], `${at}/${field}`),
  );
  if (state.Type === 'Pass' && isObject(state.Result) && Object.keys(state.Result).some((key) => key.endsWith('.$'))) {
    const message = "A Pass state's Result is static: its fields ending with '.$' are not evaluated (use Parameters)";
    found.push({ severity: 'WARNING', code: 'PASS_RESULT_IS_STATIC', message, location: `${at}/Result` });
  }
  return found;
};

/**
 * All diagnostics of a parsed definition. Field and schema errors come first; the graph (targets,
 * reachability, terminal states, names) is only checked once every state's fields are sound, as a
 * state without its Type or Next would otherwise be reported twice over.
 */
const diagnosticsOf = (definition: Json): Diagnostic[] => {
  if (!isObject(definition)) return [schemaError('The definition must be a JSON object', '/')];
  const machines = machinesOf(definition);
  const states = statesOf(definition, machines);
  const top = topLanguage(definition);
  const found: Diagnostic[] = [
    ...machineFieldErrors(definition, '', false),
    ...machines.slice(1).flatMap((machine) => machineFieldErrors(machine.node, machine.at, true)),
  ];
  for (const entry of states) {
    const fields = stateFieldErrors(entry, top);
    found.push(...(fields.length ? fields : stateSchemaErrors(entry)), ...jsonataErrors(entry));
  }
  if (found.length === 0) found.push(...graphErrors(machines));
  return [...found, ...states.flatMap(warnings)];
};

/** ValidateStateMachineDefinition: `definition` is the definition's JSON text. */
export const validateDefinition = (definition: string, options: ValidateOptions = {}): ValidationResult => {
  const { json, problem } = parse(definition);
  const all = problem ? [problem] : diagnosticsOf(json as Json);
  const failed = all.some((d) => d.severity === 'ERROR');
  const shown = options.severity === 'WARNING' ? all : all.filter((d) => d.severity === 'ERROR');
  const max = !options.maxResults || options.maxResults > MAX_RESULTS ? MAX_RESULTS : options.maxResults;
  return { result: failed ? 'FAIL' : 'OK', diagnostics: shown.slice(0, max), truncated: shown.length > max };
};

/**
 * The message of CreateStateMachine's and UpdateStateMachine's InvalidDefinition error, as AWS writes
 * it: `Invalid State Machine Definition: 'CODE: message at location, CODE: message at location'`,
 * `null` standing for a diagnostic without a location. Warnings are left out: they refuse nothing.
 */
export const invalidDefinitionMessage = (diagnostics: readonly Diagnostic[]): string => {
  const errors = diagnostics.filter((d) => d.severity === 'ERROR');
  const parts = errors.map((d) => `${d.code}: ${d.message} at ${d.location ?? 'null'}`);
  return `Invalid State Machine Definition: '${parts.join(', ')}'`;
};
