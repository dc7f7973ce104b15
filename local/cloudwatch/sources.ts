import type { ApiCallRecord } from '../apigateway/gateway';
import type { InvocationRecord, MetricRecord } from '../logs/hub';
import type { ExecutionRecord } from '../stepfunctions/executions';
import type { MetricDatum } from './store';

/**
 * Where the local CloudWatch's metrics come from, each turned into datums as AWS would publish them:
 * the functions' EMF records (their own namespaces), each invocation's REPORT (AWS/Lambda), each
 * execution's status changes (AWS/States) and each request a REST API stage answers (AWS/ApiGateway).
 */

/** An EMF record: one datum per metric, in the record's namespace and dimensions. */
export const emfData = (record: MetricRecord): MetricDatum[] =>
  Object.entries(record.values).map(([name, value]) => ({
    namespace: record.namespace,
    name,
    dimensions: record.dimensions,
    timestamp: record.timestamp,
    values: Array.isArray(value) ? value : [value],
    ...(record.units?.[name] && { unit: record.units[name] }),
  }));

/** How many invocations of each function overlap, from the recent ones (Lambda's ConcurrentExecutions, approximated). */
export class Concurrency {
  private readonly recent = new Map<string, { start: number; end: number }[]>();

  /** The number of the function's recent invocations running when this one started, itself included. */
  add(fn: string, start: number, end: number): number {
    const list = (this.recent.get(fn) ?? []).filter((r) => r.end > end - 15 * 60_000).slice(-200);
    list.push({ start, end });
    this.recent.set(fn, list);
    return list.filter((r) => r.start <= start && r.end >= start).length;
  }
}

const lambda = (name: string, functionName: string, timestamp: number, value: number, unit: string): MetricDatum[] => [
  { namespace: 'AWS/Lambda', name, dimensions: { FunctionName: functionName }, timestamp, values: [value], unit },
  // Lambda also publishes each metric over all functions, without a dimension.
  { namespace: 'AWS/Lambda', name, dimensions: {}, timestamp, values: [value], unit },
];

/** AWS/Lambda from one invocation: Invocations, Errors (0 or 1), Duration (ms), Throttles (0: the local runtime queues), ConcurrentExecutions. */
export const invocationData = (report: InvocationRecord, concurrency: number): MetricDatum[] => {
  const at = report.end;
  return [
    ...lambda('Invocations', report.functionName, at, 1, 'Count'),
    ...lambda('Errors', report.functionName, at, report.error ? 1 : 0, 'Count'),
    ...lambda('Duration', report.functionName, at, report.durationMs, 'Milliseconds'),
    ...lambda('Throttles', report.functionName, at, 0, 'Count'),
    ...lambda('ConcurrentExecutions', report.functionName, at, concurrency, 'Count'),
  ];
};

const OUTCOMES: Record<string, string> = {
  SUCCEEDED: 'ExecutionsSucceeded',
  FAILED: 'ExecutionsFailed',
  TIMED_OUT: 'ExecutionsTimedOut',
  ABORTED: 'ExecutionsAborted',
};

/** What a status change counts as: started, redriven, an outcome, or nothing (a resumption after a restart, a repeat). */
export type ExecutionEvent = 'started' | 'redriven' | 'ended' | undefined;

/**
 * AWS/States from a status change. Each change publishes every outcome metric, 1 for what happened
 * and 0 for the others, so that the series share their timestamps and metric math over them (a
 * failure rate) has a value wherever executions ran.
 */
export const executionData = (record: ExecutionRecord, event: ExecutionEvent, now: number): MetricDatum[] => {
  if (!event) return [];
  const dimensions = { StateMachineArn: record.stateMachineArn };
  const datum = (name: string, value: number, unit = 'Count'): MetricDatum => ({
    namespace: 'AWS/States',
    name,
    dimensions,
    timestamp: now,
    values: [value],
    unit,
  });
  const counts = Object.values(OUTCOMES).map((name) => datum(name, OUTCOMES[record.status] === name ? 1 : 0));
  if (event === 'started') return [datum('ExecutionsStarted', 1), ...counts];
  if (event === 'redriven') return [datum('ExecutionsRedriven', 1)];
  return [...counts, datum('ExecutionTime', Math.max(0, (record.stopDate ?? now) - record.startDate), 'Milliseconds')];
};

/** Tells started, redriven and ended apart, from the statuses seen before (bounded). */
export class ExecutionEvents {
  private readonly seen = new Map<string, string>();

  classify(record: ExecutionRecord): ExecutionEvent {
    const previous = this.seen.get(record.executionArn);
    this.seen.delete(record.executionArn);
    this.seen.set(record.executionArn, record.status);
    if (this.seen.size > 20_000) this.seen.delete(this.seen.keys().next().value!);
    if (record.status === 'RUNNING') {
      if (previous === undefined) return record.eventCount <= 1 && record.redriveCount === 0 ? 'started' : undefined;
      return previous !== 'RUNNING' ? 'redriven' : undefined;
    }
    return previous === record.status ? undefined : 'ended';
  }
}

/** AWS/ApiGateway from one request, by API and by API and stage: Count, 4XXError, 5XXError, Latency, IntegrationLatency. */
export const apiData = (call: ApiCallRecord, now: number): MetricDatum[] =>
  ([{ ApiName: call.apiName }, { ApiName: call.apiName, Stage: call.stage }] as Record<string, string>[]).flatMap(
    (dimensions) => {
      const datum = (name: string, value: number, unit: string): MetricDatum => ({
        namespace: 'AWS/ApiGateway',
        name,
        dimensions,
        timestamp: now,
        values: [value],
        unit,
      });
      return [
        datum('Count', 1, 'Count'),
        datum('4XXError', call.status >= 400 && call.status < 500 ? 1 : 0, 'Count'),
        datum('5XXError', call.status >= 500 ? 1 : 0, 'Count'),
        datum('Latency', call.latencyMs, 'Milliseconds'),
        ...(call.integrationLatencyMs !== undefined
          ? [datum('IntegrationLatency', call.integrationLatencyMs, 'Milliseconds')]
          : []),
      ];
    },
  );
