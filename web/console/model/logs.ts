/**
 * What the console's Logs page and the step panel's Logs tab compute: a Task's function and log group
 * (from its definition), each attempt's Lambda request id (from the task's result: the optimized
 * integration's `SdkResponseMetadata.RequestId`), the FilterLogEvents queries of a step, and the
 * bounded, de-duplicated lines of a live tail. Pure, unit-tested in test/unit/console/logs.test.ts.
 */
import type { AslState } from './definition';
import type { StateRun } from './history';

export interface LogLine {
  eventId: string;
  timestamp: number;
  message: string;
  logStreamName?: string;
}

/** The function a Task invokes: `lambda:invoke`'s FunctionName (Arguments or Parameters) or a function ARN resource. */
export const functionOf = (state: AslState | undefined): string | undefined => {
  if (!state?.Resource) return undefined;
  const args = (state.Arguments ?? state.Parameters) as Record<string, unknown> | undefined;
  const target = state.Resource.startsWith('arn:aws:states:::lambda:invoke')
    ? args?.FunctionName
    : /:function:/.test(state.Resource)
      ? state.Resource
      : undefined;
  if (typeof target !== 'string' || target.includes('{%')) return undefined;
  const m = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(target);
  return m ? m[1] : target.split(':')[0];
};

/** A function's name, from its ARN (or the name itself). */
const functionNameOf = (nameOrArn: string): string =>
  /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(nameOrArn)?.[1] ?? nameOrArn;

/**
 * The function a step's invocation invoked in turn, from its "Participant invoked" log line (the
 * circuit-breaking step's: functions/order/participant-call.ts): its log group and request id.
 */
export const participantOf = (lines: readonly LogLine[]): { logGroupName: string; requestId: string } | undefined => {
  for (const line of lines) {
    if (!line.message.includes('"Participant invoked"')) continue;
    try {
      const entry = JSON.parse(line.message.slice(line.message.indexOf('{'))) as {
        message?: unknown;
        participant?: { functionName?: unknown; requestId?: unknown };
      };
      const { functionName, requestId } = entry.participant ?? {};
      if (entry.message === 'Participant invoked' && typeof functionName === 'string' && typeof requestId === 'string')
        return { logGroupName: logGroupOf(functionNameOf(functionName)), requestId };
    } catch {
      // Not a JSON line.
    }
  }
  return undefined;
};

/** A function's log group, as Lambda names it. */
export const logGroupOf = (functionName: string): string => `/aws/lambda/${functionName}`;

/** The request id in a task's result (`SdkResponseMetadata.RequestId`), if it has one. */
export const requestIdOf = (result: string | undefined): string | undefined => {
  if (!result) return undefined;
  try {
    const id = (JSON.parse(result) as { SdkResponseMetadata?: { RequestId?: unknown } }).SdkResponseMetadata?.RequestId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};

export interface LogQuery {
  logGroupName: string;
  filterPattern?: string;
  startTime: number;
  endTime: number;
  requestId?: string;
  attempt: number;
}

/** Slack around an attempt's window: the function's clock and the history's differ by milliseconds. */
const SLACK_MS = 2_000;

/**
 * One query per attempt of a run: its request id as a quoted term when the result names it (a failed
 * attempt's does not: then every line of the group in the attempt's time window), within that window.
 */
export const stepLogQueries = (
  state: AslState | undefined,
  run: StateRun | undefined,
  now = Date.now(),
): LogQuery[] => {
  const fn = functionOf(state);
  if (!fn || !run) return [];
  return run.attempts.map((attempt, i) => {
    const requestId = requestIdOf(attempt.result);
    return {
      logGroupName: logGroupOf(fn),
      ...(requestId && { filterPattern: `"${requestId}"`, requestId }),
      startTime: attempt.startedAt - SLACK_MS,
      endTime: (attempt.endedAt ?? now) + SLACK_MS,
      attempt: i + 1,
    };
  });
};

/** The lines of a tail with new ones added: each event once, in time order, the newest `max` kept. */
export const mergeLines = (lines: readonly LogLine[], incoming: readonly LogLine[], max: number): LogLine[] => {
  const seen = new Set(lines.map((l) => l.eventId));
  const added = incoming.filter((l) => !seen.has(l.eventId) && (seen.add(l.eventId), true));
  if (added.length === 0) return lines as LogLine[];
  const merged = [...lines, ...added].sort((a, b) => a.timestamp - b.timestamp);
  return merged.length > max ? merged.slice(merged.length - max) : merged;
};

/** A line's level: Powertools' `level`, the Node runtime's prefix, or Lambda's own lines (START, END, REPORT). */
export const levelOf = (message: string): string => {
  if (/^(START|END|REPORT|INIT_START) /.test(message)) return 'PLATFORM';
  if (message.startsWith('{')) {
    try {
      const level = (JSON.parse(message) as { level?: unknown }).level;
      if (typeof level === 'string') return level.toUpperCase();
    } catch {
      // not JSON
    }
  }
  return /^\S+\t\S+\t(\w+)\t/.exec(message)?.[1] ?? 'INFO';
};

/** The time ranges the Logs page offers, in minutes (0: all that is kept). */
export const TIME_RANGES: [number, string][] = [
  [5, 'Last 5 minutes'],
  [15, 'Last 15 minutes'],
  [60, 'Last hour'],
  [1440, 'Last day'],
  [0, 'All'],
];
