import type { StoredTrace } from './store';
import {
  annotationsOf,
  awsOf,
  type Cause,
  causeOf,
  type Flags,
  flagsOf,
  type HttpFields,
  httpOf,
  isAwsCall,
  originOf,
  serviceName,
  tableNameOf,
} from './span-fields';
import { type Attributes, type Span, xrayTraceId } from './spans';

// A trace's spans as X-Ray's segments (the documents BatchGetTraces answers) and as the nodes of its
// service graph. The mapping from attributes is in span-fields.ts.

/** An X-Ray segment document (a subsegment has no trace_id, parent_id nor origin). */
export interface SegmentDocument {
  name: string;
  id: string;
  trace_id?: string;
  parent_id?: string;
  start_time: number;
  end_time: number;
  origin?: string;
  namespace?: 'aws' | 'remote';
  http?: HttpFields;
  aws?: Record<string, string | string[]>;
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  cause?: Cause;
  annotations?: Attributes;
  metadata?: Record<string, Record<string, unknown>>;
  subsegments?: SegmentDocument[];
}

/** A service as X-Ray names it (`ServiceId`). */
export interface ServiceIdentity {
  Name: string;
  Names: string[];
  Type?: string;
}

/** A node of a trace: one of its segments, or an AWS or remote call (a subsegment) whose callee sent none. */
export interface TraceNode {
  service: ServiceIdentity;
  /** `Name|Type`, what tells nodes of the service graph apart. */
  key: string;
  doc: SegmentDocument;
  span: Span;
  flags: Flags;
  /** The node that called it, when it is in the trace. */
  caller?: TraceNode;
  inferred: boolean;
}

export interface TraceView {
  /** X-Ray's `1-xxxxxxxx-…`. */
  id: string;
  segments: SegmentDocument[];
  nodes: TraceNode[];
  /** The first segment without a caller in the trace: the entry point. */
  root?: TraceNode;
  /** Epoch seconds. */
  start: number;
  end: number;
  /** Annotations of every segment and subsegment, with the services that set them. */
  annotations: { key: string; value: string | number | boolean; service: ServiceIdentity }[];
  limitExceeded: boolean;
}

const seconds = (ms: number) => Math.round(ms * 1000) / 1e6;
const segmentKey = (span: Span) => `${serviceName(span)}|${originOf(span) ?? ''}`;

const flagFields = (flags: Flags) => ({
  ...(flags.error && { error: true }),
  ...(flags.fault && { fault: true }),
  ...(flags.throttle && { throttle: true }),
});

const remoteHost = (span: Span): string | undefined => {
  const url = httpOf(span)?.request?.url;
  if (!url) return undefined;
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
};

/** A span's own fields, as a segment or a subsegment. */
const fieldsOf = (span: Span): Omit<SegmentDocument, 'name' | 'subsegments'> => {
  const { annotations, metadata } = annotationsOf(span);
  const cause = causeOf(span);
  const http = httpOf(span);
  const aws = awsOf(span);
  return {
    id: span.spanId,
    start_time: seconds(span.start),
    end_time: seconds(span.end),
    ...(http && { http }),
    ...(aws && { aws }),
    ...flagFields(flagsOf(span)),
    ...(cause && { cause }),
    ...(annotations && { annotations }),
    metadata: {
      default: metadata,
      otel: {
        span_name: span.name,
        kind: span.kind,
        ...(span.scope && { scope: span.scope }),
        ...(span.events?.length && { events: span.events }),
      },
    },
  };
};

const subsegmentName = (span: Span): { name: string; namespace?: 'aws' | 'remote' } => {
  if (isAwsCall(span)) return { name: String(span.attributes['rpc.service'] ?? span.name), namespace: 'aws' };
  const host = span.kind === 'CLIENT' ? remoteHost(span) : undefined;
  return host ? { name: host, namespace: 'remote' } : { name: span.name || 'span' };
};

