import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { BadRequest } from '#shared/errors';
import { httpHandler } from '#shared/handler';
import { json, parseBody, pathParam } from '#shared/http';
import { identityOf } from '#shared/identity';
import { Cents, SKU_PATTERN } from '#shared/schemas';
import * as z from '#shared/zod';
import { toView } from './domain';
import { DynamoWarehouseStore } from './store';

const store = new DynamoWarehouseStore(documentClient, env('WAREHOUSE_TABLE'));

const ProductRequest = z.object({
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(120))),
  price: z.optional(Cents),
  stock: z.number().check(z.int('stock must be a whole number'), z.gte(0), z.lte(1_000_000)),
});

/** Admin: create a product or set its name, price and stock. */
export const handler = httpHandler(async (event) => {
  await identityOf(event, 'admin');
  const sku = pathParam(event, 'sku', SKU_PATTERN);
  const change = parseBody(event, ProductRequest);
  const product = await store.putProduct(sku, change);
  if (!product)
    throw new BadRequest(
      `Product ${sku} does not exist yet: name and price are required to create it`,
      'VALIDATION_FAILED',
    );
  return json(200, toView(product));
});
