import { ServiceError } from '../support/errors';
import {
  dimensions,
  invalidValue,
  list,
  missing,
  number,
  objects,
  optionalNumber,
  optionalObject,
  optionalText,
  optionalTime,
  page,
  type Params,
  text,
} from './input';
import { checkPeriod, getMetricData, metricOf, rangeOf } from './query';
import type { CloudWatchService } from './service';
import { aggregate, isStatistic, type MetricDatum, statistic } from './store';

const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

const unitOf = (params: Params): string | undefined => {
  const unit = optionalText(params, 'Unit');
  if (unit !== undefined && !UNITS.has(unit))
    throw invalidValue(`The parameter Unit must be a CloudWatch unit (Seconds, Milliseconds, Count …), not ${unit}.`);
  return unit;
};

/** One member of PutMetricData's MetricData, checked as CloudWatch checks it. */
const datum = (namespace: string, now: number, params: Params): MetricDatum => {
  const values = list(params, 'Values', 150).map((v) => number({ Values: v }, 'Values'));
  const counts = list(params, 'Counts', 150).map((c) => number({ Counts: c }, 'Counts'));
  const value = optionalNumber(params, 'Value');
  const stats = optionalObject(params, 'StatisticValues');
  if ([value !== undefined, values.length > 0, stats !== undefined].filter(Boolean).length !== 1) {
    throw new ServiceError(
      'InvalidParameterCombination',
      'Each metric datum has exactly one of Value, Values and StatisticValues.',
    );
  }
  if (counts.length && counts.length !== values.length)
    throw invalidValue('Values and Counts must have the same number of members.');
  const timestamp = optionalTime(params, 'Timestamp') ?? now;
  if (timestamp > now + 2 * 3600_000)
    throw invalidValue('The parameter MetricData.member.Timestamp must not be more than 2 hours in the future.');
  return {
    namespace,
    name: text(params, 'MetricName', 255),
    dimensions: dimensions(params),
    timestamp,
    unit: unitOf(params),
    ...(value !== undefined && { values: [value] }),
    ...(values.length > 0 && { values, ...(counts.length && { counts }) }),
    ...(stats && {
      statistics: {
        sampleCount: number(stats, 'SampleCount'),
        sum: number(stats, 'Sum'),
        minimum: number(stats, 'Minimum'),
        maximum: number(stats, 'Maximum'),
      },
    }),
  };
};

const putMetricData = (service: CloudWatchService, params: Params) => {
  const namespace = text(params, 'Namespace', 255);
  if (namespace.startsWith('AWS/'))
    throw invalidValue(
      'The value AWS/ for parameter Namespace is invalid: namespaces starting with AWS/ are reserved for AWS services.',
    );
  const data = objects(params, 'MetricData', 1000);
  if (data.length === 0) throw missing('MetricData');
  const now = service.store.now();
  // Every datum is checked before any is stored: a request is taken whole or not at all.
  service.put(data.map((member) => datum(namespace, now, member)));
  return {};
};

const getMetricStatistics = (service: CloudWatchService, params: Params) => {
  const metric = metricOf(params);
  const range = rangeOf(params);
  const periodMs = checkPeriod(number(params, 'Period')) * 1000;
  const statistics = list(params, 'Statistics', 5).map(String);
  const extended = list(params, 'ExtendedStatistics', 10).map(String);
  if (statistics.length + extended.length === 0) throw missing('Statistics');
  for (const stat of [...statistics, ...extended])
    if (!isStatistic(stat)) throw invalidValue(`The statistic ${stat} is not valid.`);
  const series = service.store.get(metric);
  const datapoints = series
    ? [...aggregate(series, range.start, range.end, periodMs)].map(([at, bucket]) => ({
        Timestamp: new Date(at),
        ...Object.fromEntries(statistics.map((stat) => [stat, statistic(bucket, stat)])),
        ...(extended.length && {
          ExtendedStatistics: Object.fromEntries(extended.map((stat) => [stat, statistic(bucket, stat) ?? 0])),
        }),
        Unit: series.unit ?? 'None',
      }))
    : [];
  return { Label: metric.name, Datapoints: datapoints };
};

