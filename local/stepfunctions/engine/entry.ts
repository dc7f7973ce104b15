import type { Flowed } from './dataflow';
import { contextObject, type EngineHost, type EngineState, type Frame } from './host';
import type { Json, Scope, StatesError } from './types';

// What a state's evaluation works with, shared by the state loop (interpreter.ts) and the states that
// run work of their own (task.ts, branches.ts).

/** A failed attempt, as the history recorded it: what a resumed state's Retry goes on from. */
export interface RecordedFailure {
  error: string;
  cause: string;
  at: number;
}

/** Where a frame starts when an execution resumes or is redriven: a state already entered, perhaps mid-retry. */
export interface ResumeAt {
  state: string;
  input: Json;
  /** Its StateEntered, when the history has it (a resume after a crash): not recorded again. */
  entered?: { id: number; at: number };
  /** Its failed attempts since it was entered. */
  failures: RecordedFailure[];
}

/** A state's place in the execution, for its context object, its events and its deterministic seeds. */
export interface Entry {
  name: string;
  state: EngineState;
  input: Json;
  id: number;
  at: number;
}

/** What a state did: its output and assignments, and where the execution goes next (none: the frame ends). */
export interface Step extends Flowed {
  next?: string;
}

export { json } from './types';

/** The scope a state's expressions see, with its context object. */
export const scopeOf = (frame: Frame, entry: Entry, retryCount = 0, token?: string): Scope => ({
  input: entry.input,
  context: contextObject(frame, { name: entry.name, enteredTime: entry.at, retryCount }, token),
  variables: frame.variables,
  ...(frame.inspect && { inspect: frame.inspect }),
});

/** An EvaluationFailed event, once per error. */
export const recordEvaluationFailed = (host: EngineHost, state: string, error: StatesError, location?: string) => {
  const recorded = error as StatesError & { recorded?: boolean; location?: string };
  if (recorded.recorded) return;
  recorded.recorded = true;
  host.record('EvaluationFailed', {
    evaluationFailedEventDetails: {
      error: error.error,
      cause: error.cause,
      state,
      ...((location ?? recorded.location) && { location: location ?? recorded.location }),
    },
  });
};

/** Runs a nested frame (a Map iteration, a Parallel branch): the state loop, passed in to keep the modules acyclic. */
export type RunFrame = (host: EngineHost, frame: Frame, input: Json, resume?: ResumeAt) => Promise<Json>;

export const nextOf = (state: EngineState): string | undefined => (state.End === true ? undefined : state.Next);
