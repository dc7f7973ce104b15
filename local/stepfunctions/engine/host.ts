import type { Json, Variables } from './types';

export type QueryLanguage = 'JSONPath' | 'JSONata';

/** A state as the engine reads it: the fields of both query languages (validation keeps them apart). */
export interface EngineState {
  Type: 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Map' | 'Parallel';
  QueryLanguage?: QueryLanguage;
  Next?: string;
  End?: boolean;
  [field: string]: unknown;
}

export interface EngineDefinition {
  StartAt: string;
  States: Record<string, EngineState>;
  QueryLanguage?: QueryLanguage;
  TimeoutSeconds?: number;
  Comment?: string;
}

/**
 * Where an event or a call belongs, for a host that follows the states (the local X-Ray): the state
 * entry it is part of (its StateEntered's id and time), and the entry of the Map or Parallel state
 * whose branch or iteration it runs in.
 */
export interface StatePlace {
  entered?: { id: number; at: number };
  parent?: number;
}

/** What a Task's integration is told besides its input. */
export interface TaskCall {
  stateName: string;
  /** Its state entry and attempt (0 first, then one more per retry). */
  place: StatePlace;
  retryCount: number;
  /** The resource without `.waitForTaskToken` / `.sync`. */
  resource: string;
  /** `.waitForTaskToken`: the call returns once the task is submitted; the token's answer is the result. */
  waitForTaskToken: boolean;
}

/**
 * What an execution runs on: where its events are recorded (synchronously, before it goes on), the
 * clock, the integrations, and the signal that stops it (StopExecution, a timeout, the cloud
 * stopping).
 */
export interface EngineHost {
  /** Records one history event and answers its id; a state's entry and exit say where they are. */
  record(type: string, details?: Record<string, unknown>, place?: StatePlace): number;
  now(): number;
  /** Aborts when the execution stops (StopExecution, its timeout, the cloud stopping). */
  signal: AbortSignal;
  /** Calls a Task's integration and answers its result (AWS's shape), or throws a StatesError. */
  call(input: Json, task: TaskCall): Promise<Json>;
  /** Waits for SendTaskSuccess/Failure on a token, each SendTaskHeartbeat resetting `heartbeatMs`. */
  waitForToken(token: string, heartbeatMs: number | undefined): Promise<Json>;
  /** A token for `.waitForTaskToken`: the same for the same execution, state entry and attempt. */
  taskToken(seed: string): string;
  /** The region, for the history's TaskScheduled events. */
  region: string;
  /** Multiplies Retry intervals and Wait times (1 on AWS). */
  timeScale: number;
}

/** The context object's execution part (`$$.Execution` / `$states.context.Execution`). */
export interface ExecutionContext {
  Id: string;
  Input: Json;
  Name: string;
  RoleArn: string;
  StartTime: string;
  RedriveCount: number;
  RedriveTime?: string;
}

/** One scope of states: the top level, a Parallel branch, or a Map iteration. */
export interface Frame {
  definition: EngineDefinition;
  /** The machine's query language where a state names none. */
  queryLanguage: QueryLanguage;
  execution: ExecutionContext;
  stateMachine: { Id: string; Name: string };
  /** The Map item this frame processes (`$$.Map.Item`). */
  mapItem?: { Index: number; Value: Json };
  /** The variables this frame sees: the outer ones, then its own (Assign writes here). */
  variables: Variables;
  /** A seed that identifies this frame for deterministic jitter and task tokens. */
  seed: string;
  /** The StateEntered id of the Map or Parallel state this frame is a branch or iteration of. */
  parentEntered?: number;
  /** Fields laid over the context object (TestState's `context`). */
  contextOverride?: { [key: string]: Json };
  /** Told each step of a state's data flow (TestState's inspection data). */
  inspect?: (step: string, value: Json) => void;
}

export const languageOf = (frame: Frame, state: EngineState): QueryLanguage =>
  state.QueryLanguage ?? frame.queryLanguage;

/** The context object a state's expressions see. */
export const contextObject = (
  frame: Frame,
  state: { name: string; enteredTime: number; retryCount: number },
  token?: string,
): Json => {
  const context: { [key: string]: Json } = {
    Execution: { ...frame.execution },
    State: { EnteredTime: new Date(state.enteredTime).toISOString(), Name: state.name, RetryCount: state.retryCount },
    StateMachine: { ...frame.stateMachine },
    ...(token !== undefined && { Task: { Token: token } }),
    ...(frame.mapItem && { Map: { Item: { ...frame.mapItem } } }),
  };
  for (const [key, value] of Object.entries(frame.contextOverride ?? {}))
    context[key] = isObject(value) && isObject(context[key]) ? { ...context[key], ...value } : value;
  return context;
};

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
