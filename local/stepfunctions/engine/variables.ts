/**
 * Workflow variables ("Passing data between states with variables"): what an `Assign` may hold, and
 * how one is evaluated.
 *
 * AWS's rules kept here:
 * - every value of one `Assign` is evaluated against the variables as they were before it, so
 *   `{"x": 1, "y": "{% $x %}"}` gives `y` the old `x`, never the new one;
 * - a name starts with a letter or `_` and goes on with letters, digits and `_`, at most 80
 *   characters, and is not the reserved `states`;
 * - one variable's value is at most 256 KiB, one `Assign` at most 256 KiB in all, and all the
 *   variables of an execution at most 10 MiB (sizes are the UTF-8 bytes of the value's JSON text).
 *
 * AWS refuses a bad name when the state machine is created; an interpreter that meets one at run
 * time raises `States.Runtime`, as it does for a size past a limit.
 */
import { ERRORS, StatesError, type Json, type JsonObject, type Variables } from './types';
import { statePrefix } from './jsonata';

export const VARIABLE_NAME_MAX_LENGTH = 80;
export const VARIABLE_VALUE_MAX_BYTES = 256 * 1024;
export const ASSIGN_MAX_BYTES = 256 * 1024;
export const VARIABLES_IN_SCOPE_MAX_BYTES = 10 * 1024 * 1024;
export const RESERVED_VARIABLE_NAMES: readonly string[] = ['states'];

const NAME_PATTERN = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** The size AWS counts for a value: the UTF-8 bytes of its JSON text. */
export function jsonByteLength(value: Json): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Why `name` cannot be a variable's name, or undefined when it can. */
export function invalidVariableName(name: string): string | undefined {
  if (name.length === 0) return 'a variable name cannot be empty';
  if ([...name].length > VARIABLE_NAME_MAX_LENGTH) {
    return `a variable name is at most ${VARIABLE_NAME_MAX_LENGTH} characters`;
  }
  if (RESERVED_VARIABLE_NAMES.includes(name)) return `'${name}' is a reserved word`;
  if (!NAME_PATTERN.test(name)) {
    return 'a variable name starts with a letter or an underscore and holds only letters, digits and underscores';
  }
  return undefined;
}

function runtimeError(stateName: string, detail: string, enteredEventId?: number): StatesError {
  return new StatesError(ERRORS.Runtime, `${statePrefix(stateName, enteredEventId)}${detail}`);
}

/**
 * Checks the variables one `Assign` produced, and, given the variables in scope after it, the
 * execution's total. Raises `States.Runtime` naming the first rule broken.
 */
export function checkAssignedVariables(
  assigned: Variables,
  stateName: string,
  inScopeAfter?: Variables,
  enteredEventId?: number,
): void {
  const runtime = (name: string, detail: string) => runtimeError(name, detail, enteredEventId);
  let total = 0;
  for (const [name, value] of Object.entries(assigned)) {
    const why = invalidVariableName(name);
    if (why !== undefined) throw runtime(stateName, `The variable name '${name}' is not valid: ${why}.`);
    const size = jsonByteLength(value);
    if (size > VARIABLE_VALUE_MAX_BYTES) {
      throw runtime(
        stateName,
        `The value assigned to the variable '${name}' is ${size} bytes, more than the ${VARIABLE_VALUE_MAX_BYTES} bytes a variable may hold.`,
      );
    }
    total += size;
  }
  if (total > ASSIGN_MAX_BYTES) {
    throw runtime(
      stateName,
      `The variables assigned are ${total} bytes together, more than the ${ASSIGN_MAX_BYTES} bytes one Assign may hold.`,
    );
  }
  if (inScopeAfter === undefined) return;
  const all = Object.values(inScopeAfter).reduce<number>((sum, value) => sum + jsonByteLength(value), 0);
  if (all > VARIABLES_IN_SCOPE_MAX_BYTES) {
    throw runtime(
      stateName,
      `The variables of the execution would be ${all} bytes, more than the ${VARIABLES_IN_SCOPE_MAX_BYTES} bytes allowed.`,
    );
  }
}

/** Evaluates one field's template: `evaluateJsonata`, or the JSONPath side's own evaluator. */
export type FieldEvaluator<B> = (template: Json, bindings: B, field: string, stateName?: string) => Promise<Json>;

/**
 * Evaluates every value of an `Assign` against the SAME bindings (the variables before the Assign),
 * checks AWS's limits, and returns the variables it assigns (not yet merged into the scope).
 * Each value is named `Assign/<name>` in causes, as AWS names it.
 */
export async function evaluateAssign<B extends { variables: Variables }>(
  assign: JsonObject,
  bindings: B,
  stateName: string,
  evaluate: FieldEvaluator<B>,
  enteredEventId?: number,
): Promise<Variables> {
  const assigned: Variables = {};
  for (const [name, template] of Object.entries(assign)) {
    assigned[name] = await evaluate(template, bindings, `Assign/${name}`, stateName);
  }
  checkAssignedVariables(assigned, stateName, { ...bindings.variables, ...assigned }, enteredEventId);
  return assigned;
}

/** The scope after an Assign: the variables before it, with the assigned ones over them. */
export function mergeVariables(before: Variables, assigned: Variables): Variables {
  return { ...before, ...assigned };
}

/** The most a state's input or output may hold: 256 KiB of UTF-8 JSON text (AWS's payload quota). */
export const PAYLOAD_MAX_BYTES = 256 * 1024;

/**
 * A state's output past the payload quota fails the execution with States.DataLimitExceeded, which
 * no Retry or Catch handles ("Error names": it is terminal, as States.Runtime is).
 */
export function checkPayloadSize(output: Json, stateName: string): void {
  if (jsonByteLength(output) <= PAYLOAD_MAX_BYTES) return;
  throw new StatesError(
    ERRORS.DataLimitExceeded,
    `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  );
}
