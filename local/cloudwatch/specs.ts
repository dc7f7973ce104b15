import type { StackModel } from '../cloudformation/model';
import { parseAlarmRule, type RuleNode } from './composite';
import { type Params } from './input';
import { checkPeriod, metricOf, type MetricQuery, parseQuery } from './query';
import { isStatistic, type MetricId } from './store';

export type Comparison =
  'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

/** A metric alarm as the template defines it: one metric and statistic, or metric math (`Metrics`). */
export interface AlarmSpec {
  name: string;
  arn: string;
  description?: string;
  actionsEnabled: boolean;
  metric?: { id: MetricId; stat: string; unit?: string };
  queries?: MetricQuery[];
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: Comparison;
  treatMissingData: TreatMissingData;
  /** The alarm's properties as the template resolves them, for DescribeAlarms. */
  properties: Params;
}

/** A composite alarm (AWS::CloudWatch::CompositeAlarm): its rule over other alarms, parsed. */
export interface CompositeAlarmSpec {
  name: string;
  arn: string;
  description?: string;
  actionsEnabled: boolean;
  rule: string;
  parsed: RuleNode;
  /** The alarm's properties as the template resolves them (AlarmActions, OKActions, InsufficientDataActions). */
  properties: Params;
}

/** The actions of an alarm's properties for a state: AlarmActions, OKActions or InsufficientDataActions. */
export const actionsFor = (properties: Params, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'): string[] => {
  const key = state === 'ALARM' ? 'AlarmActions' : state === 'OK' ? 'OKActions' : 'InsufficientDataActions';
  const value = properties[key];
  return Array.isArray(value) ? value.map(String) : [];
};

export const compositeAlarmSpec = (name: string, arn: string, p: Params): CompositeAlarmSpec => {
  if (typeof p.AlarmRule !== 'string') throw new Error('AlarmRule must be a string');
  return {
    name,
    arn,
    ...(typeof p.AlarmDescription === 'string' && { description: p.AlarmDescription }),
    actionsEnabled: p.ActionsEnabled !== false && p.ActionsEnabled !== 'false',
    rule: p.AlarmRule,
    parsed: parseAlarmRule(p.AlarmRule),
    properties: p,
  };
};

export interface DashboardSpec {
  name: string;
  body: string;
}

const COMPARISONS: Comparison[] = [
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const TREATMENTS: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

/** One alarm from its resolved properties; throws when the local cloud cannot evaluate it (anomaly bands, composite). */
export const alarmSpec = (name: string, arn: string, p: Params): AlarmSpec => {
  const comparison = String(p.ComparisonOperator) as Comparison;
  if (!COMPARISONS.includes(comparison)) throw new Error(`comparison ${comparison} is not evaluated locally`);
  const treatMissingData = (p.TreatMissingData ?? 'missing') as TreatMissingData;
  if (!TREATMENTS.includes(treatMissingData))
    throw new Error(`TreatMissingData ${String(p.TreatMissingData)} is unknown`);
  const evaluationPeriods = Number(p.EvaluationPeriods);
  const base = {
    name,
    arn,
    ...(typeof p.AlarmDescription === 'string' && { description: p.AlarmDescription }),
    actionsEnabled: p.ActionsEnabled !== false && p.ActionsEnabled !== 'false',
    evaluationPeriods,
    datapointsToAlarm: Number(p.DatapointsToAlarm ?? evaluationPeriods),
    threshold: Number(p.Threshold),
    comparison,
    treatMissingData,
    properties: p,
  };
  if (
    !(evaluationPeriods >= 1) ||
    !(base.datapointsToAlarm >= 1 && base.datapointsToAlarm <= evaluationPeriods) ||
    !Number.isFinite(base.threshold)
  ) {
    throw new Error(
      'EvaluationPeriods, DatapointsToAlarm and Threshold must be numbers, with 1 ≤ DatapointsToAlarm ≤ EvaluationPeriods',
    );
  }
  if (Array.isArray(p.Metrics)) {
    const queries = (p.Metrics as Params[]).map(parseQuery);
    const returned = queries.filter((q) => q.returnData);
    if (returned.length !== 1) throw new Error('a metric math alarm returns exactly one query (ReturnData)');
    const periodSeconds =
      returned[0]!.stat?.periodSeconds ??
      returned[0]!.periodSeconds ??
      queries.find((q) => q.stat)?.stat?.periodSeconds ??
      300;
    return { ...base, queries, periodSeconds };
  }
  const stat =
    typeof p.Statistic === 'string' ? p.Statistic : typeof p.ExtendedStatistic === 'string' ? p.ExtendedStatistic : '';
  if (!isStatistic(stat)) throw new Error(`statistic ${stat} is not evaluated locally`);
  return {
    ...base,
    metric: { id: metricOf(p), stat, ...(typeof p.Unit === 'string' && { unit: p.Unit }) },
    periodSeconds: checkPeriod(Number(p.Period)),
  };
};

/**
 * The template's metric and composite alarms, resolved; each one the local cloud cannot evaluate is
 * named in `skipped`.
 */
export const alarmSpecs = (
  model: StackModel,
): { alarms: AlarmSpec[]; composites: CompositeAlarmSpec[]; skipped: string[] } => {
  const skipped: string[] = [];
  const read = <T>(type: string, spec: (name: string, arn: string, p: Params) => T): T[] =>
    model.ofType(type).flatMap(([logicalId, resource]) => {
      try {
        const properties = model.resolve(resource.Properties ?? {}) as Params;
        return [spec(model.physicalName(logicalId), String(model.getAtt(logicalId, 'Arn')), properties)];
      } catch (error) {
        skipped.push(`${logicalId}: ${(error as Error).message}`);
        return [];
      }
    });
  return {
    alarms: read('AWS::CloudWatch::Alarm', alarmSpec),
    composites: read('AWS::CloudWatch::CompositeAlarm', compositeAlarmSpec),
    skipped,
  };
};

/** The template's dashboards, their bodies resolved (CDK writes them as Fn::Join): the resource, or the PutDashboard custom resource. */
export const dashboardSpecs = (model: StackModel): DashboardSpec[] => [
  ...model.ofType('AWS::CloudWatch::Dashboard').map(([logicalId, resource]) => ({
    name: model.physicalName(logicalId),
    body: String(model.resolve(resource.Properties?.DashboardBody ?? '{}')),
  })),
  ...model.ofType('Custom::Dashboard').map(([, resource]) => ({
    name: String(model.resolve(resource.Properties?.DashboardName)),
    body: String(model.resolve(resource.Properties?.DashboardBody ?? '{}')),
  })),
];
