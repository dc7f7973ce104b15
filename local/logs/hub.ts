import { metricsOfEmf } from '../../functions/shared/emf';
import { shortName } from '../cloudformation/template';
import type { FunctionOutput, InvocationReport } from '../lambda/invocation';

/** One EMF record (CloudWatch embedded metric format) a function printed. */
export interface MetricRecord {
  function: string;
  timestamp: number;
  namespace: string;
  dimensions: Record<string, string>;
  values: Record<string, number | number[]>;
  /** Each metric's unit, as the record declared it. */
  units?: Record<string, string>;
}

/** One invocation of a function, as its REPORT line tells it. */
export interface InvocationRecord {
  function: string;
  functionName: string;
  requestId: string;
  start: number;
  end: number;
  queuedMs: number;
  initMs: number;
  durationMs: number;
  coldStart: boolean;
  error?: string;
}

/** A function's recent output, kept for inspection. */
export interface LogLine {
  function: string;
  requestId?: string;
  timestamp: number;
  line: string;
}

/** What a subscriber hears: metric records and invocation reports, as they come; and the raw output and reports (the log store). */
export interface LogListener {
  metric?(record: MetricRecord): void;
  report?(record: InvocationRecord): void;
  output?(output: FunctionOutput): void;
  invocation?(report: InvocationReport): void;
}

const KEEP = 2000;
/** Lines that say nothing about the shop: printed only with --verbose. */
const NOISE = [/^No application metrics to publish/];
const COLORS = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94];

/** One MetricRecord per metric directive and dimension set, read with the same EMF parser as the bridge. */
const parseEmf = (fn: string, record: Record<string, unknown>): MetricRecord[] => {
  const records = new Map<string, MetricRecord>();
  for (const metric of metricsOfEmf(record)) {
    const key = JSON.stringify([metric.namespace, metric.dimensions]);
    const entry = records.get(key) ?? {
      function: fn,
      timestamp: metric.timestamp,
      namespace: metric.namespace,
      dimensions: metric.dimensions,
      values: {},
    };
    entry.values[metric.name] = metric.values.length === 1 ? metric.values[0]! : metric.values;
    if (metric.unit) entry.units = { ...entry.units, [metric.name]: metric.unit };
    records.set(key, entry);
  }
  return [...records.values()];
};

/**
 * Collects each function's output, line by line: EMF records become metrics, Powertools JSON logs
 * and plain lines become readable log lines (`time function request level message`), and each
 * invocation ends with a REPORT line, as in CloudWatch Logs.
 */
export class LogHub {
  readonly metrics: MetricRecord[] = [];
  /** One record per invocation, as Lambda's REPORT line says it (the latest ones). */
  readonly reports: InvocationRecord[] = [];
  readonly lines: LogLine[] = [];
  private readonly partial = new Map<string, string>();
  private readonly colors = new Map<string, number>();
  private readonly listeners: LogListener[] = [];

  constructor(
    private readonly print: (line: string) => void,
    private readonly options: { color?: boolean; verbose?: boolean } = {},
  ) {}

  private label(fn: string): string {
    if (!this.options.color) return fn;
    if (!this.colors.has(fn)) this.colors.set(fn, COLORS[this.colors.size % COLORS.length]!);
    return `\x1b[${this.colors.get(fn)}m${fn}\x1b[0m`;
  }

  /** Told of every metric record and every invocation report from now on (the local CloudWatch). */
  subscribe(listener: LogListener): void {
    this.listeners.push(listener);
  }

  /** A metric the local cloud itself emits (faults injected …), kept with the functions' EMF metrics. */
  metric(record: MetricRecord): void {
    this.keep(this.metrics, record);
    for (const listener of this.listeners) listener.metric?.(record);
  }

  private keep<T>(list: T[], item: T, limit = KEEP) {
    list.push(item);
    // Dropped in bulk, so that a full list costs one copy per KEEP/4 items, not one per item.
    if (list.length > limit * 1.25) list.splice(0, list.length - limit);
  }

  private emit(fn: string, requestId: string | undefined, level: string, message: string) {
    const time = new Date().toISOString().slice(11, 23);
    this.print(`${time} ${this.label(fn.padEnd(28))} ${(requestId ?? '-').slice(0, 8)} ${level.padEnd(5)} ${message}`);
  }

  output(output: FunctionOutput): void {
    for (const listener of this.listeners) listener.output?.(output);
    const { fn, requestId, text } = output;
    const name = shortName(fn.logicalId);
    const key = `${name}:${requestId}`;
    const lines = ((this.partial.get(key) ?? '') + text).split('\n');
    this.partial.set(key, lines.pop()!);
    for (const line of lines.filter((l) => l.trim() !== '')) {
      this.keep(this.lines, { function: name, requestId, timestamp: Date.now(), line });
      let record: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(line);
        if (parsed && typeof parsed === 'object') record = parsed as Record<string, unknown>;
      } catch {
        record = undefined;
      }
      if (record?._aws) {
        for (const metric of parseEmf(name, record)) this.metric(metric);
        if (this.options.verbose) this.emit(name, requestId, 'EMF', line);
        continue;
      }
      if (record && typeof record.message === 'string') {
        const {
          level,
          message: _message,
          timestamp: _t,
          service: _s,
          cold_start: _c,
          function_arn: _a,
          function_memory_size: _m,
          function_name: _n,
          function_request_id: _r,
          sampling_rate: _sr,
          xray_trace_id: _x,
          ...extra
        } = record;
        const rest = Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : '';
        this.emit(name, requestId, typeof level === 'string' ? level : 'INFO', `${record.message}${rest}`);
      } else if (!NOISE.some((pattern) => pattern.test(line)) || this.options.verbose)
        this.emit(name, requestId, 'LOG', line);
    }
  }

  report(report: InvocationReport): void {
    for (const listener of this.listeners) listener.invocation?.(report);
    const { fn, requestId, start, queuedMs, initMs, durationMs, coldStart, error } = report;
    const name = shortName(fn.logicalId);
    const invocation = {
      function: name,
      functionName: fn.name,
      requestId,
      start,
      end: start + queuedMs + initMs + durationMs,
      queuedMs,
      initMs,
      durationMs,
      coldStart,
      ...(error && { error: error.errorType }),
    };
    this.keep(this.reports, invocation, KEEP * 5);
    for (const listener of this.listeners) listener.report?.(invocation);
    const outcome = error ? ` ${error.errorType}: ${error.errorMessage}` : '';
    const init = coldStart ? ` Init Duration: ${initMs.toFixed(1)} ms` : '';
    this.emit(
      name,
      requestId,
      error ? 'ERROR' : 'END',
      `REPORT Duration: ${durationMs.toFixed(1)} ms${init}${queuedMs >= 1 ? ` Queued: ${queuedMs.toFixed(1)} ms` : ''}${outcome}`,
    );
  }
}
