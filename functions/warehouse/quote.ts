import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { parseContract, Quote, QuoteRequest } from '#shared/contracts';
import { taskHandler } from '#shared/handler';
import { parseTask } from '#shared/schemas';
import { quote } from './domain';
import { DynamoWarehouseStore } from './store';

const store = new DynamoWarehouseStore(documentClient, env('WAREHOUSE_TABLE'));

/** Internal: prices a basket for the Order service, which owns no catalogue of its own. */
export const handler = taskHandler(async (event: unknown) => {
  const { items } = parseTask(QuoteRequest, event);
  const catalogue = await store.getProducts(items.map(({ sku }) => sku));
  return parseContract('quote', Quote, quote(items, catalogue));
});
