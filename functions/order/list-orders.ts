import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { httpHandler } from '#shared/handler';
import { identityOf } from '#shared/identity';
import { pageRequest, pageResponse } from '#shared/paging';
import { OrderCursor } from './cursor';
import { DynamoOrderStore } from './store';

const store = new DynamoOrderStore(documentClient, env('ORDERS_TABLE'));

/** GET /orders?limit=&nextToken=: a page of the caller's orders, newest first. */
export const handler = httpHandler(async (event) => {
  const { userId } = await identityOf(event);
  const page = pageRequest(event, 'orders', userId, OrderCursor);
  return pageResponse('orders', userId, await store.listByUser(userId, page));
});
