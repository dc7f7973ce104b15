import {
  type AlarmStatus,
  type AnyAlarmStatus,
  type CompositeStatus,
  type HistoryItem,
  isComposite,
  iso,
  type StateChange,
} from './alarm-status';
import { evaluateRule, ruleChildren } from './composite';
import { describeAlarms, describeHistory } from './describe';
import { type AlarmState, evaluateAlarm } from './evaluation';
import type { Params } from './input';
import { evaluateQueries, pointsOf } from './query';
import type { AlarmSpec, CompositeAlarmSpec } from './specs';

export type { AlarmStatus, AnyAlarmStatus, CompositeStatus, HistoryItem, StateChange } from './alarm-status';
import { MINUTE, type MetricStore } from './store';

/** Periods beyond EvaluationPeriods that an evaluation looks back over (CloudWatch's evaluation range). */
const EXTRA_PERIODS = 2;
const HISTORY_KEPT = 1000;

/** `Wednesday 10 November, 2021 02:45:55 UTC`, as a composite alarm's reason writes a child's change. */
const spelled = (ms: number) => {
  const d = new Date(ms);
  const day = d.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  const month = d.toLocaleDateString('en-GB', { month: 'long', timeZone: 'UTC' });
  return `${day} ${d.getUTCDate()} ${month}, ${d.getUTCFullYear()} ${d.toISOString().slice(11, 19)} UTC`;
};

const initial = (now: number) => ({
  state: 'INSUFFICIENT_DATA' as AlarmState,
  reason: 'Unchecked: Initial alarm creation',
  updated: now,
  transitioned: now,
  configured: now,
});

/**
 * The stack's alarms, evaluated on the metric store by CloudWatch's rules (evaluation.ts), with their
 * state, reason, reason data and history; then its composite alarms, from their children's states.
 * `evaluate()` runs them all; the service calls it on a timer and soon after new data arrives. Each
 * change is handed to `onChange` (the alarm actions).
 */
export class Alarms {
  private readonly statuses = new Map<string, AlarmStatus>();
  private readonly compositeStatuses = new Map<string, CompositeStatus>();
  readonly history: HistoryItem[] = [];

  constructor(
    specs: AlarmSpec[],
    private readonly store: MetricStore,
    private readonly onChange: (change: StateChange) => void = () => undefined,
    composites: CompositeAlarmSpec[] = [],
  ) {
    const now = store.now();
    for (const spec of specs) {
      this.statuses.set(spec.name, { spec, ...initial(now) });
      this.created(spec.name, 'MetricAlarm', now, {
        alarmName: spec.name,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
      });
    }
    for (const spec of composites) {
      this.compositeStatuses.set(spec.name, { spec, ...initial(now), triggering: [] });
      this.created(spec.name, 'CompositeAlarm', now, { alarmName: spec.name, alarmRule: spec.rule });
    }
  }

  private created(name: string, type: HistoryItem['AlarmType'], now: number, createdAlarm: object) {
    this.record({
      AlarmName: name,
      AlarmType: type,
      Timestamp: now,
      HistoryItemType: 'ConfigurationUpdate',
      HistorySummary: `Alarm "${name}" created`,
      HistoryData: JSON.stringify({ type: 'Create', version: '1.0', createdAlarm }),
    });
  }

  /** Adds a history item (state updates, and the actions' outcomes); the oldest go past the bound. */
  record(item: HistoryItem): void {
    this.history.push(item);
    if (this.history.length > HISTORY_KEPT * 1.25) this.history.splice(0, this.history.length - HISTORY_KEPT);
  }

  /** One value (or none) per period of the alarm's evaluation range, oldest first; the range ends with the current minute. */
  private datapoints(spec: AlarmSpec, now: number) {
    const periodMs = spec.periodSeconds * 1000;
    const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
    const start = end - (spec.evaluationPeriods + EXTRA_PERIODS) * periodMs;
    let points: Map<number, number>;
    if (spec.metric) points = pointsOf(this.store.get(spec.metric.id), spec.metric.stat, start, end, periodMs);
    else {
      const results = evaluateQueries(this.store, spec.queries!, { start, end });
      points = results.get(spec.queries!.find((q) => q.returnData)!.id)?.[0]?.points ?? new Map<number, number>();
    }
    return {
      start,
      datapoints: Array.from({ length: spec.evaluationPeriods + EXTRA_PERIODS }, (_, i) => ({
        at: start + i * periodMs,
        value: points.get(start + i * periodMs),
      })),
    };
  }

