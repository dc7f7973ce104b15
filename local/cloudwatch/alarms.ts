import { ServiceError } from '../support/errors';
import { type AlarmState, evaluateAlarm } from './evaluation';
import { invalidValue, list, optionalNumber, optionalText, optionalTime, page, type Params } from './input';
import { evaluateQueries, pointsOf } from './query';
import type { AlarmSpec } from './specs';
import { MINUTE, type MetricStore } from './store';

/** An alarm's state as DescribeAlarms tells it. */
export interface AlarmStatus {
  spec: AlarmSpec;
  state: AlarmState;
  reason: string;
  reasonData?: string;
  updated: number;
  transitioned: number;
  configured: number;
}

export interface HistoryItem {
  AlarmName: string;
  AlarmType: 'MetricAlarm';
  Timestamp: number;
  HistoryItemType: 'StateUpdate' | 'ConfigurationUpdate';
  HistorySummary: string;
  HistoryData: string;
}

/** Periods beyond EvaluationPeriods that an evaluation looks back over (CloudWatch's evaluation range). */
const EXTRA_PERIODS = 2;
const HISTORY_KEPT = 1000;

/** MaxRecords: 1 to 100. */
const maxRecords = (params: Params, fallback: number) => {
  const value = optionalNumber(params, 'MaxRecords') ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > 100)
    throw invalidValue('The parameter MaxRecords must be a whole number from 1 to 100.');
  return value;
};

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/**
 * The stack's alarms, evaluated on the metric store by CloudWatch's rules (evaluation.ts), with their
 * state, reason, reason data and history. `evaluate()` runs them all; the service calls it on a timer
 * and soon after new data arrives.
 */
export class Alarms {
  private readonly statuses = new Map<string, AlarmStatus>();
  private readonly history: HistoryItem[] = [];

  constructor(
    specs: AlarmSpec[],
    private readonly store: MetricStore,
    private readonly onChange: (status: AlarmStatus, previous: AlarmState) => void = () => undefined,
  ) {
    const now = store.now();
    for (const spec of specs) {
      this.statuses.set(spec.name, {
        spec,
        state: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
        updated: now,
        transitioned: now,
        configured: now,
      });
      this.record({
        AlarmName: spec.name,
        AlarmType: 'MetricAlarm',
        Timestamp: now,
        HistoryItemType: 'ConfigurationUpdate',
        HistorySummary: `Alarm "${spec.name}" created`,
        HistoryData: JSON.stringify({
          type: 'Create',
          version: '1.0',
          createdAlarm: { alarmName: spec.name, threshold: spec.threshold, evaluationPeriods: spec.evaluationPeriods },
        }),
      });
    }
  }

  private record(item: HistoryItem) {
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

  evaluate(now = this.store.now()): void {
    for (const status of this.statuses.values()) {
      const { spec } = status;
      const { start, datapoints } = this.datapoints(spec, now);
      const result = evaluateAlarm({ ...spec, datapoints, current: status.state });
      if (result.state === status.state) continue;
      const previous = {
        stateValue: status.state,
        stateReason: status.reason,
        ...(status.reasonData && { stateReasonData: JSON.parse(status.reasonData) as unknown }),
      };
      const reasonData = {
        version: '1.0',
        queryDate: iso(now),
        startDate: iso(start),
        ...(spec.metric && { statistic: spec.metric.stat }),
        period: spec.periodSeconds,
        recentDatapoints: datapoints.filter((d) => d.value !== undefined).map((d) => d.value),
        threshold: spec.threshold,
        evaluatedDatapoints: result.evaluated.map((d) => ({ timestamp: iso(d.at), value: d.value })),
      };
      Object.assign(status, {
        state: result.state,
        reason: result.reason,
        reasonData: JSON.stringify(reasonData),
        updated: now,
        transitioned: now,
      });
      this.record({
        AlarmName: spec.name,
        AlarmType: 'MetricAlarm',
        Timestamp: now,
        HistoryItemType: 'StateUpdate',
        HistorySummary: `Alarm updated from ${previous.stateValue} to ${result.state}`,
        HistoryData: JSON.stringify({
          version: '1.0',
          oldState: previous,
          newState: { stateValue: result.state, stateReason: result.reason, stateReasonData: reasonData },
        }),
      });
      this.onChange(status, previous.stateValue);
    }
  }

