import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { documentClient } from '../../functions/shared/clients';
import { createOrder } from '../../functions/order/create-order-service';
import type { FaultRuleInput } from '../../local/chaos/faults';
import { type Baseline, invariantChecker, type Violation } from '../support/invariants';
import { match } from '../support/matchers';
import { InProcessCatalogue, InProcessSaga, stores, uniqueSku, uniqueSlot, uniqueUser } from '../support/shop';
import { createShopTables, deleteShopTables } from '../support/tables';

/**
 * The invariant checker itself, on DynamoDB Local: quiet on a healthy shop, and it catches each kind
 * of violation in a state broken by hand. Each test takes its own baseline, so that what an earlier
 * test broke is part of the next one's baseline.
 */
const shop = stores();
const env = (name: string) => process.env[name]!;
const checker = invariantChecker({
  endpoint: env('AWS_ENDPOINT_URL_DYNAMODB'),
  tables: {
    billing: env('BILLING_TABLE'),
    warehouse: env('WAREHOUSE_TABLE'),
    delivery: env('DELIVERY_TABLE'),
    orders: env('ORDERS_TABLE'),
    notifications: env('NOTIFICATIONS_TABLE'),
  },
});

beforeAll(createShopTables);
afterAll(deleteShopTables);

const PRICE = 1000;

/** Prepare: a buyer with money and one without, a product with 10 in stock, a slot with room and a full one; then the baseline. */
const prepare = async () => {
  const world = {
    buyer: uniqueUser('buyer'),
    broke: uniqueUser('broke'),
    sku: uniqueSku(),
    openSlot: uniqueSlot(),
    fullSlot: uniqueSlot(),
  };
  await shop.billing.deposit(world.buyer, 100_000);
  await shop.warehouse.putProduct(world.sku, { name: 'Cup', price: PRICE, stock: 10 });
  await shop.delivery.putSlot({ slotId: world.openSlot, date: '2099-01-01', window: '09:00-12:00', capacity: 10 });
  await shop.delivery.putSlot({ slotId: world.fullSlot, date: '2099-01-01', window: '12:00-15:00', capacity: 0 });
  const baseline: Baseline = await checker.snapshot();
  return { ...world, baseline };
};
type World = Awaited<ReturnType<typeof prepare>>;

/** Act: an order through the real create logic and saga, to its end; answers its id. */
const place = async (userId: string, sku: string, quantity: number, slotId: string, faults: FaultRuleInput[] = []) => {
  const saga = new InProcessSaga(faults);
  const request = { items: [{ sku, quantity }], delivery: { slotId, address: '1 Test Street' } };
  const order = await createOrder(
    { store: shop.orders, catalogue: new InProcessCatalogue(), saga },
    { userId, idempotencyKey: randomUUID(), request },
  );
  await saga.run(order.orderId);
  return order.orderId;
};

/** The four outcomes: completed (2 units), out of stock (11 units, refunded), no delivery (released and refunded), declined. */
const placeEach = async (w: World) => ({
  completed: await place(w.buyer, w.sku, 2, w.openSlot),
  outOfStock: await place(w.buyer, w.sku, 11, w.openSlot),
  noSlot: await place(w.buyer, w.sku, 1, w.fullSlot),
  declined: await place(w.broke, w.sku, 1, w.openSlot),
});

const billingTable = env('BILLING_TABLE');
const warehouseTable = env('WAREHOUSE_TABLE');
const deliveryTable = env('DELIVERY_TABLE');
const ordersTable = env('ORDERS_TABLE');
const notificationsTable = env('NOTIFICATIONS_TABLE');
const key = (kind: string, id: string) => ({ pk: `${kind}#${id}`, sk: kind });
const setAttribute = (table: string, itemKey: Record<string, string>, name: string, value: unknown) =>
  documentClient.send(
    new UpdateCommand({
      TableName: table,
      Key: itemKey,
      UpdateExpression: 'SET #n = :v',
      ExpressionAttributeNames: { '#n': name },
      ExpressionAttributeValues: { ':v': value },
    }),
  );
const ledgerEntry = (userId: string, type: string, amount: number, orderId: string) =>
  documentClient.send(
    new PutCommand({
      TableName: billingTable,
      Item: {
        pk: `ACCOUNT#${userId}`,
        sk: `TX#${new Date().toISOString()}#${randomUUID()}#${type}`,
        type,
        amount,
        orderId,
      },
    }),
  );
