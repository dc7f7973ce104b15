import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import fixture from '../events/create-order.json';
import { makeCreateOrderHandler } from '../../functions/order/create-order-api';
import type { Order } from '../../functions/order/domain';
import { fakeContext } from '../support/lambda';
import { match } from '../support/matchers';
import { InProcessCatalogue, InProcessSaga, stores, uniqueSku, uniqueUser } from '../support/shop';
import { createShopTables, deleteShopTables } from '../support/tables';
import { productAndSlot } from './fixtures';

/** POST /orders through its real handler: Powertools idempotency on DynamoDB Local, the real saga in-process. */
const shop = stores();
const saga = new InProcessSaga();
const handler = makeCreateOrderHandler({
  store: shop.orders,
  catalogue: new InProcessCatalogue(),
  saga,
  persistenceStore: new DynamoDBPersistenceLayer({ tableName: process.env.IDEMPOTENCY_TABLE! }),
});

let sku: string;
let slotId: string;

beforeAll(async () => {
  await createShopTables();
  ({ sku, slotId } = await productAndSlot(1500));
});
afterAll(deleteShopTables);

/** An error's body, as the handlers answer it. */
interface ErrorBody {
  error: string;
  message: string;
}

/** POST /orders as `user`; `json` is the body the caller expects: the order, unless it names another. */
const post = async <T = Order>(
  user: string,
  body: unknown,
  key: string | null = randomUUID(),
): Promise<APIGatewayProxyResult & { json: T }> => {
  const event = structuredClone(fixture) as unknown as APIGatewayProxyEvent;
  event.headers = { 'Content-Type': 'application/json', ...(key !== null && { 'Idempotency-Key': key }) };
  // As the authorizer passes it: the caller, their roles, and the token's exp (checked on every request).
  event.requestContext.authorizer = {
    sub: user,
    username: user,
    roles: 'customer',
    exp: Math.floor(Date.now() / 1000) + 300,
  };
  event.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await handler(event, fakeContext('create-order'));
  const json: unknown = JSON.parse(response.body);
  return { ...response, json: json as T };
};

const basket = (quantity = 1) => ({ items: [{ sku, quantity }], delivery: { slotId, address: '1 Tea Street' } });

test('the first request creates the order (201) and starts its saga', async () => {
  const user = uniqueUser('alice');
  await shop.billing.deposit(user, 10_000);

  const response = await post(user, basket(2));

  expect(response.statusCode).toBe(201);
  expect(response.json).toMatchObject({
    userId: user,
    status: 'PENDING',
    total: 3000,
    currency: 'USD',
    items: [{ sku, quantity: 2, unitPrice: 1500 }],
  });
  expect(response.headers?.Location).toBe(`/orders/${response.json.orderId}`);
  await saga.run(response.json.orderId);
  expect((await shop.orders.get(response.json.orderId))!.status).toBe('COMPLETED');
});

test('a replay of the same key and body answers 200 with the same order and does no new work', async () => {
  const user = uniqueUser('alice');
  const key = randomUUID();
  const first = await post(user, basket(), key);
  await saga.run(first.json.orderId);
  const startsBefore = saga.runs.size;

  const replay = await post(user, basket(), key);

  expect(replay.statusCode).toBe(200);
  expect(replay.headers?.['Idempotent-Replayed']).toBe('true');
  expect(replay.json).toEqual(first.json);
  expect(saga.runs.size).toBe(startsBefore);
  expect((await shop.orders.listByUser(user, { limit: 10 })).items).toHaveLength(1);
});

test('the same key with another body answers 422', async () => {
  const user = uniqueUser('alice');
  const key = randomUUID();
  await post(user, basket(1), key);

  const response = await post(user, basket(3), key);

  expect(response.statusCode).toBe(422);
  expect(response.json).toEqual({ error: 'IDEMPOTENCY_KEY_REUSED', message: match.any(String) });
});

