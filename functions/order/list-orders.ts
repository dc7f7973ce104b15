import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { httpHandler } from '#shared/handler';
import { json } from '#shared/http';
import { identityOf } from '#shared/identity';
import { DynamoOrderStore } from './store';

const store = new DynamoOrderStore(documentClient, env('ORDERS_TABLE'));

/** GET /orders: the caller's 50 most recent orders, newest first. */
export const handler = httpHandler(async (event) => {
  const { userId } = await identityOf(event);
  return json(200, await store.listByUser(userId, 50));
});
