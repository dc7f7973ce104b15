// An X-Ray trace as the console draws it: BatchGetTraces' segment documents (JSON text, times in
// epoch seconds, subsegments nested), flattened into one tree of spans on one time axis.

/** An X-Ray segment or subsegment document, as far as the console reads it. */
export interface SegmentDocument {
  name?: string;
  id?: string;
  trace_id?: string;
  parent_id?: string;
  /** Epoch seconds (fractional). */
  start_time?: number;
  end_time?: number;
  in_progress?: boolean;
  origin?: string;
  namespace?: string;
  type?: string;
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  cause?: SegmentCause | string;
  http?: Record<string, unknown>;
  aws?: Record<string, unknown>;
  sql?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  subsegments?: SegmentDocument[];
}

export interface SegmentException {
  id?: string;
  message?: string;
  type?: string;
  remote?: boolean;
  /** X-Ray's frames, or a stack trace as text (OpenTelemetry's `exception.stacktrace`). */
  stack?: { path?: string; line?: number; label?: string }[] | string;
}

export interface SegmentCause {
  working_directory?: string;
  exceptions?: SegmentException[];
}

export type SpanOutcome = 'ok' | 'error' | 'fault' | 'throttle';

/** One span of the waterfall: a segment or a subsegment, placed in the tree and on the time axis. */
export interface TraceSpan {
  id: string;
  parentId?: string;
  name: string;
  /** Epoch milliseconds; an unfinished span ends at the trace's end. */
  start: number;
  end: number;
  inProgress: boolean;
  /** Segments are what a service reports; subsegments are the calls within them. */
  kind: 'segment' | 'subsegment';
  depth: number;
  childIds: string[];
  outcome: SpanOutcome;
  document: SegmentDocument;
}

export interface TraceTree {
  traceId: string;
  /** Depth first, each span's children in the order they started. */
  spans: TraceSpan[];
  start: number;
  end: number;
  /** Documents that were not JSON segment documents, left out (BatchGetTraces never sends them, a store might). */
  unreadable: number;
}

/** A segment's outcome: a fault (5xx) over a throttle (429) over an error (4xx). */
export const outcomeOf = (doc: SegmentDocument): SpanOutcome =>
  doc.fault ? 'fault' : doc.throttle ? 'throttle' : doc.error ? 'error' : 'ok';

const isDocument = (value: unknown): value is SegmentDocument =>
  typeof value === 'object' && value !== null && typeof (value as SegmentDocument).id === 'string';

/** The documents of BatchGetTraces' segments (`Document`, JSON text); any that is not one is counted. */
export const parseSegments = (
  segments: readonly { Document?: string }[],
): { docs: SegmentDocument[]; unreadable: number } => {
  const docs: SegmentDocument[] = [];
  let unreadable = 0;
  for (const segment of segments) {
    try {
      const doc: unknown = JSON.parse(segment.Document ?? '');
      if (isDocument(doc)) docs.push(doc);
      else unreadable++;
    } catch {
      unreadable++;
    }
  }
  return { docs, unreadable };
};

interface Flat {
  doc: SegmentDocument;
  parentId?: string;
  kind: TraceSpan['kind'];
}

/** Every segment and subsegment, each with its parent: the one it is nested in, else its `parent_id`. */
const flatten = (docs: readonly SegmentDocument[]): Flat[] => {
  const out: Flat[] = [];
  const seen = new Set<string>();
  const visit = (doc: SegmentDocument, nestedIn: string | undefined, kind: TraceSpan['kind']) => {
    if (!isDocument(doc) || seen.has(doc.id!)) return;
    seen.add(doc.id!);
    out.push({ doc, parentId: nestedIn ?? doc.parent_id, kind });
    for (const sub of doc.subsegments ?? []) visit(sub, doc.id, 'subsegment');
  };
  for (const doc of docs) visit(doc, undefined, doc.type === 'subsegment' ? 'subsegment' : 'segment');
  return out;
};

const ms = (seconds: number | undefined): number | undefined =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined;

/** The trace's span and its ends: the earliest start, the latest end (or start, for spans still running). */
const extentOf = (flat: readonly Flat[]): { start: number; end: number } => {
  const starts = flat.map((f) => ms(f.doc.start_time)).filter((t): t is number => t !== undefined);
  const ends = flat.map((f) => ms(f.doc.end_time) ?? ms(f.doc.start_time)).filter((t): t is number => t !== undefined);
  if (!starts.length) return { start: 0, end: 0 };
  return { start: Math.min(...starts), end: Math.max(...ends) };
};

