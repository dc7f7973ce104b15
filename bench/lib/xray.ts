import { paginateBatchGetTraces, paginateGetTraceSummaries, type TraceSummary, XRayClient } from '@aws-sdk/client-xray';
import type { SegmentDocument } from '../../local/xray/segments';
import { type Endpoints, sdkConfig } from './client';

/** The trace ids a BatchGetTraces takes at most, on the local X-Ray. */
const BATCH = 100;

/** A trace: every segment document of it (each Lambda invocation, each service's own), and its order if any. */
export interface Trace {
  orderId?: string;
  documents: SegmentDocument[];
}

/** The order a trace belongs to: create-order and the saga's functions annotate it (`orderId`). */
const orderIdOf = (summary: TraceSummary): string | undefined =>
  summary.Annotations?.orderId?.find((value) => value.AnnotationValue?.StringValue)?.AnnotationValue?.StringValue;

/** A segment and its subsegments, at any depth (an SDK call may sit under a span of the handler's). */
export const subsegmentsOf = (document: SegmentDocument): SegmentDocument[] =>
  (document.subsegments ?? []).flatMap((sub) => [sub, ...subsegmentsOf(sub)]);

/** Reads traces through X-Ray's API on the edge, as `aws xray get-trace-summaries` and `batch-get-traces` would. */
export class Traces {
  private readonly xray: XRayClient;

  constructor(endpoints: Endpoints) {
    this.xray = new XRayClient(sdkConfig(endpoints));
  }

  /** Every trace begun since `since` (orders' and others', the reconciler's), as far as its spans have reached the edge. */
  async since(since: Date): Promise<Trace[]> {
    const orderOf = new Map<string, string | undefined>();
    // A trace id holds its start in whole seconds: ask from a second earlier, keep those begun since.
    const summaries = paginateGetTraceSummaries(
      { client: this.xray },
      { StartTime: new Date(since.getTime() - 1000), EndTime: new Date(Date.now() + 1000) },
    );
    for await (const page of summaries)
      for (const summary of page.TraceSummaries ?? [])
        if (summary.Id && summary.StartTime && summary.StartTime >= since) orderOf.set(summary.Id, orderIdOf(summary));
    const traces: Trace[] = [];
    const ids = [...orderOf.keys()];
    for (let i = 0; i < ids.length; i += BATCH)
      for await (const page of paginateBatchGetTraces({ client: this.xray }, { TraceIds: ids.slice(i, i + BATCH) }))
        for (const trace of page.Traces ?? []) {
          const orderId = orderOf.get(trace.Id!);
          traces.push({
            ...(orderId && { orderId }),
            documents: (trace.Segments ?? []).map((segment) => JSON.parse(segment.Document!) as SegmentDocument),
          });
        }
    return traces;
  }

  destroy(): void {
    this.xray.destroy();
  }
}
