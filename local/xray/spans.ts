import type { SamplingRequest } from './sampling';
import { randomBytes } from 'node:crypto';

// The local cloud's one model of a span: what the functions send by OTLP and what the emulated services
// emit themselves, as OpenTelemetry defines a span. The X-Ray API (segments), the console and the
// exporters (OTLP, Zipkin) all read this one shape.

export type SpanKind = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type AttributeValue = string | number | boolean | string[] | number[] | boolean[];
export type Attributes = Record<string, AttributeValue>;

export interface SpanEvent {
  name: string;
  /** Epoch milliseconds (fractional). */
  time: number;
  attributes?: Attributes;
}

export interface Span {
  /** 32 lowercase hex digits (an X-Ray trace id `1-xxxxxxxx-yyyy…` without its dashes and version). */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  /** Epoch milliseconds (fractional), start and end. */
  start: number;
  end: number;
  attributes: Attributes;
  events?: SpanEvent[];
  /** OpenTelemetry's status: ERROR marks a failed operation (X-Ray's fault or error, by the HTTP status). */
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
  /** The resource that emitted it: `service.name` at least (`cloud.platform`, `faas.name` …). */
  resource: Attributes;
  /** The instrumentation scope's name (`local-cloud/apigateway`, `@opentelemetry/instrumentation-aws-sdk` …). */
  scope?: string;
}

/** Where finished spans go: the local X-Ray store, and from it any exporter. */
export interface TraceSink {
  record(spans: readonly Span[]): void;
  /** Where a trace begins: whether the sampling rules trace this request (none: every request is traced). */
  sample?(request: SamplingRequest): boolean;
}

/** A position in a trace: the trace, the span that is the parent of what comes next, and the sampling decision. */
export interface TraceContext {
  traceId: string;
  /** The parent span, when there is one (a root has none). */
  spanId?: string;
  sampled: boolean;
}

export const newSpanId = (): string => randomBytes(8).toString('hex');

/** A trace id as X-Ray makes them: its first 8 hex digits are the epoch second it started. */
export const newTraceId = (now = Date.now()): string =>
  Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0') + randomBytes(12).toString('hex');

/** `1-5759e988-bd862e3fe1be46a994272793` ⇄ `5759e988bd862e3fe1be46a994272793`. */
export const xrayTraceId = (traceId: string): string => `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
export const otelTraceId = (xrayId: string): string | undefined => {
  const match = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(xrayId.trim().toLowerCase());
  return match ? match[1]! + match[2]! : undefined;
};

/**
 * Reads an X-Ray trace header (`Root=1-…;Parent=53995c3f42cd8ad8;Sampled=1`, as in `X-Amzn-Trace-Id`
 * and `_X_AMZN_TRACE_ID`); undefined when it has no valid root.
 */
export const parseTraceHeader = (header: string | undefined): TraceContext | undefined => {
  if (!header) return undefined;
  const fields = new Map(
    header.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()] as const;
    }),
  );
  const traceId = otelTraceId(fields.get('root') ?? '');
  if (!traceId) return undefined;
  const parent = fields.get('parent')?.toLowerCase();
  return {
    traceId,
    ...(parent && /^[0-9a-f]{16}$/.test(parent) && { spanId: parent }),
    sampled: fields.get('sampled') !== '0',
  };
};

export const formatTraceHeader = ({ traceId, spanId, sampled }: TraceContext): string =>
  `Root=${xrayTraceId(traceId)}${spanId ? `;Parent=${spanId}` : ''};Sampled=${sampled ? 1 : 0}`;