/** The key of the order's ledger entry of this type, in the buyer's account. */
const ledgerKeyOf = async (userId: string, orderId: string, type: string) => {
  const { Items = [] } = await documentClient.send(
    new QueryCommand({
      TableName: billingTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tx)',
      ExpressionAttributeValues: { ':pk': `ACCOUNT#${userId}`, ':tx': 'TX#' },
    }),
  );
  const entry = Items.find((item) => item.orderId === orderId && item.type === type)!;
  return { pk: entry.pk as string, sk: entry.sk as string };
};

/** The storage key of a user's notification. */
const skOf = async (userId: string, notificationId: string) => {
  const { Items = [] } = await documentClient.send(
    new QueryCommand({
      TableName: notificationsTable,
      KeyConditionExpression: 'userId = :u',
      ExpressionAttributeValues: { ':u': userId },
    }),
  );
  return Items.find((item) => item.notificationId === notificationId)?.sk as string | undefined;
};

const violation = (rule: Violation['rule'], subject: string, extra: Partial<Violation> = {}): unknown => ({
  rule,
  subject,
  message: match.any(String),
  ...extra,
});

test('a healthy shop breaks no invariant: completed, cancelled three ways, and deposits since the baseline', async () => {
  const w = await prepare();
  await placeEach(w);
  await shop.billing.deposit(w.buyer, 500);
  await shop.billing.openAccount(uniqueUser('newcomer'), 250);

  expect(await checker.checkInvariants(w.baseline)).toEqual([]);
});

describe('money', () => {
  test('a balance that moved by itself', async () => {
    const w = await prepare();
    await placeEach(w);
    await setAttribute(billingTable, key('ACCOUNT', w.buyer), 'balance', 100_000 - 2 * PRICE + 1);

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('money', `user ${w.buyer}`, { expected: 100_000 - 2 * PRICE, actual: 100_000 - 2 * PRICE + 1 }),
    ]);
  });

  test('a second PAYMENT entry for one order', async () => {
    const w = await prepare();
    const { completed } = await placeEach(w);
    await ledgerEntry(w.buyer, 'PAYMENT', -2 * PRICE, completed);

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('money', `order ${completed}`, { expected: 1, actual: 2 }),
    ]);
  });

  test('a refund applied twice: two REFUND entries, and the money twice', async () => {
    const w = await prepare();
    const { outOfStock } = await placeEach(w);
    await ledgerEntry(w.buyer, 'REFUND', 11 * PRICE, outOfStock);
    await setAttribute(billingTable, key('ACCOUNT', w.buyer), 'balance', 100_000 - 2 * PRICE + 11 * PRICE);

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('money', `order ${outOfStock}`, { expected: 1, actual: 2 }),
      violation('money', `user ${w.buyer}`, { expected: 100_000 - 2 * PRICE, actual: 100_000 + 9 * PRICE }),
    ]);
  });

  test('a refund that is not its payment', async () => {
    const w = await prepare();
    const { noSlot } = await placeEach(w);
    await setAttribute(billingTable, await ledgerKeyOf(w.buyer, noSlot, 'REFUND'), 'amount', PRICE - 1);

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('money', `order ${noSlot}`, {
        message: 'a refund is not its payment',
        expected: PRICE,
        actual: PRICE - 1,
      }),
    ]);
  });
});

describe('stock and slots', () => {
  test('stock that moved by itself', async () => {
    const w = await prepare();
    await placeEach(w);
    await setAttribute(warehouseTable, key('PRODUCT', w.sku), 'stock', 10 - 2 - 1);

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('stock', `sku ${w.sku}`, { expected: 8, actual: 7 }),
    ]);
  });

  test('a reservation still held by a cancelled order', async () => {
    const w = await prepare();
    const { noSlot } = await placeEach(w);
    await setAttribute(warehouseTable, key('RESERVATION', noSlot), 'status', 'RESERVED');

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('compensation', `order ${noSlot}`, {
        message: 'the reservation of a CANCELLED order',
        expected: 'RELEASED or VOIDED or ABSENT',
        actual: 'RESERVED',
      }),
      violation('stock', `order ${noSlot}`, { expected: 'RELEASED', actual: 'RESERVED' }),
    ]);
  });

  test('places booked that moved by themselves, beyond the capacity', async () => {
    const w = await prepare();
    await placeEach(w);
    await setAttribute(deliveryTable, key('SLOT', w.fullSlot), 'booked', 1);

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('slots', `slot ${w.fullSlot}`, {
        message: 'places booked at the baseline + bookings of completed orders',
        expected: 0,
        actual: 1,
      }),
      violation('slots', `slot ${w.fullSlot}`, {
        message: 'more places booked than the slot has',
        expected: 0,
        actual: 1,
      }),
    ]);
  });

  test('a booking still held by a cancelled order', async () => {
    const w = await prepare();
    const slotId = uniqueSlot();
    await shop.delivery.putSlot({ slotId, date: '2099-01-02', window: '09:00-12:00', capacity: 1 });
    const baseline = await checker.snapshot();
    // The saga books last, so no cancelled order of its own holds a booking: give a declined order one by hand.
    const declined = await place(w.broke, w.sku, 1, slotId);
    await documentClient.send(
      new PutCommand({
        TableName: deliveryTable,
        Item: { ...key('BOOKING', declined), orderId: declined, slotId, status: 'BOOKED' },
      }),
    );

    expect(await checker.checkInvariants(baseline)).toEqual([
      violation('compensation', `order ${declined}`, {
        message: 'the booking of a CANCELLED order',
        expected: 'CANCELLED or VOIDED or ABSENT',
        actual: 'BOOKED',
      }),
      violation('slots', `order ${declined}`, { expected: 'CANCELLED', actual: 'BOOKED' }),
    ]);
  });
});