/** The service graph's node for an AWS or remote call: the table, the AWS service, or the remote host. */
const inferredService = (span: Span, name: string): ServiceIdentity => {
  if (!isAwsCall(span)) return { Name: name, Names: [name], Type: 'remote' };
  const service = String(span.attributes['rpc.service'] ?? name);
  const table = service === 'DynamoDB' ? tableNameOf(span) : undefined;
  return table
    ? { Name: table, Names: [table], Type: 'AWS::DynamoDB::Table' }
    : { Name: service, Names: [service], Type: `AWS::${service}` };
};

/** Builds the view of one trace: segments with their subsegments nested, and its nodes. */
export const viewOf = (trace: StoredTrace): TraceView => {
  const spans = [...trace.spans].sort((a, b) => a.start - b.start);
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const children = new Map<string, Span[]>();
  for (const span of spans)
    if (span.parentSpanId) children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
  const startsSegment = (span: Span) => {
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    return !parent || parent === span || segmentKey(parent) !== segmentKey(span);
  };
  const nodeOfSpan = new Map<string, TraceNode>();
  const docOfSpan = new Map<string, SegmentDocument>();
  const visited = new Set<Span>();
  const nodes: TraceNode[] = [];
  const annotations: TraceView['annotations'] = [];
  const build = (span: Span, node: TraceNode | undefined): SegmentDocument => {
    visited.add(span);
    const top = node === undefined;
    const doc = { name: '', ...fieldsOf(span) } as SegmentDocument;
    const service = top ? segmentService(span) : node.service;
    const self: TraceNode = node ?? { service, key: keyOf(service), doc, span, flags: flagsOf(span), inferred: false };
    if (top)
      Object.assign(
        doc,
        { name: serviceName(span), trace_id: xrayTraceId(span.traceId) },
        span.parentSpanId && { parent_id: span.parentSpanId },
        originOf(span) && { origin: originOf(span) },
      );
    else Object.assign(doc, subsegmentName(span));
    nodeOfSpan.set(span.spanId, self);
    docOfSpan.set(span.spanId, doc);
    for (const [key, value] of Object.entries(doc.annotations ?? {}))
      annotations.push({ key, value: value as string | number | boolean, service });
    const nested = (children.get(span.spanId) ?? []).filter((child) => !visited.has(child) && !startsSegment(child));
    if (nested.length > 0) doc.subsegments = nested.map((child) => build(child, self));
    if (top) nodes.push(self);
    return doc;
  };
  const segments = spans.filter(startsSegment).map((span) => build(span, undefined));
  for (const node of nodes) {
    const parent = node.span.parentSpanId;
    node.caller = parent && parent !== node.span.spanId ? nodeOfSpan.get(parent) : undefined;
  }
  // Calls whose callee sent no segment of its own: nodes inferred from the caller's subsegment.
  for (const span of spans) {
    const caller = nodeOfSpan.get(span.spanId);
    if (!caller || caller.span === span || span.kind !== 'CLIENT') continue;
    const { name, namespace } = subsegmentName(span);
    if (!namespace || (children.get(span.spanId) ?? []).some(startsSegment)) continue;
    const service = inferredService(span, name);
    const doc = docOfSpan.get(span.spanId)!;
    nodes.push({ service, key: keyOf(service), doc, span, flags: flagsOf(span), caller, inferred: true });
  }
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.end));
  return {
    id: xrayTraceId(trace.id),
    segments,
    nodes,
    root: nodes.find((node) => !node.inferred && !node.caller),
    start: seconds(Number.isFinite(start) ? start : 0),
    end: seconds(Number.isFinite(end) ? end : 0),
    annotations,
    limitExceeded: trace.dropped > 0,
  };
};

const segmentService = (span: Span): ServiceIdentity => {
  const name = serviceName(span);
  const origin = originOf(span);
  return { Name: name, Names: [name], ...(origin && { Type: origin }) };
};

export const keyOf = (service: ServiceIdentity) => `${service.Name}|${service.Type ?? ''}`;
