import { ServiceError } from '../support/errors';
import type { AlarmStatus, AnyAlarmStatus, CompositeStatus, HistoryItem } from './alarm-status';
import { ruleChildren } from './composite';
import { invalidValue, list, optionalNumber, optionalText, optionalTime, page, type Params } from './input';

/** What DescribeAlarms reads of the alarms. */
interface AlarmSet {
  all: AlarmStatus[];
  composites: CompositeStatus[];
  find(nameOrArn: string): AnyAlarmStatus | undefined;
}

const TYPES = ['MetricAlarm', 'CompositeAlarm'];

/** MaxRecords: 1 to 100. */
const maxRecords = (params: Params, fallback: number) => {
  const value = optionalNumber(params, 'MaxRecords') ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > 100)
    throw invalidValue('The parameter MaxRecords must be a whole number from 1 to 100.');
  return value;
};

/** AlarmTypes: MetricAlarm, CompositeAlarm or both; without it, metric alarms only (as CloudWatch answers). */
const alarmTypes = (params: Params): string[] => {
  const types = list(params, 'AlarmTypes', 2).map(String);
  for (const type of types)
    if (!TYPES.includes(type)) throw invalidValue('The parameter AlarmTypes must hold MetricAlarm or CompositeAlarm.');
  return types.length ? types : ['MetricAlarm'];
};

/** The alarms that ChildrenOfAlarmName or ParentsOfAlarmName ask for, or undefined when neither is given. */
const related = (alarms: AlarmSet, params: Params): Set<string> | undefined => {
  const children = optionalText(params, 'ChildrenOfAlarmName', 255);
  const parents = optionalText(params, 'ParentsOfAlarmName', 255);
  if (children === undefined && parents === undefined) return undefined;
  if (children !== undefined) {
    const composite = alarms.composites.find((c) => c.spec.name === children);
    return new Set(
      composite ? ruleChildren(composite.spec.parsed).map((name) => alarms.find(name)?.spec.name ?? name) : [],
    );
  }
  const child = alarms.find(parents!);
  return new Set(
    alarms.composites
      .filter((c) => child && ruleChildren(c.spec.parsed).some((name) => alarms.find(name) === child))
      .map((c) => c.spec.name),
  );
};

/** DescribeAlarms: by names, name prefix, state, type, or the children or parents of an alarm. */
export const describeAlarms = (alarms: AlarmSet, params: Params) => {
  const names = list(params, 'AlarmNames', 100).map(String);
  const prefix = optionalText(params, 'AlarmNamePrefix', 255);
  const state = optionalText(params, 'StateValue');
  if (names.length && prefix !== undefined)
    throw new ServiceError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be given together.');
  if (state && !['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(state))
    throw invalidValue('The parameter StateValue must be OK, ALARM or INSUFFICIENT_DATA.');
  const types = alarmTypes(params);
  const family = related(alarms, params);
  const matches = (s: AnyAlarmStatus) =>
    (!names.length || names.includes(s.spec.name)) &&
    (prefix === undefined || s.spec.name.startsWith(prefix)) &&
    (!state || s.state === state) &&
    (!family || family.has(s.spec.name));
  const wanted: AnyAlarmStatus[] = [
    ...(types.includes('MetricAlarm') ? alarms.all.filter(matches) : []),
    ...(types.includes('CompositeAlarm') ? alarms.composites.filter(matches) : []),
  ];
  const { items, next } = page(wanted, maxRecords(params, 50), optionalText(params, 'NextToken'));
  return {
    MetricAlarms: items.filter((s): s is AlarmStatus => !('rule' in s.spec)).map(describeAlarm),
    CompositeAlarms: items.filter((s): s is CompositeStatus => 'rule' in s.spec).map(describeComposite),
    ...(next && { NextToken: next }),
  };
};

/** DescribeAlarmHistory: newest first unless ScanBy says TimestampAscending; metric alarms' only unless AlarmTypes says otherwise. */
export const describeHistory = (history: HistoryItem[], params: Params) => {
  const name = optionalText(params, 'AlarmName', 255);
  const type = optionalText(params, 'HistoryItemType');
  if (type && !['ConfigurationUpdate', 'StateUpdate', 'Action'].includes(type))
    throw invalidValue('The parameter HistoryItemType must be ConfigurationUpdate, StateUpdate or Action.');
  const types = alarmTypes(params);
  const from = optionalTime(params, 'StartDate') ?? 0;
  const to = optionalTime(params, 'EndDate') ?? Infinity;
  const ascending = optionalText(params, 'ScanBy') === 'TimestampAscending';
  const items = history.filter(
    (h) =>
      (!name || h.AlarmName === name) &&
      (!type || h.HistoryItemType === type) &&
      types.includes(h.AlarmType) &&
      h.Timestamp >= from &&
      h.Timestamp <= to,
  );
  if (!ascending) items.reverse();
  const { items: shown, next } = page(items, maxRecords(params, 100), optionalText(params, 'NextToken'));
  return {
    AlarmHistoryItems: shown.map((h) => ({ ...h, Timestamp: new Date(h.Timestamp) })),
    ...(next && { NextToken: next }),
  };
};

/** What both kinds of alarm answer: name, ARN, actions, state. */
const common = (s: AnyAlarmStatus) => {
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
  };
};

const describeComposite = (s: CompositeStatus) => ({
  ...common(s),
  AlarmRule: s.spec.rule,
  ActionsSuppressedBy: 'None',
});

const describeAlarm = (s: AlarmStatus) => ({
  ...common(s),
  ...(s.spec.metric && {
    MetricName: s.spec.metric.id.name,
    Namespace: s.spec.metric.id.namespace,
    ...(/^p/.test(s.spec.metric.stat) ? { ExtendedStatistic: s.spec.metric.stat } : { Statistic: s.spec.metric.stat }),
    Dimensions: Object.entries(s.spec.metric.id.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Period: s.spec.periodSeconds,
    ...(s.spec.metric.unit && { Unit: s.spec.metric.unit }),
  }),
  ...(s.spec.queries && { Metrics: s.spec.properties.Metrics }),
  EvaluationPeriods: s.spec.evaluationPeriods,
  DatapointsToAlarm: s.spec.datapointsToAlarm,
  Threshold: s.spec.threshold,
  ComparisonOperator: s.spec.comparison,
  TreatMissingData: s.spec.treatMissingData,
});
