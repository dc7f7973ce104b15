import { z } from 'zod';
import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { BadRequest } from '#shared/errors';
import { httpHandler } from '#shared/handler';
import { json, parseBody, pathParam } from '#shared/http';
import { identityOf } from '#shared/identity';
import { Cents, SKU_PATTERN } from '#shared/schemas';
import { toView } from './domain';
import { DynamoWarehouseStore } from './store';

const store = new DynamoWarehouseStore(documentClient, env('WAREHOUSE_TABLE'));

const ProductRequest = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  price: Cents.optional(),
  stock: z.number().int('stock must be a whole number').min(0).max(1_000_000),
});

/** Admin: create a product or set its name, price and stock. */
export const handler = httpHandler(async (event) => {
  await identityOf(event, 'admin');
  const sku = pathParam(event, 'sku', SKU_PATTERN);
  const change = parseBody(event, ProductRequest);
  const product = await store.putProduct(sku, change);
  if (!product) throw new BadRequest(`Product ${sku} does not exist yet: name and price are required to create it`, 'VALIDATION_FAILED');
  return json(200, toView(product));
});
