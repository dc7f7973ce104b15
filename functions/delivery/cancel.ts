import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { CompensationInput } from '#shared/contracts';
import { taskHandler } from '#shared/handler';
import { countBy } from '#shared/observability';
import { parseTask } from '#shared/schemas';
import { DynamoDeliveryStore } from './store';

const store = new DynamoDeliveryStore(documentClient, env('DELIVERY_TABLE'));

/** Compensation: give the slot's place back once; a cancel with no booking is a no-op that blocks a late one. */
export const handler = taskHandler(async (event: unknown) => {
  const { orderId } = parseTask(CompensationInput, event);
  const outcome = await store.cancel(orderId);
  countBy('CompensationsRun', 'Compensation', 'CancelDelivery');
  return { orderId, ...outcome };
});
