import { z } from 'zod';
import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { OutOfStock } from '#shared/errors';
import { taskHandler } from '#shared/handler';
import { logger } from '#shared/observability';
import { OrderId, OrderLine, parseTask } from '#shared/schemas';
import { DynamoWarehouseStore } from './store';

const store = new DynamoWarehouseStore(documentClient, env('WAREHOUSE_TABLE'));

const ReserveInput = z.object({ orderId: OrderId, items: z.array(OrderLine).min(1).max(50) });

/** Saga step: reserve every line of the order in one transaction, or none and fail with OutOfStock. */
export const handler = taskHandler(async (event: unknown) => {
  const { orderId, items } = parseTask(ReserveInput, event);
  const outcome = await store.reserve(orderId, items);
  if (outcome.kind === 'rejected') {
    logger.info('Reservation rejected', { orderId, reason: outcome.reason });
    throw new OutOfStock(`Items could not be reserved: ${outcome.reason}`);
  }
  return { orderId, reserved: true };
});
