import { ServiceError } from '../support/errors';
import type { ExecutionRecord, ExecutionStore } from './executions';
import type { HistoryEvent } from './history';

/** How long after it stopped an execution may be redriven (AWS: 14 days). */
export const REDRIVABLE_PERIOD_MS = 14 * 24 * 3600 * 1000;
/** The longest an execution may stay open, redrives included (AWS: one year). */
export const MAX_EXECUTION_TIME_MS = 365 * 24 * 3600 * 1000;
/** A redrive needs room for ExecutionRedriven and one more event under AWS's 25,000. */
export const HISTORY_EVENT_LIMIT = 24_999;
/** How many of the last client tokens answer a repeated RedriveExecution idempotently, and for how long. */
const CLIENT_TOKENS_KEPT = 10;
const CLIENT_TOKEN_TTL_MS = 15 * 60 * 1000;
const CLIENT_TOKEN = /^[!-~]{1,64}$/;

export type RedriveStatus = 'REDRIVABLE' | 'NOT_REDRIVABLE';

/** Whether RedriveExecution would accept this execution now, and AWS's words when it would not. */
export const redriveStatusOf = (
  record: ExecutionRecord,
  machine: { type: 'STANDARD' | 'EXPRESS' } | undefined,
  now = Date.now(),
): { status: RedriveStatus; reason?: string } => {
  const not = (reason: string) => ({ status: 'NOT_REDRIVABLE' as const, reason });
  if (!machine) return not('State machine is in DELETING status');
  if (machine.type === 'EXPRESS') return not('Execution of an EXPRESS state machine cannot be redriven');
  if (record.status === 'RUNNING') return not('Execution is RUNNING and cannot be redriven');
  if (record.status === 'SUCCEEDED') return not('Execution is SUCCEEDED and cannot be redriven');
  if (record.eventCount >= HISTORY_EVENT_LIMIT) return not('Execution history event limit exceeded');
  if (now - record.startDate > MAX_EXECUTION_TIME_MS) return not('Execution has exceeded the max execution time');
  if (now - (record.stopDate ?? record.startDate) > REDRIVABLE_PERIOD_MS)
    return not('Execution redrivable period exceeded');
  return { status: 'REDRIVABLE' };
};

/**
 * A repeated RedriveExecution with a client token among the last 10 used, within 15 minutes, answers
 * the redrive it made then (AWS's idempotency); answers undefined for a new or expired token.
 */
export const earlierRedrive = (
  record: ExecutionRecord,
  clientToken: string | undefined,
  now = Date.now(),
): number | undefined => {
  if (clientToken === undefined) return undefined;
  if (!CLIENT_TOKEN.test(clientToken)) {
    throw new ServiceError(
      'ValidationException',
      "1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+ and have length between 1 and 64",
    );
  }
  return record.redriveTokens?.find((t) => t.token === clientToken && now - t.date <= CLIENT_TOKEN_TTL_MS)?.date;
};

/** The tokens kept after a redrive with this one. */
export const keepToken = (
  record: ExecutionRecord,
  clientToken: string | undefined,
  date: number,
): ExecutionRecord['redriveTokens'] =>
  clientToken === undefined
    ? record.redriveTokens
    : [...(record.redriveTokens ?? []), { token: clientToken, date }].slice(-CLIENT_TOKENS_KEPT);

const TERMINAL_EVENTS: Record<string, { status: ExecutionRecord['status']; details: string }> = {
  ExecutionSucceeded: { status: 'SUCCEEDED', details: 'executionSucceededEventDetails' },
  ExecutionFailed: { status: 'FAILED', details: 'executionFailedEventDetails' },
  ExecutionTimedOut: { status: 'TIMED_OUT', details: 'executionTimedOutEventDetails' },
  ExecutionAborted: { status: 'ABORTED', details: 'executionAbortedEventDetails' },
};

/**
 * The end a history recorded when the record did not get it (a crash between the two writes): the
 * execution ended, and is not run again. Undefined while the history goes on.
 */
export const recordedEnd = (events: HistoryEvent[]): Partial<ExecutionRecord> | undefined => {
  const last = events.at(-1);
  const end = last && TERMINAL_EVENTS[last.type];
  if (!last || !end) return undefined;
  const { error, cause } = (last[end.details] ?? {}) as { error?: string; cause?: string };
  return {
    status: end.status,
    stopDate: last.timestamp,
    ...(error !== undefined && { error }),
    ...(cause !== undefined && { cause }),
  };
};

/** The ExecutionRedriven event, appended to the execution's history. */
export const appendRedriven = (store: ExecutionStore, record: ExecutionRecord, timestamp: number): void => {
  const id = ++record.eventCount;
  store.append(record.executionArn, {
    id,
    previousEventId: id - 1,
    timestamp,
    type: 'ExecutionRedriven',
    executionRedrivenEventDetails: { redriveCount: record.redriveCount },
  });
};
