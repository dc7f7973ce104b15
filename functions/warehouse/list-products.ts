import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { httpHandler } from '#shared/handler';
import { json } from '#shared/http';
import { toView } from './domain';
import { DynamoWarehouseStore } from './store';

const store = new DynamoWarehouseStore(documentClient, env('WAREHOUSE_TABLE'));

/** Public: the catalogue with what is available now. */
export const handler = httpHandler(async () => {
  const products = await store.listProducts();
  return json(200, products.map(toView));
});
