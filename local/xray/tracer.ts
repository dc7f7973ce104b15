import type { SamplingRequest } from './sampling';
import {
  type Attributes,
  formatTraceHeader,
  newSpanId,
  newTraceId,
  type Span,
  type SpanEvent,
  type SpanKind,
  type TraceContext,
  type TraceSink,
} from './spans';

// The emulated services' own tracer: a span is a few fields in memory until it ends, then one record
// call to the sink (the local X-Ray store batches its writes). Sampling follows X-Ray's header: a
// parent with `Sampled=0` is passed on as it came, and nothing is recorded under it. Where a trace
// begins, the sampling rules decide (sampling.ts); a trace they leave out goes on with `Sampled=0`.

/** The `cloud.platform` of each emitting service, as OpenTelemetry's semantic conventions name them. */
export type CloudPlatform = 'aws_api_gateway' | 'aws_step_functions' | 'aws_sns' | 'aws_eventbridge';

/** The resource attributes of a service's spans: what emitted them, where. */
export const serviceResource = (
  serviceName: string,
  platform: CloudPlatform,
  resourceId: string,
  region: string,
): Attributes => ({
  'service.name': serviceName,
  'cloud.provider': 'aws',
  'cloud.platform': platform,
  'cloud.resource_id': resourceId,
  'cloud.region': region,
  'aws.region': region,
});

export interface SpanStart {
  kind: SpanKind;
  /** The caller's position in its trace (from its header); none: a new trace when `root`, else nothing is traced. */
  parent?: TraceContext;
  /**
   * Start a new trace when there is no parent (a resource with active tracing); default false. The
   * request, when given, is the sampling rules' to decide on; `true` traces it regardless.
   */
  root?: boolean | SamplingRequest;
  attributes?: Attributes;
  /** Epoch ms; now when absent. */
  start?: number;
  /** The span's id, when it was chosen earlier (an execution resumed after a restart keeps its span). */
  spanId?: string;
  /** The resource, when it is not the tracer's (one tracer for all topics, each its own resource). */
  resource?: Attributes;
}

export interface SpanEnd {
  status?: 'OK' | 'ERROR';
  message?: string;
  attributes?: Attributes;
  end?: number;
}

/** A span under way (or, when nothing is recorded, the context that passes through). */
export interface ActiveSpan {
  /** What a child continues from: this span when recorded, else the parent as it came (or nothing). */
  readonly context: TraceContext | undefined;
  /** The X-Ray trace header handed on to what this span calls (`Root=…;Parent=<this span>;Sampled=1`). */
  readonly header: string | undefined;
  readonly recording: boolean;
  setAttributes(attributes: Attributes): void;
  addEvent(name: string, attributes?: Attributes): void;
  /** Ends the span and records it; a second end is ignored. */
  end(outcome?: SpanEnd): void;
}

/** What passes through when nothing is recorded: the parent's context and header, unchanged. */
const passThrough = (parent: TraceContext | undefined): ActiveSpan => ({
  context: parent,
  header: parent && formatTraceHeader(parent),
  recording: false,
  setAttributes: () => undefined,
  addEvent: () => undefined,
  end: () => undefined,
});

class RecordingSpan implements ActiveSpan {
  readonly recording = true;
  readonly context: TraceContext;
  private ended = false;
  private events?: SpanEvent[];

  constructor(
    private readonly sink: TraceSink,
    private readonly span: Omit<Span, 'end' | 'status'>,
  ) {
    this.context = { traceId: span.traceId, spanId: span.spanId, sampled: true };
  }

  get header(): string {
    return formatTraceHeader(this.context);
  }

  setAttributes(attributes: Attributes): void {
    Object.assign(this.span.attributes, attributes);
  }

  addEvent(name: string, attributes?: Attributes): void {
    (this.events ??= []).push({ name, time: Date.now(), ...(attributes && { attributes }) });
  }

  end({ status, message, attributes, end }: SpanEnd = {}): void {
    if (this.ended) return;
    this.ended = true;
    if (attributes) this.setAttributes(attributes);
    this.sink.record([
      {
        ...this.span,
        end: Math.max(end ?? Date.now(), this.span.start),
        status: { code: status ?? 'UNSET', ...(message !== undefined && { message }) },
        ...(this.events && { events: this.events }),
      },
    ]);
  }
}

/**
 * One service's tracer: spans with its resource and scope. Without a sink (`--no-tracing`) it records
 * nothing and only passes on the headers it was given, as a service without active tracing does.
 */
export class Tracer {
  constructor(
    private readonly sink: TraceSink | undefined,
    readonly resource: Attributes,
    readonly scope: string,
  ) {}

  get enabled(): boolean {
    return this.sink !== undefined;
  }

  /** Whether a trace that begins here, at this request, is recorded (the sampling rules; none: yes). */
  sample(request: SamplingRequest): boolean {
    return this.sink?.sample?.(request) ?? true;
  }

  start(name: string, { kind, parent, root = false, attributes, start, spanId, resource }: SpanStart): ActiveSpan {
    if (!this.sink || (parent && !parent.sampled) || (!parent && !root)) return passThrough(parent);
    if (!parent && typeof root === 'object' && !this.sample(root))
      return passThrough({ traceId: newTraceId(), sampled: false });
    return new RecordingSpan(this.sink, {
      traceId: parent?.traceId ?? newTraceId(),
      spanId: spanId ?? newSpanId(),
      ...(parent?.spanId && { parentSpanId: parent.spanId }),
      name,
      kind,
      start: start ?? Date.now(),
      attributes: { ...attributes },
      resource: resource ?? this.resource,
      scope: this.scope,
    });
  }
}

/** The attributes of a call to Lambda's Invoke, as OpenTelemetry's AWS SDK conventions name them. */
export const lambdaInvokeAttributes = (functionArn: string, region: string): Attributes => ({
  'rpc.system': 'aws-api',
  'rpc.service': 'Lambda',
  'rpc.method': 'Invoke',
  'faas.invoked_provider': 'aws',
  'faas.invoked_name': functionArn.split(':')[6] ?? functionArn,
  'faas.invoked_region': functionArn.split(':')[3] || region,
  'aws.lambda.invoked_arn': functionArn,
});
