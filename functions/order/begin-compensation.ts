import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { CompensationInput } from '#shared/contracts';
import { taskHandler } from '#shared/handler';
import { logger, metrics, MetricUnit } from '#shared/observability';
import { parseTask } from '#shared/schemas';
import { OrderAlreadyCompleted } from './domain';
import { DynamoOrderStore } from './store';

const store = new DynamoOrderStore(documentClient, env('ORDERS_TABLE'));

/**
 * Saga step, first on every compensation path: fences the order, so that no forward status can land
 * from now on. A COMPLETED order refuses with OrderAlreadyCompleted, which sends the saga back to its
 * success end: its CompleteOrder landed even though Step Functions never heard so.
 */
export const handler = taskHandler(async (event: unknown) => {
  const { orderId } = parseTask(CompensationInput, event);
  try {
    const order = await store.beginCompensation(orderId);
    return { orderId, status: order.status };
  } catch (error) {
    if (error instanceof OrderAlreadyCompleted) {
      metrics.addMetric('CompensationsRefused', MetricUnit.Count, 1);
      logger.warn('Compensation of a completed order refused', { orderId });
    }
    throw error;
  }
});
