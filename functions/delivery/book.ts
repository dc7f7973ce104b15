import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { BookInput } from '#shared/contracts';
import { DeliveryUnavailable } from '#shared/errors';
import { taskHandler } from '#shared/handler';
import { logger } from '#shared/observability';
import { parseTask } from '#shared/schemas';
import { DynamoDeliveryStore } from './store';

const store = new DynamoDeliveryStore(documentClient, env('DELIVERY_TABLE'));

/** Saga step: take one place in the slot, or fail with DeliveryUnavailable. */
export const handler = taskHandler(async (event: unknown) => {
  const { orderId, slotId, address } = parseTask(BookInput, event);
  const outcome = await store.book(orderId, slotId, address);
  if (outcome.kind === 'rejected') {
    logger.info('Booking rejected', { orderId, reason: outcome.reason });
    throw new DeliveryUnavailable(`Delivery could not be booked: ${outcome.reason}`);
  }
  return { orderId, slotId, booked: true };
});