/**
 * The trace as a tree: each segment's subsegments under it, each segment under the (sub)segment its
 * `parent_id` names (a segment whose parent is not in the trace is a root), siblings by start time,
 * rows depth first.
 */
export const buildTraceTree = (traceId: string, segments: readonly { Document?: string }[]): TraceTree => {
  const { docs, unreadable } = parseSegments(segments);
  const flat = flatten(docs);
  const { start, end } = extentOf(flat);
  const ids = new Set(flat.map((f) => f.doc.id!));
  const children = new Map<string | undefined, Flat[]>();
  for (const f of flat) {
    const parent = f.parentId && ids.has(f.parentId) && f.parentId !== f.doc.id ? f.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), { ...f, parentId: parent }]);
  }
  const startOf = (f: Flat) => ms(f.doc.start_time) ?? start;
  const spans: TraceSpan[] = [];
  const placed = new Set<string>();
  const visit = (f: Flat, depth: number) => {
    const id = f.doc.id!;
    if (placed.has(id)) return;
    placed.add(id);
    const kids = [...(children.get(id) ?? [])].sort((a, b) => startOf(a) - startOf(b));
    const spanStart = startOf(f);
    const finished = ms(f.doc.end_time);
    spans.push({
      id,
      ...(f.parentId && { parentId: f.parentId }),
      name: f.doc.name ?? id,
      start: spanStart,
      end: Math.max(finished ?? end, spanStart),
      inProgress: finished === undefined || f.doc.in_progress === true,
      kind: f.kind,
      depth,
      childIds: kids.map((k) => k.doc.id!),
      outcome: outcomeOf(f.doc),
      document: f.doc,
    });
    for (const kid of kids) visit(kid, depth + 1);
  };
  for (const root of [...(children.get(undefined) ?? [])].sort((a, b) => startOf(a) - startOf(b))) visit(root, 0);
  // A cycle of parent_ids has no root: its spans are shown from where the cycle is entered.
  for (const f of flat) visit(f, 0);
  return { traceId, spans, start, end, unreadable };
};

/** The rows shown: every span but those below a collapsed one. */
export const visibleSpans = (tree: TraceTree, collapsed: ReadonlySet<string>): TraceSpan[] => {
  const hidden = new Set<string>();
  return tree.spans.filter((span) => {
    if (span.parentId && (hidden.has(span.parentId) || collapsed.has(span.parentId))) {
      hidden.add(span.id);
      return false;
    }
    return true;
  });
};

/** The Lambda invocation a span stands for, and so where its logs are: `/aws/lambda/<function>`, by request id. */
export interface LambdaInvocation {
  functionName: string;
  requestId: string;
  logGroup: string;
}

const LAMBDA_ORIGINS = new Set(['AWS::Lambda::Function', 'AWS::Lambda']);

/** The function's name: from its ARN (`…:function:<name>[:alias]`), else `aws.function_name`, else the segment's name. */
const functionNameOf = (doc: SegmentDocument): string | undefined => {
  const arn = [doc.aws?.function_arn, (doc as { resource_arn?: unknown }).resource_arn].find(
    (value): value is string => typeof value === 'string' && value.includes(':function:'),
  );
  if (arn) return arn.split(':function:')[1]!.split(':')[0];
  return typeof doc.aws?.function_name === 'string' && doc.aws.function_name ? doc.aws.function_name : doc.name;
};

export const lambdaInvocationOf = (span: TraceSpan): LambdaInvocation | undefined => {
  const doc = span.document;
  const requestId = doc.aws?.request_id;
  if (!doc.origin || !LAMBDA_ORIGINS.has(doc.origin) || typeof requestId !== 'string' || !requestId) return undefined;
  const functionName = functionNameOf(doc);
  return functionName ? { functionName, requestId, logGroup: `/aws/lambda/${functionName}` } : undefined;
};

/** What the header says: how many spans, how long, how many failed. */
export const traceStats = (tree: TraceTree) => ({
  spans: tree.spans.length,
  durationMs: tree.end - tree.start,
  failed: tree.spans.filter((span) => span.outcome !== 'ok').length,
});
