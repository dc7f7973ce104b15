import { z } from 'zod';
import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { taskHandler } from '#shared/handler';
import { OrderLine, parseTask } from '#shared/schemas';
import { quote } from './domain';
import { DynamoWarehouseStore } from './store';

const store = new DynamoWarehouseStore(documentClient, env('WAREHOUSE_TABLE'));

const QuoteInput = z.object({ items: z.array(OrderLine).min(1).max(50) });

/** Internal: prices a basket for the Order service, which owns no catalogue of its own. */
export const handler = taskHandler(async (event: unknown) => {
  const { items } = parseTask(QuoteInput, event);
  const catalogue = await store.getProducts(items.map(({ sku }) => sku));
  return quote(items, catalogue);
});
