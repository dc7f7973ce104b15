import { ExecutionAbortedError, ExecutionError, type StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionRecord, ExecutionStore } from './executions';
import { historyEventOf, type HistoryEvent, json, type JSONValue } from './history';
import {
  describeResource,
  type IntegrationTargets,
  TaskFailure,
  type TaskInput,
  taskIntegration,
} from './integrations';
import type { AslDefinition } from './asl';
import { engineAt, type Machine, timeLeftMs } from './machines';
import type { ResumePoint } from './redrive';
import { taskStates } from './specs';

/** What one attempt of an execution runs on. */
export interface RunContext {
  region: string;
  roleArn: string;
  stateMachine: { arn: string; name: string };
  definition: AslDefinition;
  targets: IntegrationTargets;
  store: ExecutionStore;
  onEvent?: (record: ExecutionRecord, event: HistoryEvent) => void;
  onEnd: (record: ExecutionRecord) => void;
}

/** Where an attempt starts: the engine (built for its first state), that state's input, and what is already recorded. */
export interface Attempt {
  engine: StateMachine;
  input: JSONValue;
  /** The history already has ExecutionStarted (a resume or a redrive). */
  started: boolean;
  /** The history already has this state's StateEntered (a resume after a crash). */
  entered?: string;
  /** Milliseconds left before the execution times out (its TimeoutSeconds). */
  timeoutMs?: number;
}

/** Where an attempt starts: the resume point's state with its input, or StartAt with the execution's input. */
export const attemptAt = (
  machine: Machine,
  record: ExecutionRecord,
  at: ResumePoint | undefined,
  started: boolean,
  executionInput: string,
): Attempt => {
  const timeoutMs = timeLeftMs(machine, record.redriveDate ?? record.startDate);
  if (!at)
    return {
      engine: engineAt(machine, machine.definition.StartAt),
      input: JSON.parse(executionInput) as JSONValue,
      started,
      timeoutMs,
    };
  return {
    engine: engineAt(machine, at.state),
    input: at.input,
    started,
    ...(at.entered && { entered: at.state }),
    timeoutMs,
  };
};

export interface RunningExecution {
  stop(error?: string, cause?: string): void;
  /** The cloud stops before this execution ends: it stops where it is, still RUNNING, to resume on the next start. */
  suspend(): void;
  done: Promise<void>;
}

type Push = (type: string, details?: Record<string, unknown>) => void;

/**
 * Runs one attempt of an execution on the engine and records its history: every event is written
 * (store.append, synchronous) as it happens, so a Task's StateEntered is on disk before the Task
 * calls anything, and its outcome before the next state starts.
 */
export const runAttempt = (ctx: RunContext, record: ExecutionRecord, attempt: Attempt): RunningExecution => {
  let closed = false;
  const push: Push = (type, details = {}) => {
    // A Task the engine gave up on (stopped, timed out) may still answer: its events come too late.
    if (closed) return;
    const id = ++record.eventCount;
    const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: Date.now(), type, ...details };
    ctx.store.append(record.executionArn, event);
    ctx.onEvent?.(record, event);
  };
  const execution = attempt.engine.run(attempt.input, {
    overrides: { taskResourceLocalHandlers: taskHandlers(ctx, push) },
    context: {
      Execution: { Id: record.executionArn, Name: record.name, RoleArn: ctx.roleArn },
      StateMachine: { Id: ctx.stateMachine.arn, Name: ctx.stateMachine.name },
    },
  });
  let ending: { status: 'ABORTED' | 'TIMED_OUT'; error?: string; cause?: string } | undefined;
  let suspended = false;
  const timer =
    attempt.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => ((ending = { status: 'TIMED_OUT', error: 'States.Timeout' }), execution.abort()),
          Math.max(0, attempt.timeoutMs),
        );
  const recording = (async () => {
    let skipStarted = attempt.started;
    let skipEntered = attempt.entered;
    for await (const event of execution.eventLogs) {
      if (event.type === 'ExecutionStarted' && skipStarted) skipStarted = false;
      else if (event.type === 'StateEntered' && skipEntered === event.state.name) skipEntered = undefined;
      else if (event.type === 'ExecutionAborted' && ending?.status === 'TIMED_OUT')
        push('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } });
      else if (event.type === 'ExecutionAborted')
        push('ExecutionAborted', { executionAbortedEventDetails: { error: ending?.error, cause: ending?.cause } });
      else {
        const mapped = historyEventOf(event, ctx.roleArn);
        if (mapped) push(mapped.type, mapped.details);
      }
    }
  })();
  const done = (async () => {
    let outcome: Partial<ExecutionRecord>;
    try {
      await execution.result;
      outcome = { status: 'SUCCEEDED' };
    } catch (error) {
      outcome = error instanceof ExecutionAbortedError && ending ? ending : outcomeOf(error);
    }
    clearTimeout(timer);
    await recording.catch(() => undefined);
    closed = true;
    if (suspended) return ctx.onEnd(record);
    Object.assign(record, outcome, { stopDate: Date.now() });
    ctx.store.save(record);
    ctx.onEnd(record);
  })();
  return {
    stop: (error, cause) => {
      ending = { status: 'ABORTED', error, cause };
      execution.abort();
    },
    suspend: () => {
      // Nothing more is recorded: a Task under way may still answer, and its answer is dropped.
      suspended = true;
      closed = true;
      execution.abort();
    },
    done,
  };
};

/** The record fields of an execution that did not succeed, from the engine's error. */
const outcomeOf = (error: unknown): Partial<ExecutionRecord> => {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionError) {
    const cause = (error as { cause?: { name?: string; message?: string; cause?: unknown } }).cause;
    const detail = cause?.cause ?? cause?.message;
    return {
      status: 'FAILED',
      error: cause?.name ?? 'States.Runtime',
      cause: typeof detail === 'string' ? detail : json(detail),
    };
  }
  return { status: 'FAILED', error: 'States.Runtime', cause: (error as Error).message };
};

/** One local handler per Task state: the integration call, with its Task events around it. */
const taskHandlers = (ctx: RunContext, push: Push) => {
  const handlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
  for (const [stateName, state] of taskStates(ctx.definition)) {
    const resource = String(state.Resource);
    const described = describeResource(resource);
    const call = taskIntegration(resource, stateName, ctx.targets);
    const timeoutSeconds = Number(state.TimeoutSeconds ?? 60);
    handlers[stateName] = async (input) => {
      // Let the engine's StateEntered event reach the history first.
      await new Promise((resolve) => setImmediate(resolve));
      const started = Date.now();
      push('TaskScheduled', {
        taskScheduledEventDetails: {
          ...described,
          region: ctx.region,
          parameters: json(input),
          timeoutInSeconds: timeoutSeconds,
        },
      });
      push('TaskStarted', { taskStartedEventDetails: described });
      try {
        const output = await call(input as TaskInput);
        if (Date.now() - started >= timeoutSeconds * 1000)
          push('TaskTimedOut', { taskTimedOutEventDetails: { ...described, error: 'States.Timeout' } });
        else
          push('TaskSucceeded', {
            taskSucceededEventDetails: { ...described, output: json(output), outputDetails: { truncated: false } },
          });
        return output as JSONValue;
      } catch (error) {
        const failure =
          error instanceof TaskFailure ? error : new TaskFailure('States.TaskFailed', (error as Error).message);
        push('TaskFailed', { taskFailedEventDetails: { ...described, error: failure.name, cause: failure.message } });
        throw failure;
      }
    };
  }
  return handlers;
};
