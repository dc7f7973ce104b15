import type { HistoryEvent } from './history';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * What is kept in memory of an execution: its identity, status and counters. Its input, output and
 * history live in its history (the ExecutionStarted and ExecutionSucceeded events carry them).
 */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: number;
  /** The client tokens of its last redrives (RedriveExecution's idempotency). */
  redriveTokens?: { token: string; date: number }[];
  /**
   * The last status change sent to EventBridge (`<status>#<redriveCount>`), written once it is queued:
   * a change the record holds but has not announced is announced again at the next start. Absent on
   * records kept from before status changes were sent, which are not announced again.
   */
  announced?: string;
  /** How many events its history holds: the next event's id is one more. */
  eventCount: number;
  /** The X-Ray trace header it was started with (StartExecution's `X-Amzn-Trace-Id` or `traceHeader`). */
  traceHeader?: string;
  /** Its own span's place in its trace (`Root=…;Parent=<the execution's span>;Sampled=1`), when it is traced. */
  trace?: string;
}

/**
 * Where executions are kept. Both writes are durable when they return: an event is recorded
 * before the transition it describes is followed by the next one.
 */
export interface ExecutionStore {
  records(): IterableIterator<ExecutionRecord>;
  get(executionArn: string): ExecutionRecord | undefined;
  /** Keeps a new record, or a changed status. */
  save(record: ExecutionRecord): void;
  /** Appends one event to an execution's history. */
  append(executionArn: string, event: HistoryEvent): void;
  history(executionArn: string): HistoryEvent[];
  close(): void;
}

/** Executions in memory only: for tests and in-process runs. */
export class MemoryExecutionStore implements ExecutionStore {
  private readonly entries = new Map<string, { record: ExecutionRecord; events: HistoryEvent[] }>();

  *records(): IterableIterator<ExecutionRecord> {
    for (const { record } of this.entries.values()) yield record;
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.entries.get(executionArn)?.record;
  }

  save(record: ExecutionRecord): void {
    const entry = this.entries.get(record.executionArn);
    if (entry) entry.record = record;
    else this.entries.set(record.executionArn, { record, events: [] });
  }

  append(executionArn: string, event: HistoryEvent): void {
    this.entries.get(executionArn)?.events.push(event);
  }

  history(executionArn: string): HistoryEvent[] {
    return [...(this.entries.get(executionArn)?.events ?? [])];
  }

  close(): void {}
}

/** The execution's input, as its ExecutionStarted event recorded it. */
export const recordedInput = (store: ExecutionStore, record: ExecutionRecord): string => {
  const [started] = store.history(record.executionArn);
  return (started?.executionStartedEventDetails as { input?: string } | undefined)?.input ?? '{}';
};

/** The execution's output, as its ExecutionSucceeded event recorded it. */
export const recordedOutput = (store: ExecutionStore, record: ExecutionRecord): string | undefined => {
  if (record.status !== 'SUCCEEDED') return undefined;
  const succeeded = store.history(record.executionArn).findLast((event) => event.type === 'ExecutionSucceeded');
  return (succeeded?.executionSucceededEventDetails as { output?: string } | undefined)?.output;
};
