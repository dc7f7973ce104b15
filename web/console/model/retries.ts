/**
 * A state's attempts as the step panel's Retry tab lists them: each attempt's outcome, error and
 * cause, how long it ran, the wait before the next one (the backoff), and the retrier of the state's
 * Retry whose ErrorEquals matched its error (as the engine picks it: the first that matches).
 */
import type { AslState } from './definition';
import type { AttemptOutcome, StateRun } from './history';

export interface RetryAttempt {
  /** 1 for the first attempt. */
  number: number;
  outcome: AttemptOutcome;
  error?: string;
  cause?: string;
  startedAt: number;
  /** How long it ran; undefined while it runs. */
  durationMs?: number;
  /** The wait between its end and the next attempt's start; undefined for the last attempt. */
  waitMs?: number;
  /** The index in the state's Retry of the retrier that matched its error. */
  retrier?: number;
}

/** Errors no Retry or Catch handles (AWS's terminal errors). */
const TERMINAL = new Set(['States.Runtime', 'States.DataLimitExceeded']);

/** Whether a retrier's ErrorEquals names an error, with AWS's wildcards (as the engine matches it). */
export const matchesError = (errorEquals: readonly string[], error: string): boolean =>
  !TERMINAL.has(error) &&
  errorEquals.some(
    (name) => name === error || name === 'States.ALL' || (name === 'States.TaskFailed' && error !== 'States.Timeout'),
  );

/** A run's attempts, with their waits and retriers. */
export const retryAttempts = (run: StateRun, state?: AslState): RetryAttempt[] =>
  run.attempts.map((attempt, i) => {
    const next = run.attempts[i + 1];
    const retrier = attempt.error
      ? (state?.Retry ?? []).findIndex((rule) => matchesError(rule.ErrorEquals, attempt.error!))
      : -1;
    return {
      number: i + 1,
      outcome: attempt.outcome,
      ...(attempt.error !== undefined && { error: attempt.error }),
      ...(attempt.cause !== undefined && { cause: attempt.cause }),
      startedAt: attempt.startedAt,
      ...(attempt.endedAt !== undefined && { durationMs: attempt.endedAt - attempt.startedAt }),
      ...(next && attempt.endedAt !== undefined && { waitMs: next.startedAt - attempt.endedAt }),
      ...(retrier >= 0 && { retrier }),
    };
  });
