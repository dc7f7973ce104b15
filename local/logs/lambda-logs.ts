// What Lambda writes to CloudWatch Logs for each invocation, in its text log format: the function's
// output (JSON lines as they are, other lines with the Node runtime's `time\trequestId\tLEVEL\t`
// prefix), and the platform's START, END and REPORT lines, in the stream of the execution
// environment that ran it.
import { createHash } from 'node:crypto';
import type { FunctionOutput, InvocationReport } from '../lambda/invocation';
import type { FunctionSpec } from '../lambda/specs';
import { defaultLogGroup } from './specs';
import type { LogStore } from './store';

/** A chunk left without its newline is kept until it has one, up to this size. */
const PARTIAL_LIMIT = 256 * 1024;
const STARTED_LIMIT = 10_000;

const isJsonObject = (line: string): boolean => {
  if (!line.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
};

/** Lambda's name for a stream: `YYYY/MM/DD/[$LATEST]<32 hex>`. */
export const streamName = (date: Date, seed: string): string =>
  `${date.toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${createHash('md5').update(seed).digest('hex')}`;

export class LambdaLogs {
  private readonly partial = new Map<string, string>();
  private readonly started = new Set<string>();

  constructor(
    private readonly store: LogStore,
    private readonly groups: ReadonlyMap<string, string> = new Map(),
    private readonly now: () => number = Date.now,
  ) {}

  groupOf(fn: Pick<FunctionSpec, 'name'>): string {
    return this.groups.get(fn.name) ?? defaultLogGroup(fn.name);
  }

  /** An invocation that never reached an environment (a fault injected before it) still has a stream. */
  private streamOf(fn: FunctionSpec, logStream: string | undefined): string {
    return (
      logStream ?? streamName(new Date(this.now()), `${fn.name}/${new Date(this.now()).toISOString().slice(0, 10)}`)
    );
  }

  private put(fn: FunctionSpec, stream: string, messages: string[], timestamp = this.now()): void {
    if (messages.length)
      this.store.put(
        this.groupOf(fn),
        stream,
        messages.map((message) => ({ timestamp, message })),
      );
  }

  private start(fn: FunctionSpec, stream: string, requestId: string, timestamp?: number): void {
    if (this.started.has(requestId)) return;
    if (this.started.size >= STARTED_LIMIT) this.started.clear();
    this.started.add(requestId);
    this.put(fn, stream, [`START RequestId: ${requestId} Version: $LATEST`], timestamp);
  }

  /** Lines of one complete chunk: each JSON object line an event of its own, anything else one event (as one console.log is). */
  private messagesOf(text: string, requestId: string | undefined, level: string): string[] {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0) return [];
    if (lines.every(isJsonObject)) return lines;
    return [`${new Date(this.now()).toISOString()}\t${requestId ?? 'undefined'}\t${level}\t${text}`];
  }

  output({ fn, requestId, stream: std, text, logStream }: FunctionOutput): void {
    const stream = this.streamOf(fn, logStream);
    const key = `${stream}\n${std}`;
    const whole = (this.partial.get(key) ?? '') + text;
    if (!whole.endsWith('\n') && whole.length < PARTIAL_LIMIT) return void this.partial.set(key, whole);
    this.partial.delete(key);
    if (requestId) this.start(fn, stream, requestId);
    this.put(fn, stream, this.messagesOf(whole.replace(/\n$/, ''), requestId, std === 'stderr' ? 'ERROR' : 'INFO'));
  }

  private flushPartial(fn: FunctionSpec, stream: string, requestId: string): void {
    for (const std of ['stdout', 'stderr'] as const) {
      const text = this.partial.get(`${stream}\n${std}`);
      if (text !== undefined) this.output({ fn, requestId, stream: std, text: `${text}\n`, logStream: stream });
    }
  }

  /** The end of an invocation: its error as the runtime logs it, then END and REPORT. */
  report(report: InvocationReport): void {
    const { fn, requestId, error, durationMs, initMs, coldStart } = report;
    const stream = this.streamOf(fn, report.logStream);
    this.flushPartial(fn, stream, requestId);
    this.start(fn, stream, requestId, report.start + report.queuedMs + initMs);
    this.started.delete(requestId);
    const time = new Date(this.now()).toISOString();
    const lines: string[] = [];
    const status: string[] = [];
    if (error?.errorType === 'Sandbox.Timedout') {
      lines.push(`${time} ${requestId} Task timed out after ${(durationMs / 1000).toFixed(2)} seconds`);
      status.push('Status: timeout');
    } else if (error?.errorType.startsWith('Runtime.')) {
      lines.push(error.errorMessage, error.errorType);
      status.push('Status: error', `Error Type: ${error.errorType}`);
    } else if (error) {
      const payload = { errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace ?? [] };
      lines.push(`${time}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(payload)}`);
    }
    const fields = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${durationMs.toFixed(2)} ms`,
      // Lambda bills the init phase too (since August 2025), to the millisecond.
      `Billed Duration: ${Math.max(1, Math.ceil(durationMs + (coldStart ? initMs : 0)))} ms`,
      `Memory Size: ${fn.memorySize} MB`,
      `Max Memory Used: ${Math.max(1, Math.round(report.maxMemoryUsedMb ?? 0))} MB`,
      ...(coldStart ? [`Init Duration: ${initMs.toFixed(2)} ms`] : []),
      ...status,
    ];
    this.put(fn, stream, [...lines, `END RequestId: ${requestId}`, `${fields.join('\t')}\t`]);
  }
}
