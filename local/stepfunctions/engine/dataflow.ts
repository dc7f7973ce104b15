import { evaluateAssign, evaluateJsonata, type JsonataBindings } from './jsonata';
import { applyOutputPath, applyParameters, applyResultPath, queryPath } from './payload';
import type { EngineState, QueryLanguage } from './host';
import type { Json, JsonObject, Scope, Variables } from './types';

/**
 * A state's data flow in either query language, from its input to its output and the variables it
 * assigns. JSONPath: InputPath → Parameters → (the work) → ResultSelector → ResultPath → OutputPath,
 * with Assign seeing the result; JSONata: Arguments → (the work) → Output, with Assign beside it. In
 * both, Assign and the output see the variables as they were when the state was entered.
 */

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
  stateName: string,
): Promise<Json> => {
  if (language === 'JSONata') {
    if (state.Arguments === undefined) return scope.input;
    return evaluateJsonata(state.Arguments as Json, bindingsOf(scope), 'Arguments', stateName);
  }
  const filtered = inputPath(state, scope);
  if (state.Parameters === undefined) return filtered;
  return applyParameters(state.Parameters as Json, { ...scope, input: filtered }, 'Parameters');
};

/** JSONPath's InputPath: null is `{}`, absent is the whole input. */
export const inputPath = (state: EngineState, scope: Scope): Json => {
  if (state.InputPath === null) return {};
  if (state.InputPath === undefined) return scope.input;
  return queryPath(String(state.InputPath), scope, 'InputPath');
};

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
  stateName: string,
  result?: Json,
): Promise<Flowed> => {
  if (language === 'JSONata') {
    const bindings = bindingsOf(scope, result === undefined ? {} : { result });
    const [output, assigned] = await Promise.all([
      state.Output === undefined
        ? (result ?? scope.input)
        : evaluateJsonata(state.Output as Json, bindings, 'Output', stateName),
      state.Assign === undefined ? undefined : evaluateAssign(state.Assign as JsonObject, bindings, stateName),
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
  const combined = hasResult
    ? applyResultPath(scope.input, selected as Json, state.ResultPath as string | null | undefined)
    : inputPath(state, scope);
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
  stateName: string,
  errorOutput: Json,
): Promise<Flowed> => {
  if (language === 'JSONata') {
    const bindings = bindingsOf(scope, { errorOutput });
    const [output, assigned] = await Promise.all([
      catcher.Output === undefined ? errorOutput : evaluateJsonata(catcher.Output, bindings, 'Output', stateName),
      catcher.Assign === undefined ? undefined : evaluateAssign(catcher.Assign as JsonObject, bindings, stateName),
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
  stateName: string,
): Promise<Json | undefined> => {
  if (language === 'JSONata' && value !== undefined)
    return evaluateJsonata(value as Json, bindingsOf(scope), field, stateName);
  if (value !== undefined) return value as Json;
  if (path !== undefined) return queryPath(String(path), scope, `${field}Path`);
  return undefined;
};
