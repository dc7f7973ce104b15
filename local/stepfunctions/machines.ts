import type { EngineDefinition } from './engine/host';
import { invalidDefinitionMessage, validateDefinition } from './engine/validate';
import type { StateMachineSpec } from './specs';

/** A state machine, ready to run. */
export interface Machine {
  spec: StateMachineSpec;
  /** The definition the engine runs, without TimeoutSeconds (the service times executions out). */
  definition: EngineDefinition;
  timeoutSeconds?: number;
}

/** Definitions already validated in this process: a definition is validated once, however often it is read. */
const validated = new Set<string>();

/** Validates a definition once per process (a definition that does not validate fails the start, not an order). */
export const machineOf = (spec: StateMachineSpec): Machine => {
  if (!validated.has(spec.definition)) {
    const { result, diagnostics } = validateDefinition(spec.definition);
    if (result === 'FAIL') throw new Error(`State machine ${spec.name}: ${invalidDefinitionMessage(diagnostics)}`);
    validated.add(spec.definition);
  }
  const { TimeoutSeconds, ...untimed } = JSON.parse(spec.definition) as EngineDefinition;
  return { spec, definition: untimed, timeoutSeconds: TimeoutSeconds };
};

/** Milliseconds left before an execution (started or last redriven at `since`) times out; undefined without TimeoutSeconds. */
export const timeLeftMs = (machine: Machine, since: number): number | undefined =>
  machine.timeoutSeconds === undefined ? undefined : machine.timeoutSeconds * 1000 - (Date.now() - since);
