/**
 * CloudWatch embedded metric format (EMF): the JSON records Powertools Metrics prints. One record
 * carries metric directives under `_aws`; its top-level members hold the dimension and metric values.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

/** One metric of one dimension set, as CloudWatch would store it from an EMF record. */
export interface EmfMetric {
  namespace: string;
  name: string;
  unit?: string;
  /** 1 (high resolution) or 60 (standard). */
  storageResolution?: number;
  timestamp: number;
  dimensions: Record<string, string>;
  values: number[];
}

interface MetricDirective {
  Namespace?: unknown;
  Dimensions?: unknown;
  Metrics?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JSON object on a log line, if it is one; Lambda may prefix lines with a timestamp and request id. */
export const jsonOnLine = (line: string): Record<string, unknown> | undefined => {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    const value: unknown = JSON.parse(line.slice(start));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The metrics an EMF record declares: one per metric and dimension set. Anything that does not
 * follow the specification (a missing value, a dimension that is not a string) is left out, as
 * CloudWatch leaves it out.
 */
export const metricsOfEmf = (record: Record<string, unknown>): EmfMetric[] => {
  const aws = record._aws;
  if (!isRecord(aws) || !Array.isArray(aws.CloudWatchMetrics)) return [];
  const timestamp = typeof aws.Timestamp === 'number' ? aws.Timestamp : Date.now();
  const metrics: EmfMetric[] = [];
  for (const directive of aws.CloudWatchMetrics as MetricDirective[]) {
    if (typeof directive?.Namespace !== 'string' || !Array.isArray(directive.Metrics)) continue;
    const dimensionSets =
      Array.isArray(directive.Dimensions) && directive.Dimensions.length > 0
        ? (directive.Dimensions as unknown[])
        : [[]];
    for (const set of dimensionSets) {
      if (!Array.isArray(set) || !set.every((name) => typeof name === 'string' && typeof record[name] === 'string'))
        continue;
      const dimensions = Object.fromEntries((set as string[]).map((name) => [name, record[name] as string]));
      for (const metric of directive.Metrics as { Name?: unknown; Unit?: unknown; StorageResolution?: unknown }[]) {
        if (typeof metric?.Name !== 'string') continue;
        const raw = record[metric.Name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter(
          (v): v is number => typeof v === 'number' && Number.isFinite(v),
        );
        if (values.length === 0) continue;
        metrics.push({
          namespace: directive.Namespace,
          name: metric.Name,
          ...(typeof metric.Unit === 'string' && { unit: metric.Unit }),
          ...(typeof metric.StorageResolution === 'number' && { storageResolution: metric.StorageResolution }),
          timestamp,
          dimensions,
          values,
        });
      }
    }
  }
  return metrics;
};
