import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiCallRecord } from '../apigateway/gateway';
import type { HttpResponse } from '../http/messages';
import type { InvocationRecord, MetricRecord } from '../logs/hub';
import type { ExecutionRecord } from '../stepfunctions/executions';
import type { ExecutionEvent } from './sources';

const FAST = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const SLOW = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
/** Label combinations kept per metric: past it, new ones are dropped (Prometheus wants low cardinality). */
const MAX_SERIES = 200;
/** EMF metric names kept: past it, new names are dropped. */
const MAX_METRICS = 500;
/** Dimensions that identify one thing (an order, a user, a request) never become labels. */
const IDENTIFYING = /(^|_)(id|ids|key|arn|token|user|email)$/i;

/** `OrdersCancelled` → `orders_cancelled`, `4XXError` → `4xx_error`. */
export const snakeCase = (name: string): string =>
  name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z0-9]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();

const statusOf = (status: string) => status.toLowerCase();

/**
 * The same metrics for Prometheus, with its naming (prom-client, on a registry of its own): the
 * `shop_` prefix, counters ending in `_total`, durations as `_seconds` histograms, and labels of low
 * cardinality only (function, state machine, status, reason …; dimensions that name one thing are left
 * out). The functions' EMF metrics map by name: ServerlessShop's `OrdersCompleted` (Count) is
 * `shop_orders_completed_total`, `SagaDuration` (Seconds) `shop_saga_duration_seconds`; another
 * namespace's carry it in their name (`shop_local_cloud_faults_injected_total`).
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly dynamic = new Map<string, { metric: Counter | Histogram; labels: string[]; seen: Set<string> }>();
  private readonly invocations = new Counter({
    name: 'shop_lambda_invocations_total',
    help: 'Lambda invocations, by function',
    labelNames: ['function'],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'shop_lambda_errors_total',
    help: 'Lambda invocations that failed, by function',
    labelNames: ['function'],
    registers: [this.registry],
  });
  private readonly coldStarts = new Counter({
    name: 'shop_lambda_cold_starts_total',
    help: 'Lambda invocations that started a new worker, by function',
    labelNames: ['function'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'shop_lambda_duration_seconds',
    help: 'Lambda invocation duration (handler time), by function',
    labelNames: ['function'],
    buckets: FAST,
    registers: [this.registry],
  });
  private readonly executions = new Counter({
    name: 'shop_stepfunctions_executions_total',
    help: 'Step Functions executions, by state machine and status (started, succeeded, failed, timed_out, aborted, redriven)',
    labelNames: ['state_machine', 'status'],
    registers: [this.registry],
  });
  private readonly executionTime = new Histogram({
    name: 'shop_stepfunctions_execution_duration_seconds',
    help: 'Step Functions execution time, by state machine and outcome',
    labelNames: ['state_machine', 'status'],
    buckets: SLOW,
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'shop_api_requests_total',
    help: 'REST API requests, by API, stage, method and status class (2xx, 4xx, 5xx)',
    labelNames: ['api', 'stage', 'method', 'status_class'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'shop_api_request_duration_seconds',
    help: 'REST API latency as API Gateway measures it, by API, stage and status class',
    labelNames: ['api', 'stage', 'status_class'],
    buckets: FAST,
    registers: [this.registry],
  });
  private readonly alarms = new Gauge({
    name: 'shop_cloudwatch_alarm_state',
    help: 'The state of each CloudWatch alarm: 1 for the state it is in, 0 for the others',
    labelNames: ['alarm', 'state'],
    registers: [this.registry],
  });

  invocation(report: InvocationRecord): void {
    const labels = { function: report.function };
    this.invocations.inc(labels);
    if (report.error) this.errors.inc(labels);
    else this.errors.inc(labels, 0);
    if (report.coldStart) this.coldStarts.inc(labels);
    this.duration.observe(labels, report.durationMs / 1000);
  }

  execution(record: ExecutionRecord, event: ExecutionEvent): void {
    if (!event) return;
    const machine = record.stateMachineArn.split(':').pop()!;
    const status = event === 'ended' ? statusOf(record.status) : event;
    this.executions.inc({ state_machine: machine, status });
    if (event === 'ended')
      this.executionTime.observe(
        { state_machine: machine, status },
        Math.max(0, (record.stopDate ?? Date.now()) - record.startDate) / 1000,
      );
  }

  apiCall(call: ApiCallRecord): void {
    const statusClass = `${Math.floor(call.status / 100)}xx`;
    this.requests.inc({ api: call.apiName, stage: call.stage, method: call.method, status_class: statusClass });
    this.latency.observe({ api: call.apiName, stage: call.stage, status_class: statusClass }, call.latencyMs / 1000);
  }

  alarm(name: string, state: string): void {
    for (const each of ['OK', 'ALARM', 'INSUFFICIENT_DATA'])
      this.alarms.set({ alarm: name, state: each }, each === state ? 1 : 0);
  }

  /** An EMF record: each metric a counter (`_total`) or, in seconds or milliseconds, a `_seconds` histogram. */
  emf(record: MetricRecord): void {
    for (const [name, raw] of Object.entries(record.values)) {
      const unit = record.units?.[name] ?? 'None';
      const timed = unit === 'Seconds' || unit === 'Milliseconds';
      const prefix = record.namespace === 'ServerlessShop' ? 'shop_' : `shop_${snakeCase(record.namespace)}_`;
      const entry = this.metricFor(`${prefix}${snakeCase(name)}${timed ? '_seconds' : '_total'}`, timed, record, name);
      if (!entry) continue;
      const labels = Object.fromEntries(
        entry.labels.map((label) => [
          label,
          Object.entries(record.dimensions).find(([k]) => snakeCase(k) === label)?.[1] ?? '',
        ]),
      );
      const combination = JSON.stringify(labels);
      if (!entry.seen.has(combination)) {
        if (entry.seen.size >= MAX_SERIES) continue;
        entry.seen.add(combination);
      }
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (entry.metric instanceof Histogram)
          entry.metric.observe(labels, unit === 'Milliseconds' ? value / 1000 : value);
        else if (value >= 0) entry.metric.inc(labels, value);
      }
    }
  }

  private metricFor(promName: string, timed: boolean, record: MetricRecord, name: string) {
    let entry = this.dynamic.get(promName);
    if (!entry) {
      if (this.registry.getSingleMetric(promName) || this.dynamic.size >= MAX_METRICS) return undefined;
      const labels = Object.keys(record.dimensions)
        .map(snakeCase)
        .filter((label) => label && !IDENTIFYING.test(label) && /^[a-z_]/.test(label));
      const help = `${name} (${record.namespace}, EMF)`;
      const metric = timed
        ? new Histogram({ name: promName, help, labelNames: labels, buckets: SLOW, registers: [this.registry] })
        : new Counter({ name: promName, help, labelNames: labels, registers: [this.registry] });
      entry = { metric, labels, seen: new Set() };
      this.dynamic.set(promName, entry);
    }
    return entry;
  }

  async scrape(): Promise<HttpResponse> {
    return { status: 200, headers: { 'content-type': this.registry.contentType }, body: await this.registry.metrics() };
  }
}
