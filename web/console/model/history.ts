/**
 * What happened to each state of an execution, read from its history (GetExecutionHistory's events,
 * oldest first). This is the heart of the graph's colours, the table and the step panel: pure, and
 * unit-tested in test/unit/console/history.test.ts.
 *
 * A state's run starts at its `…StateEntered` event. A Task's attempts are its `…Scheduled` events,
 * each ended by `…Succeeded`, `…Failed` or `…TimedOut`; an attempt after a failed one is a retry,
 * and the time between them the backoff wait. A run ends:
 * - with `…StateExited`: succeeded (retried, when it took more than one attempt), or caught when
 *   its last attempt failed (the exit of a Catch, which some histories record);
 * - with the execution failing, timing out or being stopped while in it: failed;
 * - with another state entered after a failure and no exit: caught (its Catch routed the error);
 * - not yet: in progress.
 */

/** The parts of a history event this reads (the SDK's HistoryEvent has them all). */
export interface HistoryEventLike {
  id?: number;
  type?: string;
  timestamp?: Date | number;
}

export type RunStatus = 'succeeded' | 'retried' | 'failed' | 'caught' | 'in-progress';
export type StateStatus = RunStatus | 'not-reached';
export const STATE_STATUSES: readonly StateStatus[] = [
  'succeeded',
  'retried',
  'caught',
  'failed',
  'in-progress',
  'not-reached',
];

export type AttemptOutcome = 'succeeded' | 'failed' | 'timed-out' | 'running';

export interface Attempt {
  startedAt: number;
  endedAt?: number;
  outcome: AttemptOutcome;
  error?: string;
  cause?: string;
  /** What the task answered (its `…Succeeded` event's output): the result before ResultSelector. */
  result?: string;
}

export interface StateRun {
  name: string;
  /** The state's type, from its events (`TaskStateEntered` → `Task`). */
  type: string;
  enteredAt: number;
  exitedAt?: number;
  /** The id of its `…StateEntered` event. */
  eventId: number;
  input?: string;
  output?: string;
  attempts: Attempt[];
  /** Attempts after a failed one. */
  retries: number;
  status: RunStatus;
  /** The error that ended it (failed or caught). */
  error?: string;
  cause?: string;
}

/** A transition taken: from one state to the next; `caught` names the error a Catch routed. */
export interface Transition {
  from: string;
  to: string;
  caught?: string;
}

export interface ExecutionStates {
  runs: StateRun[];
  transitions: Transition[];
  /** Each state's latest run. */
  latest: Map<string, StateRun>;
}