describe('outcomes', () => {
  test('an order that never ended', async () => {
    const w = await prepare();
    const { completed } = await placeEach(w);
    await setAttribute(ordersTable, { orderId: completed }, 'status', 'DELIVERY_BOOKED');

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('terminal', `order ${completed}`, { expected: 'COMPLETED or CANCELLED', actual: 'DELIVERY_BOOKED' }),
    ]);
  });

  test('an order whose compensation failed is reported on its own, and what it holds is accounted for', async () => {
    const w = await prepare();
    const failed = await place(w.buyer, w.sku, 11, w.openSlot, [
      { service: 'lambda', function: 'BillingRefund', error: { code: 'Lambda.ServiceException' } },
    ]);

    expect(await shop.orders.get(failed)).toMatchObject({ status: 'COMPENSATION_FAILED' });
    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('compensation-failed', `order ${failed}`, { actual: 'COMPENSATION_FAILED' }),
    ]);
  });

  test('a completed order with a step undone', async () => {
    const w = await prepare();
    const { completed } = await placeEach(w);
    await setAttribute(deliveryTable, key('BOOKING', completed), 'status', 'CANCELLED');

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('compensation', `order ${completed}`, {
        message: 'the booking of a COMPLETED order',
        expected: 'BOOKED',
        actual: 'CANCELLED',
      }),
    ]);
  });

  test('a cancelled order whose payment was never refunded', async () => {
    const w = await prepare();
    const { outOfStock } = await placeEach(w);
    await documentClient.send(
      new DeleteCommand({ TableName: billingTable, Key: await ledgerKeyOf(w.buyer, outOfStock, 'REFUND') }),
    );
    await setAttribute(billingTable, key('PAYMENT', outOfStock), 'status', 'PAID');
    await setAttribute(billingTable, key('ACCOUNT', w.buyer), 'balance', 100_000 - 13 * PRICE);

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('compensation', `order ${outOfStock}`, {
        message: 'the payment of a CANCELLED order',
        expected: 'REFUNDED or VOIDED or ABSENT',
        actual: 'PAID',
      }),
      violation('money', `user ${w.buyer}`, { expected: 100_000 - 2 * PRICE, actual: 100_000 - 13 * PRICE }),
    ]);
  });
});

describe('notifications', () => {
  const notificationsOf = async (userId: string, orderId: string) =>
    (await shop.notifications.listByUser(userId, { limit: 100 })).items.filter((n) => n.orderId === orderId);

  test('an outcome told twice', async () => {
    const w = await prepare();
    const { completed } = await placeEach(w);
    const [told] = await notificationsOf(w.buyer, completed);
    await documentClient.send(
      new PutCommand({
        TableName: notificationsTable,
        Item: { ...told, userId: w.buyer, sk: `2099-01-01T00:00:00.000Z#${told!.notificationId}` },
      }),
    );

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('notification', `order ${completed}`, { expected: 1, actual: 2 }),
    ]);
  });

  test('an outcome never told, and another outcome told instead', async () => {
    const w = await prepare();
    const { declined } = await placeEach(w);
    const [told] = await notificationsOf(w.broke, declined);
    await documentClient.send(
      new UpdateCommand({
        TableName: notificationsTable,
        Key: { userId: w.broke, sk: (await skOf(w.broke, told!.notificationId))! },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'COMPLETED' },
      }),
    );

    expect(await checker.checkInvariants(w.baseline)).toEqual([
      violation('notification', `order ${declined}`, {
        message: 'notifications of its outcome CANCELLED',
        expected: 1,
        actual: 0,
      }),
      violation('notification', `order ${declined}`, {
        message: 'a notification of COMPLETED for a CANCELLED order',
        expected: 0,
        actual: 1,
      }),
    ]);
  });
});
