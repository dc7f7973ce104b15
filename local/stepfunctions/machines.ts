import '../support/polyfills';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AslDefinition } from './asl';
import { scaleRetryIntervals, type StateMachineSpec } from './specs';

/** A state machine of the template, ready to run. */
export interface Machine {
  spec: StateMachineSpec;
  /** The definition the engine runs: retry intervals scaled, no TimeoutSeconds (the service times executions out). */
  definition: AslDefinition;
  timeoutSeconds?: number;
  /** One engine per state an execution starts or resumes at, built without validating again. */
  engines: Map<string, StateMachine>;
}

/** The engine's type for the same JSON. */
const forEngine = (definition: AslDefinition) => definition as unknown as StateMachineDefinition;

/** Definitions already validated in this process: validation is expensive (asl-validator's path and ARN checks). */
const validated = new Set<string>();

/** Validates a definition once per process (a definition the engine rejects fails the start, not an order). */
export const machineOf = (spec: StateMachineSpec, retryIntervalScale: number): Machine => {
  const written = JSON.parse(spec.definition) as AslDefinition;
  if (!validated.has(spec.definition)) {
    new StateMachine(forEngine(written), { validationOptions: { checkPaths: true, checkArn: true } });
    validated.add(spec.definition);
  }
  const { TimeoutSeconds, ...untimed } = scaleRetryIntervals(written, retryIntervalScale);
  return { spec, definition: untimed, timeoutSeconds: TimeoutSeconds, engines: new Map() };
};

/** The engine that runs the machine from `startAt` (its StartAt, or the state an execution resumes or is redriven at). */
export const engineAt = (machine: Machine, startAt: string): StateMachine => {
  let engine = machine.engines.get(startAt);
  if (!engine) {
    engine = new StateMachine(forEngine({ ...machine.definition, StartAt: startAt }), {
      validationOptions: { noValidate: true },
    });
    machine.engines.set(startAt, engine);
  }
  return engine;
};

/** Milliseconds left before an execution (started or last redriven at `since`) times out; undefined without TimeoutSeconds. */
export const timeLeftMs = (machine: Machine, since: number): number | undefined =>
  machine.timeoutSeconds === undefined ? undefined : machine.timeoutSeconds * 1000 - (Date.now() - since);
