import { ServiceError } from '../support/errors';
import { page } from '../support/paging';
import type { SpanForwarder } from './export';
import { evaluateFilter } from './filter';
import { parseFilter } from './filter-parse';
import { serviceGraph } from './graph';
import { type TraceView, viewOf } from './segments';
import { type SamplingOptions, type SamplingRequest, SamplingRules } from './sampling';
import type { Span, TraceSink } from './spans';
import { otelTraceId } from './spans';
import { type StoredTrace, TraceStore, type TraceStoreOptions } from './store';

export interface SummariesQuery {
  StartTime: number;
  EndTime: number;
  TimeRangeType?: string;
  FilterExpression?: string;
  NextToken?: string;
}

const PAGE_SIZE = 100;
const invalidRequest = (message: string) => new ServiceError('InvalidRequestException', message);

/** A trace id as a request names it: X-Ray's `1-…-…`, or OpenTelemetry's 32 hex digits. */
const storedId = (id: string): string | undefined => (/^[0-9a-f]{32}$/i.test(id) ? id.toLowerCase() : otelTraceId(id));

/**
 * The local X-Ray: the spans (a bounded store, kept across restarts), their X-Ray views (segments,
 * summaries, service graphs), and the backends each recorded span is forwarded to.
 */
export class XRayService implements TraceSink {
  readonly store: TraceStore;
  /** The sampling rules that decide, where a trace begins, whether it is recorded. */
  readonly sampling: SamplingRules;
  private readonly views = new WeakMap<StoredTrace, { spans: number; view: TraceView }>();

  constructor(
    storeOptions: TraceStoreOptions = {},
    private readonly forwarders: SpanForwarder[] = [],
    private readonly accountId = '000000000000',
    sampling: SamplingOptions = {},
  ) {
    this.store = new TraceStore(storeOptions);
    this.sampling = new SamplingRules({ accountId, ...sampling });
  }

  sample(request: SamplingRequest): boolean {
    return this.sampling.sample(request);
  }

  record(spans: readonly Span[]): void {
    if (spans.length === 0) return;
    this.store.record(spans);
    for (const forwarder of this.forwarders) forwarder.forward(spans);
  }

  async stop(): Promise<void> {
    await Promise.all(this.forwarders.map((forwarder) => forwarder.shutdown()));
    this.store.close();
  }

  /** The X-Ray view of a stored trace, built again only when spans arrived since. */
  view(trace: StoredTrace): TraceView {
    const cached = this.views.get(trace);
    if (cached?.spans === trace.spans.length) return cached.view;
    const view = viewOf(trace);
    this.views.set(trace, { spans: trace.spans.length, view });
    return view;
  }

  /** The traces in a time range (epoch seconds): by their id's time, or by their spans'. */
  private inRange(start: number, end: number, type = 'Event'): TraceView[] {
    if (!['TraceId', 'Event', 'Service'].includes(type))
      throw invalidRequest(`TimeRangeType must be TraceId, Event or Service, not ${type.slice(0, 50)}`);
    const views: TraceView[] = [];
    for (const trace of this.store.all()) {
      if (type === 'TraceId') {
        const time = parseInt(trace.id.slice(0, 8), 16);
        if (time < Math.floor(start) || time > end) continue;
      }
      const view = this.view(trace);
      if (type !== 'TraceId' && (view.end < start || view.start > end)) continue;
      views.push(view);
    }
    return views;
  }

  traceSummaries(query: SummariesQuery) {
    if (query.EndTime < query.StartTime) throw invalidRequest('EndTime must not be before StartTime');
    const filter = query.FilterExpression ? parseFilter(query.FilterExpression) : undefined;
    const views = this.inRange(query.StartTime, query.EndTime, query.TimeRangeType);
    const matching = views.filter((view) => evaluateFilter(view, filter)).sort((a, b) => b.start - a.start);
    const { items, nextToken } = page(matching, PAGE_SIZE, query.NextToken, () =>
      invalidRequest('The NextToken is not valid'),
    );
    return {
      TraceSummaries: items.map((view) => summaryOf(view)),
      ApproximateTime: Math.floor(Date.now() / 1000),
      TracesProcessedCount: views.length,
      ...(nextToken && { NextToken: nextToken }),
    };
  }

  batchGetTraces(ids: readonly string[]) {
    const traces = [];
    const unprocessed: string[] = [];
    for (const id of ids) {
      const trace = this.store.trace(storedId(id) ?? '');
      if (!trace || trace.spans.length === 0) {
        unprocessed.push(id);
        continue;
      }
      const view = this.view(trace);
      traces.push({
        Id: view.id,
        Duration: Math.round((view.end - view.start) * 1e6) / 1e6,
        LimitExceeded: view.limitExceeded,
        Segments: view.segments.map((segment) => ({ Id: segment.id, Document: JSON.stringify(segment) })),
      });
    }
    return { Traces: traces, UnprocessedTraceIds: unprocessed };
  }

  serviceGraph(start: number, end: number) {
    if (end < start) throw invalidRequest('EndTime must not be before StartTime');
    const services = serviceGraph(this.inRange(start, end), this.accountId);
    return { StartTime: start, EndTime: end, Services: services, ContainsOldGroupVersions: false };
  }

  traceGraph(ids: readonly string[]) {
    const views = ids.flatMap((id) => {
      const trace = this.store.trace(storedId(id) ?? '');
      return trace && trace.spans.length > 0 ? [this.view(trace)] : [];
    });
    return { Services: serviceGraph(views, this.accountId) };
  }
}

const annotationValue = (value: string | number | boolean) =>
  typeof value === 'number'
    ? { NumberValue: value }
    : typeof value === 'boolean'
      ? { BooleanValue: value }
      : { StringValue: value };

/** X-Ray's `TraceSummary` of a trace. */
export const summaryOf = (view: TraceView) => {
  const docs = view.nodes.map((node) => node.doc);
  const has = (flag: 'error' | 'fault' | 'throttle') =>
    view.segments.some(function any(doc): boolean {
      return doc[flag] === true || (doc.subsegments ?? []).some(any);
    });
  const annotations: Record<string, { AnnotationValue: object; ServiceIds: object[] }[]> = {};
  for (const { key, value, service } of view.annotations) {
    const values = (annotations[key] ??= []);
    const known = values.find((v) => JSON.stringify(v.AnnotationValue) === JSON.stringify(annotationValue(value)));
    if (known) {
      if (!known.ServiceIds.some((s) => JSON.stringify(s) === JSON.stringify(service))) known.ServiceIds.push(service);
    } else values.push({ AnnotationValue: annotationValue(value), ServiceIds: [service] });
  }
  const services = [...new Map(view.nodes.map((node) => [node.key, node.service])).values()];
  const root = view.root?.doc ?? docs[0];
  const http = root?.http;
  return {
    Id: view.id,
    StartTime: view.start,
    Duration: Math.round((view.end - view.start) * 1e6) / 1e6,
    ResponseTime: root ? Math.round((root.end_time - root.start_time) * 1e6) / 1e6 : 0,
    HasFault: has('fault'),
    HasError: has('error'),
    HasThrottle: has('throttle'),
    IsPartial: view.limitExceeded,
    ...(http && {
      Http: {
        HttpURL: http.request?.url,
        HttpStatus: http.response?.status,
        HttpMethod: http.request?.method,
        UserAgent: http.request?.user_agent,
        ClientIp: http.request?.client_ip,
      },
    }),
    Annotations: annotations,
    ServiceIds: services,
    ...(view.root && { EntryPoint: view.root.service }),
    Users: [],
    ResourceARNs: [],
    Revision: 1,
  };
};
