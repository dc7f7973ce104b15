/**
 * JSONata for Step Functions ("Transforming data with JSONata in Step Functions"): a field's value is
 * a template in which every string written exactly as `{% … %}` is an expression, evaluated with
 * `$states` and the workflow variables bound; objects and arrays are walked (their keys are literal)
 * and every other value stands for itself.
 *
 * AWS's rules kept here:
 * - the string must start with `{%` and end with `%}`, nothing before or after (no trimming);
 * - an expression that fails raises `States.QueryEvaluationError`; so does one that returns nothing
 *   (undefined), at any depth of the template: AWS does not drop the key, it fails the field, naming
 *   it relative to the state, `/` before an object key and `[i]` after an array (`Arguments/Input/x`);
 * - a result must be JSON: a function, or a number that is not finite, is refused;
 * - each expression text is compiled once.
 */
import jsonata from 'jsonata';
import { installStepFunctionsFunctions } from './jsonata-functions';
import { ERRORS, StatesError, type Json, type JsonObject, type Variables } from './types';

/** What a JSONata field sees: `$states` (only the members AWS puts in scope there) and the variables. */
export interface JsonataBindings {
  states: { input: Json; context: Json; result?: Json; errorOutput?: Json };
  variables: Variables;
}

/**
 * `States.QueryEvaluationError`, with what AWS's `EvaluationFailed` event carries beside it:
 * the state and the field (`location`) the expression was written in.
 */
export class QueryEvaluationError extends StatesError {
  constructor(
    cause: string,
    readonly location: string,
    readonly state?: string,
  ) {
    super(ERRORS.QueryEvaluationError, cause);
  }
}

/** Compiled expressions by their text; the oldest goes once there are this many. */
const CACHE_LIMIT = 5000;
const cache = new Map<string, jsonata.Expression>();

/** True for a string that is a JSONata expression: exactly `{%`, something, `%}`. */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/** The expression inside `{% … %}`, trimmed as AWS quotes it in its causes. */
export function expressionText(template: string): string {
  return template.slice(2, -2).trim();
}

/** AWS's prefix for a cause raised inside a state. */
export function statePrefix(stateName: string, enteredEventId?: number): string {
  const entered = enteredEventId === undefined ? '' : ` (entered at the event id #${enteredEventId})`;
  return `An error occurred while executing the state '${stateName}'${entered}. `;
}

/** Which error a failed expression raised, as JSONata writes it (`T2001: The left side …`). */
function describeFailure(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : JSON.stringify(error);
    return typeof code === 'string' && code !== '' ? `${code}: ${text}` : text;
  }
  return String(error);
}

function compile(expression: string, fail: (why: string) => never): jsonata.Expression {
  const cached = cache.get(expression);
  if (cached !== undefined) return cached;
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(expression);
  } catch (error) {
    return fail(`could not be parsed: ${describeFailure(error)}`);
  }
  installStepFunctionsFunctions(compiled);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(expression, compiled);
  return compiled;
}

/** What a JSONata result may not be, or undefined when it is JSON. */
function unsupported(value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) {
    for (const item of value) {
      const why = item === undefined ? undefined : unsupported(item);
      if (why !== undefined) return why;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record._jsonata_lambda === true || record._jsonata_function === true) return 'a function';
    for (const item of Object.values(record)) {
      const why = item === undefined ? undefined : unsupported(item);
      if (why !== undefined) return why;
    }
    return undefined;
  }
  return typeof value;
}

/** A checked JSONata result as plain JSON: sequences become plain arrays, undefined members go (as in JSON). */
function toJson(value: unknown): Json {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(toJson);
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item !== undefined) out[key] = toJson(item);
    }
    return out;
  }
  return value as Json;
}

function bindingsFor(bindings: JsonataBindings): Record<string, unknown> {
  const states: Record<string, Json> = { input: bindings.states.input, context: bindings.states.context };
  if (bindings.states.result !== undefined) states.result = bindings.states.result;
  if (bindings.states.errorOutput !== undefined) states.errorOutput = bindings.states.errorOutput;
  return { ...bindings.variables, states };
}

interface Site {
  field: string;
  stateName?: string;
  enteredEventId?: number;
}

function failure(template: string, site: Site, why: string): QueryEvaluationError {
  const prefix = site.stateName === undefined ? '' : statePrefix(site.stateName, site.enteredEventId);
  const cause = `${prefix}The JSONata expression '${expressionText(template)}' specified for the field '${site.field}' ${why}`;
  return new QueryEvaluationError(cause, site.field, site.stateName);
}

/** One `{% … %}` string, evaluated: its JSON value, or `States.QueryEvaluationError`. */
async function evaluateExpression(template: string, bindings: JsonataBindings, site: Site): Promise<Json> {
  const fail = (why: string): never => {
    throw failure(template, site, why);
  };
  const compiled = compile(expressionText(template), fail);
  let result: unknown;
  try {
    result = await compiled.evaluate(undefined, bindingsFor(bindings));
  } catch (error) {
    return fail(`threw an error during evaluation: ${describeFailure(error)}`);
  }
  if (result === undefined) return fail('returned nothing (undefined).');
  const why = unsupported(result);
  if (why !== undefined) return fail(`returned an unsupported result type (${why}).`);
  return toJson(result);
}

async function walk(template: Json, bindings: JsonataBindings, site: Site): Promise<Json> {
  if (isJsonataExpression(template)) return evaluateExpression(template, bindings, site);
  if (Array.isArray(template)) {
    const out: Json[] = [];
    for (const [i, item] of template.entries())
      out.push(await walk(item, bindings, { ...site, field: `${site.field}[${i}]` }));
    return out;
  }
  if (template !== null && typeof template === 'object') {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(template)) {
      out[key] = await walk(item, bindings, { ...site, field: `${site.field}/${key}` });
    }
    return out;
  }
  return template;
}

/**
 * Evaluates a JSONata-state field (`Arguments`, `Output`, `Assign/x`, `Items`, `Seconds`, …).
 * `field` names it as AWS does in its causes; `stateName` (and the event id the state was entered
 * at, when the caller knows it) add AWS's "An error occurred while executing the state …" prefix.
 */
export async function evaluateJsonata(
  template: Json,
  bindings: JsonataBindings,
  field: string,
  stateName?: string,
  enteredEventId?: number,
): Promise<Json> {
  return walk(template, bindings, { field, stateName, enteredEventId });
}

/**
 * A Choice rule's `Condition` (JSONata states): an expression that must evaluate to a boolean. `field`
 * defaults to `Condition`; a caller naming the rule passes `Choices[i]/Condition`.
 */
export async function evaluateCondition(
  expression: string,
  bindings: JsonataBindings,
  stateName: string,
  field = 'Condition',
  enteredEventId?: number,
): Promise<boolean> {
  const site: Site = { field, stateName, enteredEventId };
  const written: string = expression;
  if (!isJsonataExpression(expression)) {
    throw new QueryEvaluationError(
      `${statePrefix(stateName, enteredEventId)}The value '${written}' specified for the field '${field}' is not a JSONata expression ({% … %}).`,
      field,
      stateName,
    );
  }
  const value = await evaluateExpression(expression, bindings, site);
  if (typeof value === 'boolean') return value;
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw failure(
    expression,
    site,
    `returned an unexpected result type. Expected 'boolean', but was '${type}' for value: ${JSON.stringify(value)}`,
  );
}

/** How many expressions are compiled and kept (for tests and diagnostics). */
export function compiledExpressionCount(): number {
  return cache.size;
}
