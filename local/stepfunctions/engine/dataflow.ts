import { json, textOf } from './types';
import { evaluateJsonata, type JsonataBindings } from './jsonata';
import { evaluateAssign } from './variables';
import { applyOutputPath, applyParameters, applyResultPath } from './payload';
import { queryPath } from './jsonpath';
import type { EngineState, QueryLanguage } from './host';
import type { Json, JsonObject, Scope, Variables } from './types';

/**
 * A state's data flow in either query language, from its input to its output and the variables it
 * assigns. JSONPath: InputPath → Parameters → (the work) → ResultSelector → ResultPath → OutputPath,
 * with Assign seeing the result; JSONata: Arguments → (the work) → Output, with Assign beside it. In
 * both, Assign and the output see the variables as they were when the state was entered.
 */

/** Where an expression is evaluated: the state, and the id of the event that entered it (AWS's causes name both). */
export interface At {
  name: string;
  id?: number;
}

const jsonataAt =
  (at: At) =>
  (template: Json, bindings: JsonataBindings, field: string): Promise<Json> =>
    evaluateJsonata(template, bindings, field, at.name, at.id);

/** What flowed through a state, for the history and the console. */
export interface Flowed {
  output: Json;
  /** The variables the state assigned (absent when it has no Assign). */
  assigned?: Variables;
}

/** The states whose result goes through ResultSelector and ResultPath (JSONPath). */
const RESULT_STATES = new Set(['Task', 'Map', 'Parallel', 'Pass']);

/** The state's input for its work: JSONPath's InputPath then Parameters; JSONata's Arguments. */
export const effectiveInput = async (
  language: QueryLanguage,
  state: EngineState,
  scope: Scope,
  at: At,
): Promise<Json> => {
  if (language === 'JSONata') {
    const args =
      state.Arguments === undefined
        ? scope.input
        : await jsonataAt(at)(state.Arguments as Json, bindingsOf(scope), 'Arguments');
    scope.inspect?.('afterArguments', args);
    return args;
  }
  const filtered = inputPath(state, scope);
  scope.inspect?.('afterInputPath', filtered);
  const parameters =
    state.Parameters === undefined
      ? filtered
      : applyParameters(state.Parameters as Json, { ...scope, input: filtered }, 'Parameters');
  scope.inspect?.('afterParameters', parameters);
  return parameters;
};

/** JSONPath's InputPath: null is `{}`, absent is the whole input. */
export const inputPath = (state: EngineState, scope: Scope): Json => {
  if (state.InputPath === null) return {};
  if (state.InputPath === undefined) return scope.input;
  return queryPath(textOf(state.InputPath), scope, 'InputPath');
};

export { jsonataAt };

export const bindingsOf = (scope: Scope, extra: { result?: Json; errorOutput?: Json } = {}): JsonataBindings => ({
  states: { input: scope.input, context: scope.context, ...extra },
  variables: scope.variables,
});

/**
 * A state's output and assignments once its work is done. `result` is its work's result (a Task's
 * answer, a Map's or a Parallel's array, a Pass's Result); undefined for the states that have none
 * (Choice, Wait, Succeed), whose output is their input.
 */
export const flowOut = async (
  language: QueryLanguage,
  state: EngineState,
  scope: Scope,
  at: At,
  result?: Json,
): Promise<Flowed> => {
  if (result !== undefined) scope.inspect?.('result', result);
  if (language === 'JSONata') {
    const bindings = bindingsOf(scope, result === undefined ? {} : { result });
    const [output, assigned] = await Promise.all([
      state.Output === undefined ? (result ?? scope.input) : jsonataAt(at)(state.Output as Json, bindings, 'Output'),
      state.Assign === undefined
        ? undefined
        : evaluateAssign(state.Assign as JsonObject, bindings, at.name, jsonataAt(at), at.id),
    ]);
    return { output, ...(assigned && { assigned }) };
  }
  const hasResult = RESULT_STATES.has(state.Type) && result !== undefined;
  const selected =
    hasResult && state.ResultSelector !== undefined
      ? applyParameters(state.ResultSelector as Json, { ...scope, input: result }, 'ResultSelector')
      : result;
  const assigned =
    state.Assign === undefined
      ? undefined
      : (applyParameters(
          state.Assign as Json,
          { ...scope, input: hasResult ? (selected as Json) : scope.input },
          'Assign',
        ) as Variables);
  if (hasResult) scope.inspect?.('afterResultSelector', selected as Json);
  const combined = hasResult
    ? applyResultPath(scope.input, selected as Json, state.ResultPath as string | null | undefined)
    : inputPath(state, scope);
  if (hasResult) scope.inspect?.('afterResultPath', combined);
  const output = applyOutputPath(combined, state.OutputPath as string | null | undefined, scope);
  return { output, ...(assigned && { assigned }) };
};

/**
 * What a Catch passes on: JSONPath's ResultPath (default `$`: the error output replaces the input)
 * and Assign over the error output; JSONata's Output (default the error output) and Assign.
 */
export const flowCaught = async (
  language: QueryLanguage,
  catcher: { ResultPath?: string | null; Output?: Json; Assign?: Json },
  scope: Scope,
  at: At,
  errorOutput: Json,
): Promise<Flowed> => {
  if (language === 'JSONata') {
    const bindings = bindingsOf(scope, { errorOutput });
    const [output, assigned] = await Promise.all([
      catcher.Output === undefined ? errorOutput : jsonataAt(at)(catcher.Output, bindings, 'Output'),
      catcher.Assign === undefined
        ? undefined
        : evaluateAssign(catcher.Assign as JsonObject, bindings, at.name, jsonataAt(at), at.id),
    ]);
    return { output, ...(assigned && { assigned }) };
  }
  const assigned =
    catcher.Assign === undefined
      ? undefined
      : (applyParameters(catcher.Assign, { ...scope, input: errorOutput }, 'Assign') as Variables);
  const output = applyResultPath(scope.input, errorOutput, catcher.ResultPath);
  return { output, ...(assigned && { assigned }) };
};

/** A field that either language may write as a value or an expression (Wait's Seconds, a Task's TimeoutSeconds…). */
export const valueOf = async (
  language: QueryLanguage,
  value: unknown,
  path: unknown,
  scope: Scope,
  field: string,
  at: At,
): Promise<Json | undefined> => {
  if (language === 'JSONata' && value !== undefined) return jsonataAt(at)(value as Json, bindingsOf(scope), field);
  if (value !== undefined) return value as Json;
  if (path !== undefined) return queryPath(textOf(path), scope, `${field}Path`);
  return undefined;
};

/** A state's StateExited details: its output, and the variables it assigned (as JSON text). */
export const exitedDetails = (name: string, step: Flowed) => ({
  stateExitedEventDetails: {
    name,
    output: json(step.output),
    outputDetails: { truncated: false },
    ...(step.assigned && {
      assignedVariables: Object.fromEntries(Object.entries(step.assigned).map(([key, value]) => [key, json(value)])),
      assignedVariablesDetails: { truncated: false },
    }),
  },
});
