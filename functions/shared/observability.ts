import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** One logger and one metrics instance per function, shared by its modules. */
export const logger = new Logger();

const NO_METRICS = /^No application metrics to publish/;
/**
 * Where Powertools' metrics write their own notes: our logger, as structured lines. Its note that an
 * invocation published no application metric is no warning here (a read, or a step that emits only
 * single metrics, has none), so it goes to debug rather than stderr, where it read as an ERROR line.
 */
const text = (content: unknown[]) => content.map(String).join(' ');
const metricsNotes = {
  debug: (...content: unknown[]) => logger.debug(text(content)),
  info: (...content: unknown[]) => logger.info(text(content)),
  warn: (...content: unknown[]) => {
    const message = text(content);
    if (NO_METRICS.test(message)) logger.debug(message);
    else logger.warn(message);
  },
  error: (...content: unknown[]) => logger.error(text(content)),
};

export const metrics = new Metrics({ namespace: 'ServerlessShop', logger: metricsNotes });
export { MetricUnit };

/** Emits a metric with one extra dimension, in its own EMF blob so dimensions do not leak. */
export const countBy = (name: string, dimension: string, value: string): void => {
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, 1);
};