test('the same key from another user is another order', async () => {
  const key = randomUUID();
  const a = await post(uniqueUser('alice'), basket(), key);
  const b = await post(uniqueUser('bob'), basket(), key);
  expect(a.statusCode).toBe(201);
  expect(b.statusCode).toBe(201);
  expect(b.json.orderId).not.toBe(a.json.orderId);
});

test('a similar order under a new key within 5 minutes answers 409 with the existing order', async () => {
  const user = uniqueUser('alice');
  await shop.billing.deposit(user, 10_000);
  const first = await post(user, {
    items: [
      { sku, quantity: 1 },
      { sku, quantity: 1 },
    ],
    delivery: { slotId, address: 'a' },
  });

  const second = await post(user, { items: [{ sku, quantity: 2 }], delivery: { slotId, address: 'b' } });

  expect(second.statusCode).toBe(409);
  expect(second.json).toMatchObject({ error: 'DUPLICATE_ORDER', order: { orderId: first.json.orderId } });
});

test('once the similar order was cancelled, the same basket may be ordered again', async () => {
  const user = uniqueUser('bob'); // no balance: the first order is declined and cancelled
  const first = await post(user, basket());
  await saga.run(first.json.orderId);
  expect((await shop.orders.get(first.json.orderId))!.status).toBe('CANCELLED');

  expect((await post(user, basket())).statusCode).toBe(201);
});

test('concurrent requests with one key give exactly one order; the others are 200 or 409', async () => {
  const user = uniqueUser('alice');
  const key = randomUUID();

  const responses = await Promise.all(Array.from({ length: 5 }, () => post(user, basket(), key)));

  const codes = responses.map((r) => r.statusCode).sort();
  expect(codes.filter((c) => c === 201)).toHaveLength(1);
  expect(codes.every((c) => [200, 201, 409].includes(c))).toBe(true);
  expect((await shop.orders.listByUser(user, { limit: 10 })).items).toHaveLength(1);
});

test.each([
  ['no Idempotency-Key', { items: [] }, null, 'MISSING_IDEMPOTENCY_KEY'],
  ['a malformed Idempotency-Key', { items: [] }, 'has spaces in it', 'INVALID_IDEMPOTENCY_KEY'],
  ['a body that is not JSON', '{not json', 'k1', 'INVALID_JSON'],
  ['no items', { items: [], delivery: { slotId: 'slot-1', address: 'a' } }, 'k2', 'VALIDATION_FAILED'],
  [
    'a fractional quantity',
    { items: [{ sku: 'SKU-A', quantity: 1.5 }], delivery: { slotId: 'slot-1', address: 'a' } },
    'k3',
    'VALIDATION_FAILED',
  ],
  ['no delivery', { items: [{ sku: 'SKU-A', quantity: 1 }] }, 'k4', 'VALIDATION_FAILED'],
])('%s answers 400', async (_, body, key, code) => {
  const response = await post(uniqueUser('alice'), body, key);
  expect(response.statusCode).toBe(400);
  expect(response.json).toEqual({ error: code, message: match.any(String) });
});

test('an unknown product answers 400 and creates nothing', async () => {
  const user = uniqueUser('alice');
  const unknown = uniqueSku();
  const response = await post(user, { items: [{ sku: unknown, quantity: 1 }], delivery: { slotId, address: 'a' } });
  expect(response.statusCode).toBe(400);
  expect(response.json).toMatchObject({ error: 'UNKNOWN_PRODUCT', skus: [unknown] });
  expect((await shop.orders.listByUser(user, { limit: 10 })).items).toEqual([]);
});

test('a field error names the field', async () => {
  const response = await post<ErrorBody>(uniqueUser('alice'), {
    items: [{ sku: 'SKU-A', quantity: 0 }],
    delivery: { slotId, address: 'a' },
  });
  expect(response.json.message).toContain('items.0.quantity');
});
