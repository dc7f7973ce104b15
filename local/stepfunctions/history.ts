import type { StateMachine } from 'aws-local-stepfunctions';

type Run = StateMachine['run'];

/** One event of the engine's log (aws-local-stepfunctions). */
export type EngineEvent = ReturnType<Run>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** A JSON value, as the engine passes states their input and output. */
export type JSONValue = Parameters<Run>[0];

/** One event of an execution's history, in the shape of GetExecutionHistory. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** An event before it is numbered: its type and its `…EventDetails`. */
export interface NewEvent {
  type: string;
  details: Record<string, unknown>;
}

const EVENT_PREFIX: Record<string, string> = {
  Task: 'Task',
  Pass: 'Pass',
  Choice: 'Choice',
  Wait: 'Wait',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Map: 'Map',
  Parallel: 'Parallel',
};

export const json = (value: unknown): string => JSON.stringify(value ?? null);

const event = (type: string, details: Record<string, unknown> = {}): NewEvent => ({ type, details });

/**
 * Maps the engine's event log to AWS's history event types and details. The engine's StateRetried,
 * StateCaught, StateFailed and branch events have no event of their own in AWS: the Task events
 * around them (recorded by the task handlers) tell that story.
 */
export const historyEventOf = (e: EngineEvent, roleArn: string): NewEvent | undefined => {
  switch (e.type) {
    case 'ExecutionStarted':
      return event('ExecutionStarted', {
        executionStartedEventDetails: { input: json(e.input), inputDetails: { truncated: false }, roleArn },
      });
    case 'ExecutionSucceeded':
      return event('ExecutionSucceeded', {
        executionSucceededEventDetails: { output: json(e.output), outputDetails: { truncated: false } },
      });
    case 'ExecutionFailed':
      return event('ExecutionFailed', {
        executionFailedEventDetails: { error: e.Error, cause: typeof e.Cause === 'string' ? e.Cause : json(e.Cause) },
      });
    case 'ExecutionAborted':
      return event('ExecutionAborted', { executionAbortedEventDetails: {} });
    case 'ExecutionTimeout':
      return event('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } });
    case 'StateEntered':
      return event(`${EVENT_PREFIX[e.state.type]}StateEntered`, {
        stateEnteredEventDetails: {
          name: e.state.name,
          input: json(e.state.input),
          inputDetails: { truncated: false },
        },
      });
    case 'StateExited':
      return event(`${EVENT_PREFIX[e.state.type]}StateExited`, {
        stateExitedEventDetails: {
          name: e.state.name,
          output: json(e.state.output),
          outputDetails: { truncated: false },
        },
      });
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      return event(e.type, {
        [`${e.type[0]!.toLowerCase()}${e.type.slice(1)}EventDetails`]: { name: e.parentState.name, index: e.index },
      });
    default:
      return undefined;
  }
};
