import type { ApiCallRecord } from '../apigateway/gateway';
import type { InvocationRecord, LogListener, MetricRecord } from '../logs/hub';
import type { ExecutionRecord } from '../stepfunctions/executions';
import { AlarmActions } from './actions';
import { Alarms, type StateChange } from './alarms';
import { PrometheusMetrics } from './prometheus';
import { apiData, Concurrency, emfData, executionData, ExecutionEvents, invocationData } from './sources';
import type { AlarmSpec, CompositeAlarmSpec, DashboardSpec } from './specs';
import { type MetricDatum, MetricStore } from './store';
import { AlertWebhook, type WebhookOptions } from './webhook';

export interface CloudWatchOptions {
  accountId: string;
  region?: string;
  /** The template's composite alarms, evaluated after the metric alarms. */
  composites?: CompositeAlarmSpec[];
  /** `--alert-webhook`: where each state change is forwarded as a Slack body. */
  alertWebhook?: string;
  webhook?: Omit<WebhookOptions, 'log'>;
  /** How often every alarm is evaluated (default 10 s); also soon after new data. */
  evaluateEveryMs?: number;
  log?: (message: string) => void;
  now?: () => number;
}

/**
 * CloudWatch on this machine: the metric store, fed by the sources (sources.ts) and PutMetricData;
 * the template's alarms, evaluated every few seconds and soon after data arrives; the dashboards; and
 * the same metrics for Prometheus. The wire protocols are in api.ts.
 */
export class CloudWatchService implements LogListener {
  readonly store: MetricStore;
  readonly alarms: Alarms;
  readonly dashboards = new Map<string, DashboardSpec & { modified: number }>();
  readonly prometheus = new PrometheusMetrics();
  /** The alarms' actions: SNS publishes, once `actions.publishWith` wires SNS. */
  readonly actions: AlarmActions;
  readonly webhook?: AlertWebhook;
  /** The console's URL once it is served, for the links of the webhook's messages. */
  consoleUrl?: string;
  private readonly concurrency = new Concurrency();
  private readonly executionEvents = new ExecutionEvents();
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;

  constructor(
    alarms: AlarmSpec[],
    dashboards: DashboardSpec[],
    private readonly options: CloudWatchOptions,
  ) {
    this.store = new MetricStore({ now: options.now });
    this.alarms = new Alarms(alarms, this.store, (change) => this.changed(change), options.composites);
    this.actions = new AlarmActions({
      accountId: options.accountId,
      region: options.region ?? 'us-east-1',
      record: (item) => this.alarms.record(item),
      log: options.log,
    });
    if (options.alertWebhook)
      this.webhook = new AlertWebhook(options.alertWebhook, {
        consoleUrl: () => this.consoleUrl,
        ...options.webhook,
        log: options.log,
      });
    for (const dashboard of dashboards)
      this.dashboards.set(dashboard.name, { ...dashboard, modified: this.store.now() });
    for (const status of [...this.alarms.all, ...this.alarms.composites])
      this.prometheus.alarm(status.spec.name, status.state);
  }

  get accountId(): string {
    return this.options.accountId;
  }

  private changed(change: StateChange) {
    const { status, previous } = change;
    this.prometheus.alarm(status.spec.name, status.state);
    this.options.log?.(`alarm ${status.spec.name}: ${previous.state} -> ${status.state} (${status.reason})`);
    this.actions.act(change);
    this.webhook?.send(change);
  }

  /** Evaluates the alarms now, and then every `evaluateEveryMs`. */
  start(): void {
    this.evaluate();
    this.timer = setInterval(() => this.evaluate(), this.options.evaluateEveryMs ?? 10_000);
    this.timer.unref();
  }

  /** Stops evaluating; the actions and webhook deliveries under way finish. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.soon);
    await Promise.all([this.actions.settle(), this.webhook?.stop()]);
  }

  /** Evaluates every alarm; an alarm that cannot be evaluated is logged, never thrown at a source. */
  evaluate(): void {
    try {
      this.alarms.evaluate();
    } catch (error) {
      this.options.log?.(`alarm evaluation failed: ${(error as Error).message}`);
    }
  }

  /** Stores data (PutMetricData and every source), then evaluates the alarms shortly after: data in bursts is evaluated once. */
  put(data: MetricDatum[]): void {
    for (const datum of data) this.store.put(datum);
    if (!this.soon && this.timer) {
      this.soon = setTimeout(() => {
        this.soon = undefined;
        this.evaluate();
      }, 200);
      this.soon.unref();
    }
  }

  /** Runs one source's work; a bad record is logged and dropped, never thrown into the service that reported it. */
  private guarded(source: string, work: () => void) {
    try {
      work();
    } catch (error) {
      this.options.log?.(`cloudwatch: a ${source} record was dropped (${(error as Error).message})`);
    }
  }

  metric(record: MetricRecord): void {
    this.guarded('metric', () => {
      this.put(emfData(record));
      this.prometheus.emf(record);
    });
  }

  report(record: InvocationRecord): void {
    this.guarded('invocation', () => {
      this.put(invocationData(record, this.concurrency.add(record.functionName, record.start, record.end)));
      this.prometheus.invocation(record);
    });
  }

  execution(record: ExecutionRecord): void {
    this.guarded('execution', () => {
      const event = this.executionEvents.classify(record);
      this.put(executionData(record, event, this.store.now()));
      this.prometheus.execution(record, event);
    });
  }

  apiCall(call: ApiCallRecord): void {
    this.guarded('API request', () => {
      this.put(apiData(call, this.store.now()));
      this.prometheus.apiCall(call);
    });
  }
}
