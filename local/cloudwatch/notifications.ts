import { type AnyAlarmStatus, isComposite, iso, type StateChange } from './alarm-status';
import type { Params } from './input';

/** The Region's name as CloudWatch writes it in a notification (`US East (N. Virginia)`). */
const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'ca-central-1': 'Canada (Central)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-west-3': 'EU (Paris)',
  'eu-central-1': 'EU (Frankfurt)',
  'eu-north-1': 'EU (Stockholm)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'sa-east-1': 'South America (Sao Paulo)',
};

export const regionName = (region: string): string => REGION_NAMES[region] ?? region;

/** SNS refuses a Subject over 100 characters. */
const SUBJECT_LIMIT = 100;

/** `{ Name, Value }` dimensions as a notification writes them: `{ value, name }`. */
const lowerDimensions = (dimensions: unknown) =>
  (Array.isArray(dimensions) ? (dimensions as Params[]) : []).map((d) => ({
    value: String(d.Value),
    name: String(d.Name),
  }));

/** A metric math alarm's queries, as its notification's Trigger lists them. */
const triggerMetrics = (metrics: Params[]) =>
  metrics.map((m) => {
    const stat = m.MetricStat as Params | undefined;
    const metric = stat?.Metric as Params | undefined;
    return {
      ...(m.Expression !== undefined && { Expression: m.Expression }),
      Id: m.Id,
      ...(m.Label !== undefined && { Label: m.Label }),
      ...(stat &&
        metric && {
          MetricStat: {
            Metric: {
              Dimensions: lowerDimensions(metric.Dimensions),
              MetricName: metric.MetricName,
              Namespace: metric.Namespace,
            },
            Period: Number(stat.Period),
            Stat: stat.Stat,
            ...(stat.Unit !== undefined && { Unit: stat.Unit }),
          },
        }),
      ReturnData: m.ReturnData !== false && m.ReturnData !== 'false',
    };
  });

/** What a metric alarm's notification says set it off: its metric and statistic, or its queries, and its condition. */
const trigger = (status: Exclude<AnyAlarmStatus, { triggering: unknown }>) => {
  const { spec } = status;
  const condition = {
    Period: spec.periodSeconds,
    EvaluationPeriods: spec.evaluationPeriods,
    DatapointsToAlarm: spec.datapointsToAlarm,
    ComparisonOperator: spec.comparison,
    Threshold: spec.threshold,
    TreatMissingData: spec.treatMissingData,
    EvaluateLowSampleCountPercentile: '',
  };
  if (!spec.metric) return { ...condition, Metrics: triggerMetrics(spec.properties.Metrics as Params[]) };
  const extended = /^p/.test(spec.metric.stat);
  return {
    MetricName: spec.metric.id.name,
    Namespace: spec.metric.id.namespace,
    StatisticType: extended ? 'ExtendedStatistic' : 'Statistic',
    ...(extended ? { ExtendedStatistic: spec.metric.stat } : { Statistic: spec.metric.stat.toUpperCase() }),
    Unit: spec.metric.unit ?? null,
    Dimensions: Object.entries(spec.metric.id.dimensions).map(([name, value]) => ({ value, name })),
    ...condition,
  };
};

/**
 * The message CloudWatch publishes to an alarm's SNS actions when it changes state, and its Subject
 * (`ALARM: "name" in US East (N. Virginia)`): the schema of "Schema of Amazon SNS notifications when
 * alarms change state", a metric alarm's with its Trigger, a composite's with its AlarmRule and
 * TriggeringChildren.
 */
export const alarmNotification = (
  { status, previous, at }: StateChange,
  { accountId, region }: { accountId: string; region: string },
): { subject: string; message: Record<string, unknown> } => {
  const { spec } = status;
  const p = spec.properties;
  const list = (key: string) => (Array.isArray(p[key]) ? (p[key] as unknown[]).map(String) : []);
  const head = {
    AlarmName: spec.name,
    AlarmDescription: spec.description ?? null,
    AWSAccountId: accountId,
  };
  const state = {
    NewStateValue: status.state,
    NewStateReason: status.reason,
    StateChangeTime: iso(at),
    Region: regionName(region),
    AlarmArn: spec.arn,
  };
  const actions = {
    OKActions: list('OKActions'),
    AlarmActions: list('AlarmActions'),
    InsufficientDataActions: list('InsufficientDataActions'),
  };
  const message = isComposite(status)
    ? {
        ...head,
        ...state,
        ...actions,
        OldStateValue: previous.state,
        AlarmRule: status.spec.rule,
        TriggeringChildren: status.triggering.map((t) => ({
          Arn: t.arn,
          State: { Value: t.state, Timestamp: iso(t.timestamp) },
        })),
      }
    : {
        ...head,
        AlarmConfigurationUpdatedTimestamp: iso(status.configured),
        ...state,
        OldStateValue: previous.state,
        ...actions,
        Trigger: trigger(status),
      };
  const subject = `${status.state}: "${spec.name}" in ${regionName(region)}`;
  return {
    subject: subject.length > SUBJECT_LIMIT ? `${subject.slice(0, SUBJECT_LIMIT - 1)}…` : subject,
    message,
  };
};

/** The time around a change worth looking at: the periods the alarm evaluated (15 minutes for a composite), to a minute after. */
export const alertWindow = ({ status, at }: StateChange): { start: number; end: number } => {
  const span = isComposite(status) ? 15 * 60_000 : status.spec.periodSeconds * status.spec.evaluationPeriods * 1000;
  return { start: at - Math.max(span, 5 * 60_000), end: at + 60_000 };
};
