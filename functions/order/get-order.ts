import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { NotFound } from '#shared/errors';
import { httpHandler } from '#shared/handler';
import { json, pathParam } from '#shared/http';
import { identityOf } from '#shared/identity';
import { DynamoOrderStore } from './store';

const store = new DynamoOrderStore(documentClient, env('ORDERS_TABLE'));

/** GET /orders/{orderId}: another buyer's order is answered exactly like a missing one. */
export const handler = httpHandler(async (event) => {
  const { userId } = await identityOf(event);
  const orderId = pathParam(event, 'orderId', /^[0-9a-f-]{36}$/);
  const order = await store.get(orderId);
  if (!order || order.userId !== userId) throw new NotFound(`Order ${orderId} was not found`);
  return json(200, order);
});
