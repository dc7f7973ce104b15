import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { taskHandler } from '#shared/handler';
import { logger } from '#shared/observability';
import { OrderId, parseTask } from '#shared/schemas';
import * as z from '#shared/zod';
import { FAILURE_REASONS, ORDER_STATUSES } from './status';
import { recordStatusMetrics } from './status-metrics';
import { DynamoOrderStore } from './store';

const store = new DynamoOrderStore(documentClient, env('ORDERS_TABLE'));

const UpdateInput = z.object({
  orderId: OrderId,
  status: z.enum(ORDER_STATUSES),
  reason: z.optional(z.enum(FAILURE_REASONS)),
  cause: z.optional(z.string()),
  compensations: z.optional(
    z.object({
      cancelDelivery: z.optional(z.object({ cancelled: z.boolean() })),
      release: z.optional(z.object({ released: z.boolean() })),
      refund: z.optional(z.object({ refunded: z.boolean(), amount: z.number() })),
    }),
  ),
});

/**
 * Saga step: move the order to its next status and record it in the history, once. A status the
 * order holds or has held is a no-op that answers the order as it is; an illegal move fails, with
 * a named error where the saga routes on it (see the errors of ./domain).
 */
export const handler = taskHandler(async (event: unknown) => {
  const update = parseTask(UpdateInput, event);
  const { order, changed } = await store.applyStatus(update.orderId, update);
  if (changed) {
    logger.info('Order status changed', { orderId: order.orderId, status: order.status, reason: order.failureReason });
    recordStatusMetrics(order);
  }
  return { orderId: order.orderId, status: order.status };
});
