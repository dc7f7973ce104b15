import { type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Attributes, Span } from './spans';

// Forwards the local X-Ray's spans to a trace backend with OpenTelemetry's own exporters (OTLP/HTTP
// for Jaeger, Tempo, Honeycomb, X-Ray …; Zipkin's JSON v2 for Zipkin), fed with ReadableSpans built
// from our Spans: batched, with a bounded queue, one export in flight, failures logged once (and the
// recovery), never blocking nor failing the cloud.

const KINDS: Record<Span['kind'], SpanKind> = {
  INTERNAL: SpanKind.INTERNAL,
  SERVER: SpanKind.SERVER,
  CLIENT: SpanKind.CLIENT,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};
const STATUS = { UNSET: SpanStatusCode.UNSET, OK: SpanStatusCode.OK, ERROR: SpanStatusCode.ERROR };

/**
 * A time in whole microseconds: backends count in them (Zipkin's `timestamp` is an integer, and the
 * Zipkin exporter does not round it: a fraction of a microsecond got its whole batch refused, 400).
 */
const hrTime = (ms: number): HrTime => {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.min(999_999_000, Math.round((ms - seconds * 1000) * 1e3) * 1e3)];
};

/** One Resource per distinct set of resource attributes, as an SDK has one per process. */
const resources = new Map<string, Resource>();
const resourceOf = (attributes: Attributes): Resource => {
  const key = JSON.stringify(attributes);
  let resource = resources.get(key);
  if (!resource) {
    if (resources.size >= 1000) resources.clear();
    resources.set(key, (resource = resourceFromAttributes(attributes)));
  }
  return resource;
};

/** Where recorded spans go on to (an OTLP or Zipkin backend). */
export interface SpanForwarder {
  forward(spans: readonly Span[]): void;
  shutdown(): Promise<void>;
}

export const readableSpan = (span: Span): ReadableSpan => {
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: 1 };
  return {
    name: span.name,
    kind: KINDS[span.kind] ?? SpanKind.INTERNAL,
    spanContext: () => context,
    ...(span.parentSpanId && {
      parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: 1, isRemote: true },
    }),
    startTime: hrTime(span.start),
    endTime: hrTime(span.end),
    duration: hrTime(span.end - span.start),
    status: { code: STATUS[span.status.code] ?? SpanStatusCode.UNSET, message: span.status.message },
    attributes: span.attributes,
    links: [],
    events: (span.events ?? []).map((event) => ({
      name: event.name,
      time: hrTime(event.time),
      attributes: event.attributes,
    })),
    ended: true,
    resource: resourceOf(span.resource),
    instrumentationScope: { name: span.scope ?? 'local-cloud' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
};

export interface ForwarderOptions {
  /** Spans waiting at most; past it new ones are dropped (and counted). */
  maxQueue?: number;
  /** Spans per export. */
  batchSize?: number;
  /** How long spans wait for a batch to fill, in ms. */
  delayMs?: number;
}

/** Feeds an OpenTelemetry SpanExporter from the store, in batches. */
export class ExporterForwarder implements SpanForwarder {
  private queue: Span[] = [];
  private timer?: NodeJS.Timeout;
  private sending?: Promise<void>;
  private failing = false;
  private dropped = 0;
  private readonly limits: Required<ForwarderOptions>;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly target: string,
    private readonly log: (message: string) => void,
    options: ForwarderOptions = {},
  ) {
    this.limits = { maxQueue: 20_000, batchSize: 512, delayMs: 500, ...options };
  }

  forward(spans: readonly Span[]): void {
    const room = this.limits.maxQueue - this.queue.length;
    if (spans.length > room) {
      if (this.dropped === 0) this.log(`traces: the export queue to ${this.target} is full; spans are dropped`);
      this.dropped += spans.length - Math.max(0, room);
    }
    this.queue.push(...spans.slice(0, Math.max(0, room)));
    if (this.queue.length >= this.limits.batchSize) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.limits.delayMs).unref();
  }

  /** Sends what is queued, one batch after another; resolves when the queue is empty. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.sending) {
      this.kick();
      await this.sending;
    }
  }

  async shutdown(): Promise<void> {
    await this.flush();
    clearTimeout(this.timer);
    await this.exporter.shutdown().catch(() => undefined);
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.limits.batchSize);
    this.sending = this.send(batch).finally(() => {
      this.sending = undefined;
      if (this.queue.length > 0) this.timer ??= setTimeout(() => this.kick(), 0).unref();
    });
  }

  private send(batch: Span[]): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.exporter.export(batch.map(readableSpan), (result) => {
          this.report(result.code === ExportResultCode.SUCCESS ? undefined : (result.error ?? new Error('failed')));
          resolve();
        });
      } catch (error) {
        this.report(error as Error);
        resolve();
      }
    });
  }

  private report(error: Error | undefined): void {
    if (error && !this.failing)
      this.log(`traces: export to ${this.target} failed (${error.message}); retrying with the next spans`);
    if (!error && this.failing) this.log(`traces: export to ${this.target} works again`);
    this.failing = error !== undefined;
  }
}

/** `--otlp-endpoint`: any OTLP/HTTP receiver (`http://localhost:4318/v1/traces`; the path is added when absent). */
export const otlpForwarder = (endpoint: string, log: (message: string) => void, options?: ForwarderOptions) => {
  const url = /\/v1\/traces\/?$/.test(endpoint) ? endpoint : `${endpoint.replace(/\/$/, '')}/v1/traces`;
  return new ExporterForwarder(new OTLPTraceExporter({ url }), url, log, options);
};

/** `--zipkin-endpoint`: Zipkin's span API (`http://localhost:9411/api/v2/spans`). */
export const zipkinForwarder = (url: string, log: (message: string) => void, options?: ForwarderOptions) =>
  new ExporterForwarder(new ZipkinExporter({ url }), url, log, options);