const listMetrics = (service: CloudWatchService, params: Params) => {
  const namespace = optionalText(params, 'Namespace', 255);
  const name = optionalText(params, 'MetricName', 255);
  const wanted = dimensions(params, 'Dimensions', false);
  const recently = optionalText(params, 'RecentlyActive');
  if (recently !== undefined && recently !== 'PT3H') throw invalidValue('The parameter RecentlyActive must be PT3H.');
  const since = recently ? service.store.now() - 3 * 3600_000 : 0;
  const metrics = service.store
    .list(since)
    .filter(
      (s) =>
        (!namespace || s.namespace === namespace) &&
        (!name || s.name === name) &&
        Object.entries(wanted).every(([k, v]) => k in s.dimensions && (v === '' || s.dimensions[k] === v)),
    )
    .map((s) => ({
      Namespace: s.namespace,
      MetricName: s.name,
      Dimensions: Object.entries(s.dimensions).map(([Name, Value]) => ({ Name, Value })),
    }));
  const { items, next } = page(metrics, 500, optionalText(params, 'NextToken'));
  return { Metrics: items, ...(next && { NextToken: next }) };
};

const dashboardArn = (service: CloudWatchService, name: string) =>
  `arn:aws:cloudwatch::${service.accountId}:dashboard/${name}`;

const dashboardOps = {
  GetDashboard: (service: CloudWatchService, params: Params) => {
    const name = text(params, 'DashboardName', 255);
    const dashboard = service.dashboards.get(name);
    if (!dashboard) throw new ServiceError('ResourceNotFound', `Dashboard ${name} does not exist`, 404);
    return { DashboardArn: dashboardArn(service, name), DashboardBody: dashboard.body, DashboardName: name };
  },
  ListDashboards: (service: CloudWatchService, params: Params) => {
    const prefix = optionalText(params, 'DashboardNamePrefix', 255) ?? '';
    const entries = [...service.dashboards.values()]
      .filter((d) => d.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((d) => ({
        DashboardName: d.name,
        DashboardArn: dashboardArn(service, d.name),
        LastModified: new Date(d.modified),
        Size: Buffer.byteLength(d.body),
      }));
    const { items, next } = page(entries, 1000, optionalText(params, 'NextToken'));
    return { DashboardEntries: items, ...(next && { NextToken: next }) };
  },
  PutDashboard: (service: CloudWatchService, params: Params) => {
    const name = text(params, 'DashboardName', 255);
    if (!/^[A-Za-z0-9_-]+$/.test(name))
      throw new ServiceError(
        'InvalidParameterInput',
        'The dashboard name may hold only letters, digits, dashes and underscores.',
      );
    const body = text(params, 'DashboardBody', 1024 * 1024);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ServiceError('InvalidParameterInput', 'The field DashboardBody must be a valid JSON object');
    }
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { widgets?: unknown }).widgets)) {
      throw new ServiceError('InvalidParameterInput', 'The dashboard body must be a JSON object with a widgets array');
    }
    service.dashboards.set(name, { name, body, modified: service.store.now() });
    return { DashboardValidationMessages: [] };
  },
};

/** Every operation the local CloudWatch serves, by name: each takes the request's parameters and answers its result. */
export const OPERATIONS: Record<string, (service: CloudWatchService, params: Params) => object> = {
  PutMetricData: putMetricData,
  GetMetricData: (service, params) => getMetricData(service.store, params),
  GetMetricStatistics: getMetricStatistics,
  ListMetrics: listMetrics,
  DescribeAlarms: (service, params) => service.alarms.describe(params),
  DescribeAlarmHistory: (service, params) => service.alarms.describeHistory(params),
  ...dashboardOps,
};
