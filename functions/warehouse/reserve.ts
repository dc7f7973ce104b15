import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { ReserveInput } from '#shared/contracts';
import { OutOfStock } from '#shared/errors';
import { taskHandler } from '#shared/handler';
import { logger } from '#shared/observability';
import { parseTask } from '#shared/schemas';
import { DynamoWarehouseStore } from './store';

const store = new DynamoWarehouseStore(documentClient, env('WAREHOUSE_TABLE'));

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
