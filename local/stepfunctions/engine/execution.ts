import { Aborted } from './abort';
import type { EngineDefinition, EngineHost, ExecutionContext, Frame } from './host';
import { json, type ResumeAt } from './entry';
import { runFrame } from './interpreter';
import { asStatesError } from './retry';
import type { Json, Variables } from './types';

/** Where an execution starts: its first state, or (resumed, redriven) a state with the variables then in scope. */
export type Start =
  | { at: 'start' }
  | { at: 'state'; resume: ResumeAt; variables: Variables }
  /** The history recorded its last state's exit: the execution succeeds with that output. */
  | { at: 'ended'; output: Json };

export interface ExecutionRun {
  definition: EngineDefinition;
  execution: ExecutionContext;
  stateMachine: { Id: string; Name: string };
  start: Start;
}

export type Outcome = { status: 'SUCCEEDED'; output: Json } | { status: 'FAILED'; error?: string; cause?: string };

/**
 * Runs an execution to its end and records it (ExecutionSucceeded or ExecutionFailed). A stop
 * (the host's signal) ends it without an end event: the caller records ABORTED or TIMED_OUT, or
 * leaves it RUNNING to resume.
 */
export const runExecution = async (host: EngineHost, run: ExecutionRun): Promise<Outcome | undefined> => {
  const frame: Frame = {
    definition: run.definition,
    queryLanguage: run.definition.QueryLanguage ?? 'JSONPath',
    execution: run.execution,
    stateMachine: run.stateMachine,
    variables: run.start.at === 'state' ? { ...run.start.variables } : {},
    seed: run.execution.Id,
  };
  try {
    const output =
      run.start.at === 'ended'
        ? run.start.output
        : await runFrame(host, frame, run.execution.Input, run.start.at === 'state' ? run.start.resume : undefined);
    host.record('ExecutionSucceeded', {
      executionSucceededEventDetails: { output: json(output), outputDetails: { truncated: false } },
    });
    return { status: 'SUCCEEDED', output };
  } catch (error) {
    if (error instanceof Aborted || host.signal.aborted) return undefined;
    const failed = asStatesError(error);
    const fromFail = (failed as { fromFail?: { error?: string; cause?: string } }).fromFail;
    // An error without a cause (a timeout, SendTaskFailure without one) has none in ExecutionFailed either.
    const details = fromFail ?? { error: failed.error, ...(failed.cause !== '' && { cause: failed.cause }) };
    host.record('ExecutionFailed', {
      executionFailedEventDetails: {
        ...(details.error !== undefined && { error: details.error }),
        ...(details.cause !== undefined && { cause: details.cause }),
      },
    });
    return { status: 'FAILED', ...details };
  }
};
