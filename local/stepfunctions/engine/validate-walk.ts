/**
 * What the definition checks share: a diagnostic as ValidateStateMachineDefinition returns it, and a
 * walk over a definition's state machines (the top one, each Parallel branch, each Map's processor).
 */
import type { Json, JsonObject } from './types';

export type Severity = 'ERROR' | 'WARNING';

/** One ValidateStateMachineDefinitionDiagnostic: `location` is a path such as `/States/FailState/ErrorPath`. */
export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  location?: string;
}

export type QueryLanguage = 'JSONPath' | 'JSONata';

/** A state machine inside the definition: `at` is its location ('' for the top one), `states` its `States`. */
export interface Machine {
  at: string;
  node: JsonObject;
  states: JsonObject;
}

/** A state with its name, location and the query language it runs with (its own or the definition's). */
export interface StateAt {
  name: string;
  at: string;
  state: JsonObject;
  language: QueryLanguage;
  machine: Machine;
}

export const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const error = (code: string, message: string, location?: string): Diagnostic => ({
  severity: 'ERROR',
  code,
  message,
  ...(location === undefined ? {} : { location }),
});

export const schemaError = (message: string, location?: string): Diagnostic =>
  error('SCHEMA_VALIDATION_FAILED', message, location);

/** The machines nested in a state: a Parallel's branches, a Map's ItemProcessor (or the older Iterator). */
export const nestedMachines = (state: JsonObject, at: string): Machine[] => {
  const found: Machine[] = [];
  const add = (node: Json | undefined, where: string) => {
    if (isObject(node) && isObject(node.States)) found.push({ at: where, node, states: node.States });
  };
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    state.Branches.forEach((branch, i) => add(branch, `${at}/Branches/${i}`));
  }
  if (state.Type === 'Map') {
    add(state.ItemProcessor, `${at}/ItemProcessor`);
    add(state.Iterator, `${at}/Iterator`);
  }
  return found;
};

/** The definition's language: JSONPath unless the top level says JSONata (any other value is a schema error). */
export const topLanguage = (definition: JsonObject): QueryLanguage =>
  definition.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';

/** Every machine of the definition, the top one first, then depth first in document order. */
export const machinesOf = (definition: JsonObject): Machine[] => {
  const machines: Machine[] = [];
  const visit = (machine: Machine) => {
    machines.push(machine);
    for (const [name, state] of Object.entries(machine.states)) {
      if (isObject(state)) nestedMachines(state, `${machine.at}/States/${name}`).forEach(visit);
    }
  };
  if (isObject(definition.States)) visit({ at: '', node: definition, states: definition.States });
  return machines;
};

/** Every state of every machine, each with the query language it runs with. */
export const statesOf = (definition: JsonObject, machines: Machine[] = machinesOf(definition)): StateAt[] => {
  const language = topLanguage(definition);
  const states: StateAt[] = [];
  for (const machine of machines) {
    for (const [name, state] of Object.entries(machine.states)) {
      if (!isObject(state)) continue;
      const own = state.QueryLanguage === 'JSONata' || state.QueryLanguage === 'JSONPath' ? state.QueryLanguage : null;
      states.push({ name, at: `${machine.at}/States/${name}`, state, language: own ?? language, machine });
    }
  }
  return states;
};