const ATTEMPT_START = /^(Task|LambdaFunction|Activity)Scheduled$/;
const ATTEMPT_END =
  /^(Task|LambdaFunction|Activity)(Succeeded|Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$/;
const EXECUTION_END = /^Execution(Failed|TimedOut|Aborted)$/;

const time = (event: HistoryEventLike): number => {
  const { timestamp } = event;
  return timestamp instanceof Date ? timestamp.getTime() : Number(timestamp ?? 0);
};

/** An event's `…EventDetails` member, whatever its name. */
export const detailsOf = (event: HistoryEventLike): Record<string, unknown> => {
  const value = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] as unknown;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const endAttempt = (run: StateRun, event: HistoryEventLike, kind: string) => {
  const attempt = run.attempts.at(-1);
  if (!attempt || attempt.outcome !== 'running') return;
  const details = detailsOf(event);
  attempt.endedAt = time(event);
  attempt.outcome = kind === 'Succeeded' ? 'succeeded' : kind === 'TimedOut' ? 'timed-out' : 'failed';
  if (attempt.outcome === 'succeeded') attempt.result = text(details.output);
  else {
    attempt.error = text(details.error) ?? (kind === 'TimedOut' ? 'States.Timeout' : 'States.TaskFailed');
    attempt.cause = text(details.cause);
  }
};

/** A run left without an exit: the error of its last failed attempt, if any. */
const lastFailure = (run: StateRun): Attempt | undefined => {
  const last = run.attempts.at(-1);
  return last && (last.outcome === 'failed' || last.outcome === 'timed-out') ? last : undefined;
};

const closeAsFailed = (run: StateRun, event: HistoryEventLike) => {
  const details = detailsOf(event);
  const failure = lastFailure(run);
  run.status = 'failed';
  run.error =
    failure?.error ?? text(details.error) ?? (event.type === 'ExecutionAborted' ? 'Execution stopped' : undefined);
  run.cause = failure?.cause ?? text(details.cause);
  const attempt = run.attempts.at(-1);
  if (attempt?.outcome === 'running')
    Object.assign(attempt, { outcome: 'failed', endedAt: time(event), error: run.error });
};

const newRun = (event: HistoryEventLike): StateRun => {
  const details = detailsOf(event);
  return {
    name: text(details.name) ?? '?',
    type: String(event.type).replace(/StateEntered$/, ''),
    enteredAt: time(event),
    eventId: Number(event.id ?? 0),
    input: text(details.input),
    attempts: [],
    retries: 0,
    status: 'in-progress',
  };
};

/** Derives every state's runs, the transitions taken and each state's latest run from a history. */
export const deriveStates = (events: readonly HistoryEventLike[]): ExecutionStates => {
  const runs: StateRun[] = [];
  const transitions: Transition[] = [];
  let open: StateRun | undefined;
  let previous: StateRun | undefined;
  for (const event of events) {
    const type = String(event.type ?? '');
    if (type.endsWith('StateEntered')) {
      const run = newRun(event);
      if (open) {
        // Entered the next state without leaving this one: a Catch routed its failure.
        open.status = 'caught';
        const failure = lastFailure(open);
        open.error = failure?.error;
        open.cause = failure?.cause;
      }
      if (previous)
        transitions.push({
          from: previous.name,
          to: run.name,
          ...(previous.status === 'caught' && { caught: previous.error ?? 'States.ALL' }),
        });
      runs.push(run);
      open = run;
      previous = run;
    } else if (type.endsWith('StateExited') && open) {
      open.exitedAt = time(event);
      open.output = text(detailsOf(event).output);
      // Left after a failed last attempt: through a Catch (some engines record the exit, AWS may not).
      const failure = lastFailure(open);
      open.status = failure ? 'caught' : open.retries > 0 ? 'retried' : 'succeeded';
      if (failure) Object.assign(open, { error: failure.error, cause: failure.cause });
      open = undefined;
    } else if (ATTEMPT_START.test(type) && open) {
      if (lastFailure(open)) open.retries++;
      open.attempts.push({ startedAt: time(event), outcome: 'running' });
    } else if (ATTEMPT_END.test(type) && open) {
      endAttempt(open, event, ATTEMPT_END.exec(type)![2]!);
    } else if (EXECUTION_END.test(type)) {
      if (open) closeAsFailed(open, event);
      // A redrive starts again from here: no transition joins the runs before and after it.
      open = undefined;
      previous = undefined;
    }
  }
  const latest = new Map<string, StateRun>();
  for (const run of runs) latest.set(run.name, run);
  return { runs, transitions, latest };
};

/** The status a state of the definition shows: its latest run's, or not reached. */
export const statusOf = (states: ExecutionStates, name: string): StateStatus =>
  states.latest.get(name)?.status ?? 'not-reached';

/** The key of a transition, to match it against the graph's edges. */
export const transitionKey = (from: string, to: string): string => `${from}\u2192${to}`;

/** The backoff waits of a run: the gaps between a failed attempt's end and the next attempt's start. */
export const backoffWaits = (run: StateRun): { from: number; to: number }[] =>
  run.attempts.slice(1).flatMap((attempt, i) => {
    const before = run.attempts[i]!;
    return before.endedAt !== undefined ? [{ from: before.endedAt, to: attempt.startedAt }] : [];
  });
