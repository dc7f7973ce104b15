import {
  CloudWatchClient,
  PutMetricDataCommand,
  type MetricDatum,
  type StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda';
import { gunzipSync } from 'node:zlib';
import { jsonOnLine, metricsOfEmf, type EmfMetric } from '#shared/emf';
import { logger } from '#shared/observability';

/** PutMetricData takes up to 1000 datums a call; CloudWatch takes up to 150 values in one datum. */
const DATUMS_PER_CALL = 1000;
const VALUES_PER_DATUM = 150;

const cloudwatch = new CloudWatchClient({});

export const decodeLogs = (event: CloudWatchLogsEvent): CloudWatchLogsDecodedData =>
  JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as CloudWatchLogsDecodedData;

const toDatums = (metric: EmfMetric): MetricDatum[] => {
  const datums: MetricDatum[] = [];
  for (let i = 0; i < metric.values.length; i += VALUES_PER_DATUM) {
    datums.push({
      MetricName: metric.name,
      Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
      Timestamp: new Date(metric.timestamp),
      Values: metric.values.slice(i, i + VALUES_PER_DATUM),
      ...(metric.unit && { Unit: metric.unit as StandardUnit }),
      ...(metric.storageResolution && { StorageResolution: metric.storageResolution }),
    });
  }
  return datums;
};

/** The PutMetricData requests that carry the EMF records of a batch of log events, by namespace. */
export const metricRequests = (messages: string[]): { Namespace: string; MetricData: MetricDatum[] }[] => {
  const byNamespace = new Map<string, MetricDatum[]>();
  for (const message of messages) {
    const record = jsonOnLine(message);
    if (!record) continue;
    for (const metric of metricsOfEmf(record)) {
      const datums = byNamespace.get(metric.namespace) ?? [];
      datums.push(...toDatums(metric));
      byNamespace.set(metric.namespace, datums);
    }
  }
  const requests: { Namespace: string; MetricData: MetricDatum[] }[] = [];
  for (const [Namespace, datums] of byNamespace) {
    for (let i = 0; i < datums.length; i += DATUMS_PER_CALL)
      requests.push({ Namespace, MetricData: datums.slice(i, i + DATUMS_PER_CALL) });
  }
  return requests;
};

/**
 * The EMF bridge, for targets that do not turn EMF log lines into metrics (LocalStack): a
 * subscription of every function's log group delivers the lines here, and their metrics go to
 * CloudWatch with PutMetricData, so the stack's dashboard and alarms see them. Off on AWS, where
 * CloudWatch Logs does this itself (context flag `emfBridge`).
 */
export const handler = async (event: CloudWatchLogsEvent): Promise<void> => {
  const logs = decodeLogs(event);
  if (logs.messageType !== 'DATA_MESSAGE') return;
  const requests = metricRequests(logs.logEvents.map((e) => e.message));
  for (const request of requests) await cloudwatch.send(new PutMetricDataCommand(request));
  if (requests.length > 0) {
    logger.debug('Metrics bridged', {
      logGroup: logs.logGroup,
      datums: requests.reduce((n, r) => n + r.MetricData.length, 0),
    });
  }
};
