// What an invocation of a function gives back and reports, for the runtime and whoever it reports to.
import type { FunctionSpec } from './specs';

/** The error payload Lambda reports for a failed invocation. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** How an invocation is asked for, beyond its event. */
export interface InvokeOptions {
  /** The caller's X-Ray trace header (`Root=1-…;Parent=…;Sampled=1`): the function's `_X_AMZN_TRACE_ID`. */
  traceHeader?: string;
}

export interface InvokeResult {
  requestId: string;
  payload: unknown;
  /** Set, as in Lambda's `X-Amz-Function-Error`, when the function failed. */
  functionError?: 'Unhandled';
  durationMs: number;
}

export interface FunctionOutput {
  fn: FunctionSpec;
  requestId: string | undefined;
  stream: 'stdout' | 'stderr';
  text: string;
  /** The CloudWatch Logs stream of the execution environment that wrote it (`2026/12/02/[$LATEST]<32 hex>`). */
  logStream?: string;
}

export interface InvocationReport {
  fn: FunctionSpec;
  requestId: string;
  /** When the invocation was asked for (epoch ms). */
  start: number;
  /** Waiting for a worker (all of the function's busy, or the budget spent). */
  queuedMs: number;
  /** A cold start's init phase (loading the bundle), before the handler ran. */
  initMs: number;
  /** The handler, as Lambda's REPORT line counts it. */
  durationMs: number;
  coldStart: boolean;
  error?: LambdaErrorPayload;
  /** The log stream of the environment that ran it (none when a fault stopped it before one was found). */
  logStream?: string;
  /** The most the worker's V8 heap held during the invocation, as REPORT's `Max Memory Used`. */
  maxMemoryUsedMb?: number;
}

export interface RuntimeHooks {
  /** Every chunk a function writes to stdout or stderr. */
  onOutput?(output: FunctionOutput): void;
  /** One report per invocation, as Lambda's REPORT line. */
  onReport?(report: InvocationReport): void;
}
