import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** One logger and one metrics instance per function, shared by its modules. */
export const logger = new Logger();
export const metrics = new Metrics({ namespace: 'ServerlessShop' });
export { MetricUnit };

/** Emits a metric with one extra dimension, in its own EMF blob so dimensions do not leak. */
export const countBy = (name: string, dimension: string, value: string): void => {
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, 1);
};