  get all(): AlarmStatus[] {
    return [...this.statuses.values()];
  }

  /** DescribeAlarms: by names, name prefix or state; metric alarms only (the local cloud has no composite alarms). */
  describe(params: Params) {
    const names = list(params, 'AlarmNames', 100).map(String);
    const prefix = optionalText(params, 'AlarmNamePrefix', 255);
    const state = optionalText(params, 'StateValue');
    if (names.length && prefix !== undefined)
      throw new ServiceError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be given together.');
    if (state && !['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(state))
      throw invalidValue('The parameter StateValue must be OK, ALARM or INSUFFICIENT_DATA.');
    const types = list(params, 'AlarmTypes').map(String);
    const matching = this.all.filter(
      (s) =>
        (!names.length || names.includes(s.spec.name)) &&
        (prefix === undefined || s.spec.name.startsWith(prefix)) &&
        (!state || s.state === state),
    );
    const wanted = types.length === 0 || types.includes('MetricAlarm') ? matching : [];
    const { items, next } = page(wanted, maxRecords(params, 50), optionalText(params, 'NextToken'));
    return { MetricAlarms: items.map(describeAlarm), CompositeAlarms: [], ...(next && { NextToken: next }) };
  }

  /** DescribeAlarmHistory: newest first unless ScanBy says TimestampAscending. */
  describeHistory(params: Params) {
    const name = optionalText(params, 'AlarmName', 255);
    const type = optionalText(params, 'HistoryItemType');
    const from = optionalTime(params, 'StartDate') ?? 0;
    const to = optionalTime(params, 'EndDate') ?? Infinity;
    const ascending = optionalText(params, 'ScanBy') === 'TimestampAscending';
    const items = this.history.filter(
      (h) =>
        (!name || h.AlarmName === name) &&
        (!type || h.HistoryItemType === type) &&
        h.Timestamp >= from &&
        h.Timestamp <= to,
    );
    if (!ascending) items.reverse();
    const { items: shown, next } = page(items, maxRecords(params, 100), optionalText(params, 'NextToken'));
    return {
      AlarmHistoryItems: shown.map((h) => ({ ...h, Timestamp: new Date(h.Timestamp) })),
      ...(next && { NextToken: next }),
    };
  }
}

const describeAlarm = (s: AlarmStatus) => {
  const p = s.spec.properties;
  return {
    AlarmName: s.spec.name,
    AlarmArn: s.spec.arn,
    ...(s.spec.description && { AlarmDescription: s.spec.description }),
    AlarmConfigurationUpdatedTimestamp: new Date(s.configured),
    ActionsEnabled: s.spec.actionsEnabled,
    OKActions: p.OKActions ?? [],
    AlarmActions: p.AlarmActions ?? [],
    InsufficientDataActions: p.InsufficientDataActions ?? [],
    StateValue: s.state,
    StateReason: s.reason,
    ...(s.reasonData && { StateReasonData: s.reasonData }),
    StateUpdatedTimestamp: new Date(s.updated),
    StateTransitionedTimestamp: new Date(s.transitioned),
    ...(s.spec.metric && {
      MetricName: s.spec.metric.id.name,
      Namespace: s.spec.metric.id.namespace,
      ...(/^p/.test(s.spec.metric.stat)
        ? { ExtendedStatistic: s.spec.metric.stat }
        : { Statistic: s.spec.metric.stat }),
      Dimensions: Object.entries(s.spec.metric.id.dimensions).map(([Name, Value]) => ({ Name, Value })),
      Period: s.spec.periodSeconds,
      ...(s.spec.metric.unit && { Unit: s.spec.metric.unit }),
    }),
    ...(s.spec.queries && { Metrics: p.Metrics }),
    EvaluationPeriods: s.spec.evaluationPeriods,
    DatapointsToAlarm: s.spec.datapointsToAlarm,
    Threshold: s.spec.threshold,
    ComparisonOperator: s.spec.comparison,
    TreatMissingData: s.spec.treatMissingData,
  };
};
