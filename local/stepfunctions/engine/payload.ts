/**
 * The JSONPath input and output fields of a state, in AWS's order: InputPath, Parameters (the
 * effective input); then ResultSelector, ResultPath, OutputPath (the state's output). Payload
 * templates (Parameters, ResultSelector, ItemSelector, JSONPath Assign) all go through applyParameters.
 */
import { evaluateIntrinsic, isIntrinsic } from './intrinsics';
import { jsonText, pathComponents, pathTarget, queryPath } from './jsonpath';
import { ERRORS, StatesError, type Json, type JsonObject, type Scope } from './types';

/** The JSONPath fields a state may carry (any object with them, a state definition's JsonObject too). */
export interface JsonPathState {
  readonly InputPath?: Json;
  readonly Parameters?: Json;
  readonly ResultSelector?: Json;
  readonly ResultPath?: Json;
  readonly OutputPath?: Json;
}

function pathField(value: Json | undefined, field: string): string | null | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw new StatesError(
    ERRORS.Runtime,
    `The value of the field '${field}' must be a path or null, not ${jsonText(value)}`,
  );
}

/** InputPath: absent keeps the input, null gives `{}`, a path selects from the input (or `$$`, a variable). */
export function applyInputPath(state: JsonPathState, scope: Scope): Json {
  const path = pathField(state.InputPath, 'InputPath');
  if (path === undefined) return scope.input;
  if (path === null) return {};
  return queryPath(path, scope, 'InputPath');
}

function templateValue(key: string, value: Json, scope: Scope, field: string): Json {
  if (typeof value !== 'string') {
    throw new StatesError(
      ERRORS.Runtime,
      `The value of the field '${key}' in '${field}' must be a path or an intrinsic function, not ${jsonText(value)}`,
    );
  }
  return isIntrinsic(value) ? evaluateIntrinsic(value, scope) : queryPath(value, scope, key);
}

/**
 * A payload template against the scope: keys ending `.$` take a path or an intrinsic function and
 * lose the suffix; objects and arrays are walked; every other value is kept as written. `field`
 * names the ASL field (Parameters, ResultSelector, ItemSelector, Assign) in causes.
 */
export function applyParameters(template: Json, scope: Scope, field: string): Json {
  if (Array.isArray(template)) return template.map((item) => applyParameters(item, scope, field));
  if (template === null || typeof template !== 'object') return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = templateValue(key, value, scope, field);
    else out[key] = applyParameters(value, scope, field);
  }
  return out;
}

function resultPathError(resultPath: string, input: Json): StatesError {
  return new StatesError(
    ERRORS.Runtime,
    `Unable to apply ReferencePath ${resultPath} to input ${jsonText(jsonText(input))}`,
  );
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** Writes `value` at `parts` inside `container`, creating objects on the way; false where it cannot. */
function setAt(container: Json, parts: string[], value: Json): boolean {
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(container)) {
    if (!/^\d+$/.test(head) || Number(head) >= container.length) return false;
    if (rest.length === 0) container[Number(head)] = value;
    else return setAt(container[Number(head)] as Json, rest, value);
    return true;
  }
  if (!isObject(container)) return false;
  if (rest.length === 0) {
    container[head] = value;
    return true;
  }
  if (container[head] === undefined) container[head] = {};
  return setAt(container[head], rest, value);
}

/**
 * ResultPath: absent or `$` makes the result the output; null discards the result and keeps the
 * input; a reference path (`$.a.b`) writes the result into a copy of the input, creating objects.
 * Writing into a value that is not an object raises AWS's States.Runtime.
 */
export function applyResultPath(input: Json, result: Json, resultPath: string | null | undefined): Json {
  if (resultPath === undefined || resultPath === '$') return result;
  if (resultPath === null) return input;
  const target = pathTarget(resultPath);
  const parts = pathComponents(resultPath);
  if (target.source !== 'input' || parts.some((part) => /^(\*|\.\.|\?\(.*|\(.*)$|[:,]/.test(part))) {
    throw new StatesError(
      ERRORS.Runtime,
      `Invalid ResultPath '${resultPath}': it must be a reference path into the input`,
    );
  }
  const copy = structuredClone(input);
  if (!setAt(copy, parts, result)) throw resultPathError(resultPath, input);
  return copy;
}

/** OutputPath: absent keeps the value, null gives `{}`, a path selects from the value. */
export function applyOutputPath(value: Json, outputPath: string | null | undefined, scope: Scope): Json {
  if (outputPath === undefined) return value;
  if (outputPath === null) return {};
  return queryPath(outputPath, { ...scope, input: value }, 'OutputPath');
}

/** The effective input of a JSONPath state: InputPath, then Parameters. `scope.input` is the raw input. */
export function jsonPathInput(state: JsonPathState, scope: Scope): Json {
  const input = applyInputPath(state, scope);
  if (state.Parameters === undefined) return input;
  return applyParameters(state.Parameters, { ...scope, input }, 'Parameters');
}

/** The output of a JSONPath state from its result: ResultSelector, ResultPath (into the raw input), OutputPath. */
export function jsonPathOutput(state: JsonPathState, scope: Scope, result: Json): Json {
  const selected =
    state.ResultSelector === undefined
      ? result
      : applyParameters(state.ResultSelector, { ...scope, input: result }, 'ResultSelector');
  const output = applyResultPath(scope.input, selected, pathField(state.ResultPath, 'ResultPath'));
  return applyOutputPath(output, pathField(state.OutputPath, 'OutputPath'), scope);
}
