import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { httpHandler } from '#shared/handler';
import { json } from '#shared/http';
import { toView } from './domain';
import { DynamoDeliveryStore } from './store';

const store = new DynamoDeliveryStore(documentClient, env('DELIVERY_TABLE'));

/** Public: delivery slots from today on, with what remains of each. */
export const handler = httpHandler(async () => {
  const today = new Date().toISOString().slice(0, 10);
  const slots = await store.listSlots(today);
  return json(200, slots.map(toView));
});
