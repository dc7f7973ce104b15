import { countBy, metrics, MetricUnit } from '#shared/observability';
import { isTerminal, type Order } from './domain';

/** The business metrics of an order's new status: outcomes by kind and reason, and the saga's duration at its end. */
export const recordStatusMetrics = (order: Order): void => {
  const sagaSeconds = (Date.parse(order.updatedAt) - Date.parse(order.createdAt)) / 1000;
  if (order.status === 'COMPLETED') metrics.addMetric('OrdersCompleted', MetricUnit.Count, 1);
  if (order.status === 'CANCELLED') countBy('OrdersCancelled', 'Reason', order.failureReason ?? 'UNKNOWN');
  if (order.status === 'COMPENSATION_FAILED') metrics.addMetric('CompensationFailures', MetricUnit.Count, 1);
  if (isTerminal(order.status)) metrics.addMetric('SagaDuration', MetricUnit.Seconds, sagaSeconds);
};
