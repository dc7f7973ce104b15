/**
 * The engine's vocabulary: JSON values, the errors states raise (Step Functions' `Error` and
 * `Cause`), and what an expression is evaluated against.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An error as Step Functions names it: `error` is `States.Runtime`, `States.TaskFailed`, a Lambda's errorType…; `cause` its text. */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(cause);
    this.name = error;
  }
}

/** Step Functions' own error names (AWS's developer guide, "Error handling"). */
export const ERRORS = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Permissions: 'States.Permissions',
  DataLimitExceeded: 'States.DataLimitExceeded',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  QueryEvaluationError: 'States.QueryEvaluationError',
} as const;

/** Variables in scope: a name (without `$`) to its value. */
export type Variables = Record<string, Json>;

/**
 * What a state's expressions see. `input` is the state's input; `context` the context object
 * (`$$` in JSONPath, `$states.context` in JSONata); `variables` the workflow variables in scope.
 */
export interface Scope {
  input: Json;
  context: Json;
  variables: Variables;
  /** Told each step of the data flow (`afterInputPath`, `result`, …): TestState's inspection data. */
  inspect?: (step: string, value: Json) => void;
}

/** A value as history events and TestState carry it: JSON text, `null` for nothing. */
export const json = (value: unknown): string => JSON.stringify(value ?? null);

/** A definition's field as text: a string as it is, anything else as JSON. */
export const textOf = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
