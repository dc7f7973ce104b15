import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { mkdir } from '../lifecycle';
import type { Span, TraceSink } from './spans';

/** One trace as the store holds it: its spans in the order they arrived. */
export interface StoredTrace {
  /** 32 hex digits, as `Span.traceId`. */
  id: string;
  spans: Span[];
  /** Spans refused once the trace reached its cap (X-Ray's `LimitExceeded`). */
  dropped: number;
}

export interface TraceStoreOptions {
  /** The traces kept; past it the oldest trace (first recorded) goes. */
  maxTraces?: number;
  /** The spans kept of one trace; later ones are counted as dropped. */
  maxSpansPerTrace?: number;
  /** The spans kept in all; past it the oldest traces go. */
  maxSpans?: number;
  /** Where the spans are kept across a restart (`spans.jsonl`); in memory only when absent. */
  dir?: string;
  log?: (message: string) => void;
}

const DEFAULTS = { maxTraces: 5000, maxSpansPerTrace: 2000, maxSpans: 200_000 };

/** A span read back from the file: the fields the rest relies on, of the right types. */
const isSpan = (value: unknown): value is Span => {
  const span = value as Partial<Span> | null;
  return (
    typeof span === 'object' &&
    span !== null &&
    typeof span.traceId === 'string' &&
    /^[0-9a-f]{32}$/.test(span.traceId) &&
    typeof span.spanId === 'string' &&
    typeof span.name === 'string' &&
    typeof span.start === 'number' &&
    typeof span.end === 'number' &&
    typeof span.attributes === 'object' &&
    typeof span.resource === 'object'
  );
};

/**
 * The local X-Ray's spans, grouped by trace, bounded in memory (traces, spans per trace, spans in all:
 * the oldest traces go first). With a directory they are kept across a restart: each batch is appended
 * to `spans.jsonl` within 100 ms of being recorded (and at the stop), and the file is rewritten with what
 * memory holds at the start and whenever it has grown to twice the spans kept.
 */
export class TraceStore implements TraceSink {
  private readonly traces = new Map<string, StoredTrace>();
  private readonly limits: typeof DEFAULTS;
  private spanCount = 0;
  private linesWritten = 0;
  private fd?: number;
  private readonly file?: string;
  /** Lines not written yet: a batch is written at most 100 ms after it was recorded. */
  private pending: string[] = [];
  private flushTimer?: NodeJS.Timeout;

  constructor(private readonly options: TraceStoreOptions = {}) {
    this.limits = {
      maxTraces: options.maxTraces ?? DEFAULTS.maxTraces,
      maxSpansPerTrace: options.maxSpansPerTrace ?? DEFAULTS.maxSpansPerTrace,
      maxSpans: options.maxSpans ?? DEFAULTS.maxSpans,
    };
    if (!options.dir) return;
    this.file = join(mkdir(options.dir), 'spans.jsonl');
    this.load(this.file);
    this.compact();
  }

  get size(): number {
    return this.traces.size;
  }

  get spans(): number {
    return this.spanCount;
  }

  record(spans: readonly Span[]): void {
    const kept = spans.filter((span) => this.add(span));
    this.evict();
    if (kept.length > 0) this.append(kept);
  }

  trace(id: string): StoredTrace | undefined {
    return this.traces.get(id);
  }

  /** Every trace, oldest first. */
  all(): IterableIterator<StoredTrace> {
    return this.traces.values();
  }

  /** Writes what is pending, and stops writing (the file stays for the next start). */
  close(): void {
    this.flush();
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private add(span: Span): boolean {
    let trace = this.traces.get(span.traceId);
    if (!trace) this.traces.set(span.traceId, (trace = { id: span.traceId, spans: [], dropped: 0 }));
    if (trace.spans.length >= this.limits.maxSpansPerTrace) {
      trace.dropped++;
      return false;
    }
    trace.spans.push(span);
    this.spanCount++;
    return true;
  }

  private evict(): void {
    for (const [id, trace] of this.traces) {
      if (this.traces.size <= this.limits.maxTraces && this.spanCount <= this.limits.maxSpans) return;
      this.traces.delete(id);
      this.spanCount -= trace.spans.length;
    }
  }

  private load(file: string): void {
    if (!existsSync(file)) return;
    let skipped = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const spans: unknown = JSON.parse(line);
        for (const span of Array.isArray(spans) ? spans : [spans]) {
          if (isSpan(span)) this.add(span);
          else skipped++;
        }
      } catch {
        // A line cut short by a crash.
        skipped++;
      }
      this.evict();
    }
    if (skipped > 0) this.options.log?.(`xray: skipped ${skipped} unreadable span records in ${file}`);
  }

  /** Rewrites the file with the spans memory holds, one line per trace, and appends to it from then on. */
  private compact(): void {
    if (!this.file) return;
    // What is pending is in memory, written below.
    this.pending = [];
    this.close();
    const lines = [...this.traces.values()].map((trace) => JSON.stringify(trace.spans));
    const next = `${this.file}.next`;
    writeFileSync(next, lines.length ? `${lines.join('\n')}\n` : '');
    renameSync(next, this.file);
    this.linesWritten = this.spanCount;
    this.fd = openSync(this.file, 'a');
  }

  private append(spans: Span[]): void {
    if (this.fd === undefined) return;
    this.pending.push(JSON.stringify(spans));
    this.linesWritten += spans.length;
    if (this.linesWritten > 2 * Math.max(this.spanCount, 1000)) this.compact();
    else this.flushTimer ??= setTimeout(() => this.flush(), 100).unref();
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.fd === undefined || this.pending.length === 0) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    try {
      writeSync(this.fd, text);
    } catch (error) {
      this.options.log?.(`xray: spans are no longer kept on disk (${(error as Error).message})`);
      this.close();
    }
  }
}
