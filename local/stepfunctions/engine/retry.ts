import { createHash } from 'node:crypto';
import { ERRORS, type Json, StatesError } from './types';
import { statePrefix } from './jsonata';

/** A Retry or Catch rule as the definition writes it. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: Json;
  Assign?: Json;
}

/** Errors no Retry or Catch handles: they fail the execution (AWS's terminal errors). */
const TERMINAL = new Set<string>([ERRORS.Runtime, ERRORS.DataLimitExceeded]);

/**
 * Whether a rule's ErrorEquals names this error: by name; States.ALL for any error but the terminal
 * ones; States.TaskFailed for any error but States.Timeout and the terminal ones.
 */
export const matchesError = (errorEquals: string[], error: string): boolean => {
  if (TERMINAL.has(error)) return false;
  return errorEquals.some(
    (name) => name === error || name === ERRORS.ALL || (name === ERRORS.TaskFailed && error !== ERRORS.Timeout),
  );
};

/** Attempts made so far under each retrier (by its index in Retry): State.RetryCount is their sum. */
export type RetryCounts = number[];

/** What follows a failed attempt: another, after a delay, or the failure goes on to Catch. */
export type RetryDecision = { retry: true; retrier: number; delayMs: number } | { retry: false };

/**
 * The delay before a retry, as AWS computes it: IntervalSeconds × BackoffRate^(retries before),
 * at most MaxDelaySeconds; with JitterStrategy FULL, a fraction of that. The fraction comes from a
 * hash of `seed` (the execution, the state's entry and the attempt), so that a resumed execution
 * waits out the same backoff it began. `scale` multiplies it (the cloud's retry interval scale).
 */
export const retryDelayMs = (retrier: Retrier, retriesBefore: number, seed: string, scale: number): number => {
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  let seconds = interval * rate ** retriesBefore;
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds *= unitFraction(seed);
  return seconds * 1000 * scale;
};

const unitFraction = (seed: string): number =>
  createHash('sha256').update(seed).digest().readUInt32BE(0) / 0x1_0000_0000;

/**
 * Decides on a failed attempt, and counts it: the first retrier whose ErrorEquals names the error
 * retries while it has attempts left (MaxAttempts, default 3; 0 never retries).
 */
export const decideRetry = (
  retriers: Retrier[] | undefined,
  counts: RetryCounts,
  error: string,
  seed: string,
  scale: number,
): RetryDecision => {
  const index = (retriers ?? []).findIndex((retrier) => matchesError(retrier.ErrorEquals, error));
  if (index < 0) return { retry: false };
  const retrier = retriers![index]!;
  const made = counts[index] ?? 0;
  if (made >= (retrier.MaxAttempts ?? 3)) return { retry: false };
  counts[index] = made + 1;
  return { retry: true, retrier: index, delayMs: retryDelayMs(retrier, made, `${seed}#${index}#${made}`, scale) };
};

/** The catcher for an error that retries did not handle, if any. */
export const catcherFor = (catchers: Catcher[] | undefined, error: string): Catcher | undefined =>
  (catchers ?? []).find((catcher) => matchesError(catcher.ErrorEquals, error));

/** An error as states pass it on: `{ Error, Cause }` (the error output Catch receives). */
export const errorOutput = (error: StatesError): { Error: string; Cause: string } => ({
  Error: error.error,
  Cause: error.cause,
});

/** Any thrown value as a StatesError (an unexpected one is States.Runtime). */
export const asStatesError = (error: unknown): StatesError =>
  error instanceof StatesError
    ? error
    : new StatesError(ERRORS.Runtime, error instanceof Error ? error.message : String(error));

/**
 * A States.Runtime error as AWS words it: its cause begins with the state it happened in and the id
 * of the event that entered it (`An error occurred while executing the state 'X' (entered at the
 * event id #2). …`), once: an error from an inner state of a Map or Parallel keeps that state's.
 */
export const inState = (error: StatesError, state: string, enteredEventId?: number): StatesError => {
  if (error.error !== ERRORS.Runtime || error.cause.startsWith(STATE_PREFIX)) return error;
  const prefixed = new StatesError(error.error, statePrefix(state, enteredEventId) + error.cause);
  return Object.assign(prefixed, { ...error, cause: prefixed.cause });
};
const STATE_PREFIX = 'An error occurred while executing the state ';
