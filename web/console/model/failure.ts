/**
 * Why an execution failed, for the banner above its views: the error and cause of its last
 * ExecutionFailed (or TimedOut, or Aborted) event, and the state it failed in: the one an
 * EvaluationFailed event names (a JSONata expression that failed), else the run that ended failed.
 */
import { detailsOf, type HistoryEventLike, type StateRun } from './history';

export interface ExecutionFailure {
  kind: 'failed' | 'timed-out' | 'aborted';
  error?: string;
  cause?: string;
  /** The state to show; undefined when the execution failed outside any state. */
  state?: string;
  /** The expression's field, for an EvaluationFailed (`Arguments`, `Output`…). */
  location?: string;
}

const KINDS: Record<string, ExecutionFailure['kind']> = {
  ExecutionFailed: 'failed',
  ExecutionTimedOut: 'timed-out',
  ExecutionAborted: 'aborted',
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The execution's failure, or undefined when its history does not end in one (running, succeeded, redriven). */
export const failureOf = (
  events: readonly HistoryEventLike[],
  runs: readonly StateRun[],
): ExecutionFailure | undefined => {
  const last = events.findLastIndex((event) =>
    /^Execution(Failed|TimedOut|Aborted|Succeeded|Redriven)$/.test(event.type ?? ''),
  );
  const end = events[last];
  const kind = end && KINDS[end.type ?? ''];
  if (!end || !kind) return undefined;
  const details = detailsOf(end);
  // Only this attempt's events count: a redrive starts the execution's run again.
  const since = events.slice(0, last).findLastIndex((event) => event.type === 'ExecutionRedriven') + 1;
  const evaluation = events.slice(since, last).findLast((event) => event.type === 'EvaluationFailed');
  const evaluated = evaluation && detailsOf(evaluation);
  const failedRun = runs.findLast((run) => run.status === 'failed');
  return {
    kind,
    error: text(details.error) ?? text(evaluated?.error),
    cause: text(details.cause) ?? text(evaluated?.cause),
    state: text(evaluated?.state) ?? failedRun?.name,
    ...(text(evaluated?.location) && { location: text(evaluated?.location) }),
  };
};
