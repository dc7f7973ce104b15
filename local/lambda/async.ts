import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../support/errors';

/** One asynchronous invocation: an event queued for a function, by SNS, EventBridge or Invoke with `Event`. */
export interface AsyncInvocation {
  id: string;
  functionArn: string;
  event: unknown;
  /** Who queued it (`sns`, `events`, `lambda`), for the log. */
  source: string;
  queuedAt: number;
  /** The X-Ray trace header it is invoked with (its Parent: the publish or delivery that queued it); kept with it, so a redelivery after a restart stays in its trace. */
  traceHeader?: string;
}

/** Where SNS, EventBridge and Invoke (`Event`) put their events for a function. */
export interface LambdaQueue {
  enqueue(functionArn: string, event: unknown, source: string, traceHeader?: string): string;
}

export type Invoker = (
  functionArn: string,
  event: unknown,
  options: { traceHeader?: string },
) => Promise<{ functionError?: string; payload: unknown }>;

/** Lambda retries a failed asynchronous invocation twice: after 1 and 2 minutes on AWS, after 1 and 2 s here. */
const RETRY_DELAYS_MS = [1000, 2000];

/**
 * Lambda's queue of asynchronous invocations, durable: an event is written down before the call
 * that queued it returns (an SNS Publish, an EventBridge rule firing), and crossed out once
 * delivered, so that a crash in between delivers it again on the next start, at least once, as
 * AWS does. A failed delivery is retried twice, then dropped (with a log line, where AWS would use a
 * dead-letter queue or an on-failure destination).
 */
export class AsyncInvocations implements LambdaQueue {
  private readonly pending = new Map<string, AsyncInvocation>();
  private readonly deliveries = new Set<Promise<void>>();
  private journal?: number;
  /** Once the cloud stops, a failed delivery is left pending (for the next start), neither retried nor dropped. */
  private stopping = false;
  private closed = false;

  constructor(
    private readonly invoke: Invoker,
    private readonly options: { dir?: string; log?: (message: string) => void; retryDelaysMs?: number[] } = {},
  ) {
    if (options.dir) this.open(options.dir);
  }

  /** Reads the journal: what was queued and not yet delivered is pending again; the journal is rewritten with only that. */
  private open(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'async-invocations.jsonl');
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        let entry: { queued?: AsyncInvocation; done?: string } | undefined;
        try {
          entry = JSON.parse(line) as { queued?: AsyncInvocation; done?: string };
        } catch {
          continue; // a line cut short by a crash, or the empty last one
        }
        if (entry.queued) this.pending.set(entry.queued.id, entry.queued);
        if (entry.done) this.pending.delete(entry.done);
      }
    }
    const fd = openSync(`${file}.tmp`, 'w');
    for (const invocation of this.pending.values()) writeSync(fd, `${JSON.stringify({ queued: invocation })}\n`);
    closeSync(fd);
    renameSync(`${file}.tmp`, file);
    this.journal = openSync(file, 'a');
  }

  private write(entry: object): void {
    if (this.journal !== undefined) writeSync(this.journal, `${JSON.stringify(entry)}\n`);
  }

  /** Delivers again what a crash left undelivered; answers how many. */
  resume(): number {
    const left = [...this.pending.values()];
    for (const invocation of left) this.deliver(invocation);
    return left.length;
  }

  /** Queues an event for a function: written down, then delivered in the background. */
  enqueue(functionArn: string, event: unknown, source: string, traceHeader?: string): string {
    if (this.closed)
      throw new ServiceError('ServiceUnavailableException', 'Lambda is stopping: the event was not queued', 503);
    const invocation: AsyncInvocation = {
      id: randomUUID(),
      functionArn,
      event,
      source,
      queuedAt: Date.now(),
      ...(traceHeader !== undefined && { traceHeader }),
    };
    this.pending.set(invocation.id, invocation);
    this.write({ queued: invocation });
    this.deliver(invocation);
    return invocation.id;
  }

  private deliver(invocation: AsyncInvocation): void {
    const delivery = this.attempt(invocation);
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  private async attempt(invocation: AsyncInvocation): Promise<void> {
    const delays = this.options.retryDelaysMs ?? RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      const options = invocation.traceHeader === undefined ? {} : { traceHeader: invocation.traceHeader };
      const outcome = await this.invoke(invocation.functionArn, invocation.event, options).catch((error: Error) => ({
        functionError: error.name,
        payload: error.message,
      }));
      if (!outcome.functionError) break;
      if (this.stopping) return;
      const delay = delays[attempt];
      if (delay === undefined) {
        this.options.log?.(
          `${invocation.source}: event ${invocation.id} to ${invocation.functionArn} failed ${attempt + 1} times and is dropped`,
        );
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    this.pending.delete(invocation.id);
    this.write({ done: invocation.id });
  }

  get size(): number {
    return this.pending.size;
  }

  /** Waits until nothing is being delivered (retries included), up to a deadline; answers how many are still pending. */
  async idle(graceMs: number): Promise<number> {
    const deadline = Date.now() + graceMs;
    while (this.deliveries.size > 0 && Date.now() < deadline) {
      const left = deadline - Date.now();
      await Promise.race([
        Promise.allSettled([...this.deliveries]),
        new Promise((resolve) => setTimeout(resolve, left).unref()),
      ]);
    }
    return this.pending.size;
  }

  /** The cloud stops: deliveries under way may finish (up to a deadline); from now on one that fails stays pending for the next start. */
  drain(graceMs: number): Promise<number> {
    this.stopping = true;
    return this.idle(graceMs);
  }

  close(): void {
    if (this.journal !== undefined) closeSync(this.journal);
    this.journal = undefined;
    this.closed = true;
  }
}
