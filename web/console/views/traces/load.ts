import {
  BatchGetTracesCommand,
  GetServiceGraphCommand,
  GetTraceSummariesCommand,
  type Service,
  type TraceSummary,
  type XRayClient,
} from '@aws-sdk/client-xray';
import { buildTraceTree, type TraceTree } from '../../model/trace';

/** At most this many pages of summaries are read for one list (X-Ray pages them by NextToken). */
const MAX_PAGES = 5;

/** GetTraceSummaries over [from, to] (epoch ms) with a filter expression, newest first. */
export const traceSummaries = async (
  xray: XRayClient,
  range: { from: number; to: number },
  filterExpression?: string,
): Promise<TraceSummary[]> => {
  const summaries: TraceSummary[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await xray.send(
      new GetTraceSummariesCommand({
        StartTime: new Date(range.from),
        EndTime: new Date(range.to),
        ...(filterExpression && { FilterExpression: filterExpression }),
        ...(nextToken && { NextToken: nextToken }),
      }),
    );
    summaries.push(...(answer.TraceSummaries ?? []));
    nextToken = answer.NextToken;
    if (!nextToken) break;
  }
  const startOf = (s: TraceSummary) => s.StartTime?.getTime() ?? 0;
  return summaries.sort((a, b) => startOf(b) - startOf(a));
};

/** The filter expression that finds an order's traces: the functions annotate their spans with `orderId`. */
export const orderFilter = (orderId: string): string => `annotation.orderId = ${JSON.stringify(orderId)}`;

/** How far before an execution's start its trace may begin (the API call that started it), and after its end. */
const BEFORE_MS = 5 * 60_000;
const AFTER_MS = 60_000;

/** The order's traces (its execution's name is its id), around the time it ran, oldest first. */
export const orderTraces = async (
  xray: XRayClient,
  orderId: string,
  window?: { from: number; to: number },
): Promise<TraceSummary[]> => {
  const now = Date.now();
  const range = window
    ? { from: window.from - BEFORE_MS, to: Math.min(window.to + AFTER_MS, now + AFTER_MS) }
    : { from: now - 6 * 3_600_000 + 60_000, to: now };
  return (await traceSummaries(xray, range, orderFilter(orderId))).reverse();
};

/** One trace's segments (BatchGetTraces), as the waterfall's tree; undefined when X-Ray has no such trace. */
export const loadTrace = async (xray: XRayClient, traceId: string): Promise<TraceTree | undefined> => {
  const answer = await xray.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
  const trace = answer.Traces?.find((t) => t.Id === traceId) ?? answer.Traces?.[0];
  return trace ? buildTraceTree(trace.Id ?? traceId, trace.Segments ?? []) : undefined;
};

/** GetServiceGraph's services over [from, to], every page. */
export const serviceGraph = async (xray: XRayClient, range: { from: number; to: number }): Promise<Service[]> => {
  const services: Service[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await xray.send(
      new GetServiceGraphCommand({
        StartTime: new Date(range.from),
        EndTime: new Date(range.to),
        ...(nextToken && { NextToken: nextToken }),
      }),
    );
    services.push(...(answer.Services ?? []));
    nextToken = answer.NextToken;
    if (!nextToken) break;
  }
  return services;
};