  /** Moves an alarm to a new state: its history item, then the change handed on. */
  private transition(status: AnyAlarmStatus, state: AlarmState, reason: string, reasonData: object, now: number) {
    const previous = {
      stateValue: status.state,
      stateReason: status.reason,
      ...(status.reasonData && { stateReasonData: JSON.parse(status.reasonData) as unknown }),
    };
    const before = { state: status.state, reason: status.reason };
    Object.assign(status, { state, reason, reasonData: JSON.stringify(reasonData), updated: now, transitioned: now });
    this.record({
      AlarmName: status.spec.name,
      AlarmType: isComposite(status) ? 'CompositeAlarm' : 'MetricAlarm',
      Timestamp: now,
      HistoryItemType: 'StateUpdate',
      HistorySummary: `Alarm updated from ${before.state} to ${state}`,
      HistoryData: JSON.stringify({
        version: '1.0',
        oldState: previous,
        newState: { stateValue: state, stateReason: reason, stateReasonData: reasonData },
      }),
    });
    // A copy: the change is acted on later (queued actions, the webhook), the status moves on.
    this.onChange({ status: { ...status }, previous: before, at: now });
  }

  private evaluateMetricAlarm(status: AlarmStatus, now: number) {
    const { spec } = status;
    const { start, datapoints } = this.datapoints(spec, now);
    const result = evaluateAlarm({ ...spec, datapoints, current: status.state });
    if (result.state === status.state) return;
    this.transition(
      status,
      result.state,
      result.reason,
      {
        version: '1.0',
        queryDate: iso(now),
        startDate: iso(start),
        ...(spec.metric && { statistic: spec.metric.stat }),
        period: spec.periodSeconds,
        recentDatapoints: datapoints.filter((d) => d.value !== undefined).map((d) => d.value),
        threshold: spec.threshold,
        evaluatedDatapoints: result.evaluated.map((d) => ({ timestamp: iso(d.at), value: d.value })),
      },
      now,
    );
  }

  /** An alarm of either kind by its name or ARN, as a rule names it. */
  find(nameOrArn: string): AnyAlarmStatus | undefined {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.replace(/^.*?:alarm:/, '') : nameOrArn;
    return this.statuses.get(name) ?? this.compositeStatuses.get(name);
  }

  /**
   * A composite alarm: ALARM while its rule holds, OK while it does not; it stays INSUFFICIENT_DATA
   * while its rule names an alarm that does not exist. The reason names the child that changed last.
   */
  private evaluateComposite(status: CompositeStatus, now: number): boolean {
    const children = ruleChildren(status.spec.parsed).map((name) => ({ name, status: this.find(name) }));
    const missing = children.find((c) => !c.status);
    if (missing) {
      if (status.state === 'INSUFFICIENT_DATA') return false;
      this.transition(status, 'INSUFFICIENT_DATA', `Alarm ${missing.name} named by the rule does not exist.`, {}, now);
      return true;
    }
    const state: AlarmState = evaluateRule(status.spec.parsed, (name) => this.find(name)?.state) ? 'ALARM' : 'OK';
    if (state === status.state) return false;
    const known = children.map((c) => c.status!);
    const triggering = (state === 'ALARM' ? known.filter((c) => c.state === 'ALARM') : known)
      .sort((a, b) => b.transitioned - a.transitioned)
      .map((c) => ({ arn: c.spec.arn, state: c.state, timestamp: c.transitioned }));
    const last = triggering[0];
    status.triggering = triggering;
    const reason = last
      ? `${last.arn} transitioned to ${last.state} at ${spelled(last.timestamp)}`
      : `The rule evaluated to ${state === 'ALARM' ? 'TRUE' : 'FALSE'}`;
    const reasonData = {
      triggeringAlarms: triggering.map((t) => ({ arn: t.arn, state: { value: t.state, timestamp: iso(t.timestamp) } })),
    };
    this.transition(status, state, reason, reasonData, now);
    return true;
  }

  evaluate(now = this.store.now()): void {
    for (const status of this.statuses.values()) this.evaluateMetricAlarm(status, now);
    // Composites of composites settle in as many passes as they nest (bounded by their number).
    for (let pass = 0; pass <= this.compositeStatuses.size; pass++) {
      let changed = false;
      for (const status of this.compositeStatuses.values()) changed = this.evaluateComposite(status, now) || changed;
      if (!changed) break;
    }
  }

  get all(): AlarmStatus[] {
    return [...this.statuses.values()];
  }

  get composites(): CompositeStatus[] {
    return [...this.compositeStatuses.values()];
  }

  describe(params: Params) {
    return describeAlarms(this, params);
  }

  describeHistory(params: Params) {
    return describeHistory(this.history, params);
  }
}
