import { createHash } from 'node:crypto';
import type { ExecutionRecord, ExecutionStore } from './executions';
import type { HistoryEvent } from './history';
import { type IntegrationTargets, TaskFailure, type TaskInput, taskIntegration } from './integrations';
import type { EngineHost, ExecutionContext } from './engine/host';
import { type Outcome, runExecution, type Start } from './engine/execution';
import { resumeFrom } from './engine/resume';
import { StatesError, type Json } from './engine/types';
import type { TaskTokens } from './tokens';
import type { Machine } from './machines';
import type { ExecutionTrace } from './tracing';

/** What one attempt of an execution runs on. */
export interface RunContext {
  region: string;
  machine: Machine;
  targets: IntegrationTargets;
  tokens: TaskTokens;
  store: ExecutionStore;
  /** Multiplies Retry intervals and Wait times. */
  timeScale: number;
  onEvent?: (record: ExecutionRecord, event: HistoryEvent) => void;
  onEnd: (record: ExecutionRecord) => void;
  /** This attempt's spans (tracing.ts). */
  trace: ExecutionTrace;
}

/** How an attempt starts: from StartAt, where the history stopped (a resume), or at the state that failed (a redrive). */
export type AttemptKind = 'start' | 'resume' | 'redrive';

export interface RunningExecution {
  stop(error?: string, cause?: string): void;
  /** The cloud stops before this execution ends: it stops where it is, still RUNNING, to resume on the next start. */
  suspend(): void;
  done: Promise<void>;
}

/** A task token: the same for the same execution, state entry and attempt, so that a resumed task waits on the token it gave out. */
const taskToken = (seed: string) => createHash('sha256').update(seed).digest('base64url').repeat(4);

/** The context object's execution part. */
const executionContext = (ctx: RunContext, record: ExecutionRecord, input: Json): ExecutionContext => ({
  Id: record.executionArn,
  Input: input,
  Name: record.name,
  RoleArn: ctx.machine.spec.roleArn,
  StartTime: new Date(record.startDate).toISOString(),
  RedriveCount: record.redriveCount,
  ...(record.redriveDate !== undefined && { RedriveTime: new Date(record.redriveDate).toISOString() }),
});

const hostFor = (ctx: RunContext, record: ExecutionRecord, signal: AbortSignal, closed: () => boolean): EngineHost => ({
  record: (type, details = {}, place) => {
    // A Task the execution gave up on (stopped, timed out) may still answer: its events come too late.
    if (closed()) return record.eventCount;
    const id = ++record.eventCount;
    const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: Date.now(), type, ...details };
    ctx.store.append(record.executionArn, event);
    ctx.trace.event(event, place);
    ctx.onEvent?.(record, event);
    return id;
  },
  now: Date.now,
  signal,
  call: async (input, task) => {
    try {
      const integration = taskIntegration(task.resource, task.stateName, ctx.targets);
      return (await ctx.trace.call(input, task, (traceHeader) =>
        integration(input as TaskInput, traceHeader === undefined ? {} : { traceHeader }),
      )) as Json;
    } catch (error) {
      if (error instanceof TaskFailure) throw new StatesError(error.name, error.message);
      throw error;
    }
  },
  waitForToken: (token, heartbeatMs) => ctx.tokens.wait(token, heartbeatMs, signal),
  taskToken,
  region: ctx.region,
  timeScale: ctx.timeScale,
});

/**
 * Runs one attempt of an execution and records its history: every event is written (store.append,
 * synchronous) as it happens, so a Task's StateEntered is on disk before the Task calls anything, and
 * its outcome before the next state starts. A resume or a redrive reads where to go on from the
 * history (resume.ts).
 */
export const runAttempt = (
  ctx: RunContext,
  record: ExecutionRecord,
  kind: AttemptKind,
  input: Json,
  timeoutMs: number | undefined,
): RunningExecution => {
  let closed = false;
  const controller = new AbortController();
  let ending: { status: 'ABORTED' | 'TIMED_OUT'; error?: string; cause?: string } | undefined;
  let suspended = false;
  const host = hostFor(ctx, record, controller.signal, () => closed);
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => ((ending = { status: 'TIMED_OUT', error: 'States.Timeout' }), controller.abort()),
          Math.max(0, timeoutMs),
        );
  const done = (async () => {
    let outcome: Outcome | undefined;
    try {
      const start: Start =
        kind === 'start'
          ? { at: 'start' }
          : await resumeFrom(ctx.store.history(record.executionArn), ctx.machine.definition, kind === 'redrive');
      outcome = await runExecution(host, {
        definition: ctx.machine.definition,
        execution: executionContext(ctx, record, input),
        stateMachine: { Id: ctx.machine.spec.arn, Name: ctx.machine.spec.name },
        start,
      });
    } catch (error) {
      outcome = { status: 'FAILED', error: 'States.Runtime', cause: (error as Error).message };
      host.record('ExecutionFailed', { executionFailedEventDetails: { error: outcome.error, cause: outcome.cause } });
    }
    clearTimeout(timer);
    if (suspended) {
      closed = true;
      return ctx.onEnd(record);
    }
    if (!outcome && ending) recordEnding(host, ending);
    closed = true;
    const fields = outcome
      ? outcome.status === 'SUCCEEDED'
        ? { status: outcome.status }
        : { status: outcome.status, error: outcome.error, cause: outcome.cause }
      : { status: ending?.status ?? 'ABORTED', error: ending?.error, cause: ending?.cause };
    Object.assign(record, fields, { stopDate: Date.now() });
    ctx.store.save(record);
    ctx.trace.end(record);
    ctx.onEnd(record);
  })();
  return {
    stop: (error, cause) => {
      ending = { status: 'ABORTED', error, cause };
      controller.abort();
    },
    suspend: () => {
      // Nothing more is recorded: a Task under way may still answer, and its answer is dropped.
      suspended = true;
      closed = true;
      controller.abort();
    },
    done,
  };
};

const recordEnding = (
  host: EngineHost,
  ending: { status: 'ABORTED' | 'TIMED_OUT'; error?: string; cause?: string },
) => {
  const details = {
    ...(ending.error !== undefined && { error: ending.error }),
    ...(ending.cause !== undefined && { cause: ending.cause }),
  };
  if (ending.status === 'TIMED_OUT') host.record('ExecutionTimedOut', { executionTimedOutEventDetails: details });
  else host.record('ExecutionAborted', { executionAbortedEventDetails: details });
};
