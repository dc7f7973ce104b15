import type { LocalService } from '../http/local-service';
import { type HttpResponse, json } from '../http/messages';
import type { ExecutionRecord } from './executions';

export interface ExecutionChange {
  seq: number;
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionRecord['status'];
  startDate: number;
  stopDate?: number;
}

const KEEP = 10_000;

/**
 * The latest changes of executions' statuses (started, ended, redriven), numbered, for a client that
 * follows them without polling each execution: `GET /_local/executions/changes?since=N&wait=ms` answers
 * the changes after N, waiting up to `wait` milliseconds for one. Local only; on AWS the same changes
 * are EventBridge's "Step Functions Execution Status Change" events.
 */
export class ExecutionChanges {
  private readonly changes: ExecutionChange[] = [];
  private seq = 0;
  private waiters: (() => void)[] = [];

  record(record: ExecutionRecord): void {
    const { executionArn, stateMachineArn, name, status, startDate, stopDate } = record;
    this.changes.push({
      seq: ++this.seq,
      executionArn,
      stateMachineArn,
      name,
      status,
      startDate,
      ...(stopDate !== undefined && { stopDate }),
    });
    if (this.changes.length > KEEP * 1.25) this.changes.splice(0, this.changes.length - KEEP);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  after(since: number): ExecutionChange[] {
    // Sequence numbers are consecutive: the first change after `since` is found without a search.
    const first = this.changes[0]?.seq ?? this.seq + 1;
    return this.changes.slice(Math.max(0, since + 1 - first));
  }

  async wait(since: number, waitMs: number): Promise<{ changes: ExecutionChange[]; next: number }> {
    if (this.after(since).length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const changes = this.after(since);
    return { changes, next: changes.at(-1)?.seq ?? Math.max(since, 0) };
  }

  async handle(query: URLSearchParams): Promise<HttpResponse> {
    const since = Number(query.get('since') ?? 0);
    const waitMs = Math.min(Number(query.get('wait') ?? 0), 30_000);
    if (!Number.isInteger(since) || since < 0 || !Number.isFinite(waitMs) || waitMs < 0) {
      return json(400, {
        __type: 'ValidationException',
        message: 'since is a change number (0 or more) and wait a number of milliseconds',
      });
    }
    return json(200, await this.wait(since, waitMs));
  }
}

/** `/_local/executions/changes` on the edge. */
export const changesEdge = (changes: ExecutionChanges): LocalService => ({
  name: 'executions-changes',
  recognises: (request) => request.path === '/_local/executions/changes' && request.method === 'GET',
  handle: (request) => changes.handle(request.query),
});
