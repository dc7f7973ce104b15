import { randomUUID } from 'node:crypto';
import { orderIdFor } from '../../functions/order/domain';
import { stores, uniqueSku, uniqueSlot, uniqueUser } from '../support/shop';
import { createShopTables, deleteShopTables } from '../support/tables';
import { pendingOrder } from './fixtures';

/** Each store and each saga operation against a real DynamoDB Local: conditions, transactions, retries. */
const shop = stores();
const newOrderId = () => orderIdFor('x', randomUUID());

beforeAll(createShopTables);
afterAll(deleteShopTables);

describe('billing', () => {
  test('an account exists with balance 0 on first use, and deposits add up', async () => {
    const user = uniqueUser('alice');
    expect(await shop.billing.getAccount(user)).toEqual({ userId: user, balance: 0, currency: 'USD' });
    await shop.billing.deposit(user, 500);
    expect(await shop.billing.deposit(user, 250)).toEqual({ userId: user, balance: 750, currency: 'USD' });
  });

  test('pay debits once, even when retried', async () => {
    const user = uniqueUser('alice');
    const orderId = newOrderId();
    await shop.billing.deposit(user, 1000);

    const first = await shop.billing.pay(orderId, user, 400);
    const retry = await shop.billing.pay(orderId, user, 400);

    expect(first.kind).toBe('paid');
    expect(retry.kind).toBe('paid');
    expect((await shop.billing.getAccount(user)).balance).toBe(600);
  });

  test('pay is declined, and nothing is written, when the balance is short or the account missing', async () => {
    const user = uniqueUser('bob');
    await shop.billing.deposit(user, 100);
    const orderId = newOrderId();

    expect(await shop.billing.pay(orderId, user, 101)).toEqual({ kind: 'declined', reason: 'insufficient funds' });
    expect(await shop.billing.pay(newOrderId(), uniqueUser('nobody'), 1)).toEqual({
      kind: 'declined',
      reason: 'insufficient funds',
    });
    expect((await shop.billing.getAccount(user)).balance).toBe(100);
    expect(await shop.billing.getPayment(orderId)).toBeUndefined();
  });

  test('concurrent payments never overdraw', async () => {
    const user = uniqueUser('carol');
    await shop.billing.deposit(user, 1000);

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => shop.billing.pay(newOrderId(), user, 300)));

    expect(outcomes.filter((o) => o.kind === 'paid')).toHaveLength(3);
    expect((await shop.billing.getAccount(user)).balance).toBe(100);
  });

  test('refund credits once; a second refund changes nothing', async () => {
    const user = uniqueUser('alice');
    const orderId = newOrderId();
    await shop.billing.deposit(user, 1000);
    await shop.billing.pay(orderId, user, 400);

    expect(await shop.billing.refund(orderId)).toEqual({ refunded: true, amount: 400 });
    // A re-run (its first answer lost) answers what was done, and credits nothing more.
    expect(await shop.billing.refund(orderId)).toEqual({ refunded: true, amount: 400 });
    expect((await shop.billing.getAccount(user)).balance).toBe(1000);
  });

  test('a refund before any payment is a no-op that blocks a late payment', async () => {
    const user = uniqueUser('alice');
    const orderId = newOrderId();
    await shop.billing.deposit(user, 1000);

    expect(await shop.billing.refund(orderId)).toEqual({ refunded: false, amount: 0 });
    expect((await shop.billing.pay(orderId, user, 400)).kind).toBe('declined');
    expect((await shop.billing.getAccount(user)).balance).toBe(1000);
  });
});

describe('warehouse', () => {
  const addProduct = async (stock: number, price = 100) => {
    const sku = uniqueSku();
    await shop.warehouse.putProduct(sku, { name: `Product ${sku}`, price, stock });
    return sku;
  };
  const stockOf = async (sku: string) => (await shop.warehouse.getProducts([sku])).get(sku)!.stock;

  test('a new product needs a name and a price; an existing one can change its stock alone', async () => {
    const sku = uniqueSku();
    expect(await shop.warehouse.putProduct(sku, { stock: 3 })).toBeUndefined();
    await shop.warehouse.putProduct(sku, { name: 'Kettle', price: 2999, stock: 3 });
    expect(await shop.warehouse.putProduct(sku, { stock: 7 })).toMatchObject({
      sku,
      name: 'Kettle',
      price: 2999,
      stock: 7,
    });
    expect((await shop.warehouse.listProducts()).map((p) => p.sku)).toContain(sku);
  });

  test('reserve takes every line or none', async () => {
    const plenty = await addProduct(10);
    const scarce = await addProduct(1);
    const orderId = newOrderId();

    const outcome = await shop.warehouse.reserve(orderId, [
      { sku: plenty, quantity: 2 },
      { sku: scarce, quantity: 2 },
    ]);

    expect(outcome).toEqual({ kind: 'rejected', reason: `not enough stock for ${scarce}` });
    expect(await stockOf(plenty)).toBe(10);
    expect(await stockOf(scarce)).toBe(1);
  });

  test('reserve of an unknown sku is rejected', async () => {
    const outcome = await shop.warehouse.reserve(newOrderId(), [{ sku: uniqueSku(), quantity: 1 }]);
    expect(outcome.kind).toBe('rejected');
  });

  test('reserve and release happen once each, whatever the retries', async () => {
    const sku = await addProduct(5);
    const orderId = newOrderId();

    await shop.warehouse.reserve(orderId, [
      { sku, quantity: 2 },
      { sku, quantity: 1 },
    ]);
    expect(await shop.warehouse.reserve(orderId, [{ sku, quantity: 3 }])).toEqual({ kind: 'reserved' });
    expect(await stockOf(sku)).toBe(2);

    expect(await shop.warehouse.release(orderId)).toEqual({ released: true });
    expect(await shop.warehouse.release(orderId)).toEqual({ released: true });
    expect(await stockOf(sku)).toBe(5);
  });

  test('a release before any reservation blocks a late reservation', async () => {
    const sku = await addProduct(5);
    const orderId = newOrderId();

    expect(await shop.warehouse.release(orderId)).toEqual({ released: false });
    expect((await shop.warehouse.reserve(orderId, [{ sku, quantity: 1 }])).kind).toBe('rejected');
    expect(await stockOf(sku)).toBe(5);
  });

  test('concurrent reservations never oversell', async () => {
    const sku = await addProduct(3);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => shop.warehouse.reserve(newOrderId(), [{ sku, quantity: 1 }])),
    );
    expect(outcomes.filter((o) => o.kind === 'reserved')).toHaveLength(3);
    expect(await stockOf(sku)).toBe(0);
  });
});

describe('delivery', () => {
  const addSlot = async (capacity: number) => {
    const slotId = uniqueSlot();
    await shop.delivery.putSlot({ slotId, date: '2099-06-01', window: '13:00-17:00', capacity });
    return slotId;
  };

  test('booking is bounded by capacity, and each order books once', async () => {
    const slotId = await addSlot(2);
    const orderId = newOrderId();

    expect(await shop.delivery.book(orderId, slotId, 'here')).toEqual({ kind: 'booked' });
    expect(await shop.delivery.book(orderId, slotId, 'here')).toEqual({ kind: 'booked' });
    expect(await shop.delivery.book(newOrderId(), slotId, 'there')).toEqual({ kind: 'booked' });
    expect((await shop.delivery.book(newOrderId(), slotId, 'too late')).kind).toBe('rejected');
    expect((await shop.delivery.book(newOrderId(), uniqueSlot(), 'nowhere')).kind).toBe('rejected');
    expect(await shop.delivery.getSlot(slotId)).toMatchObject({ capacity: 2, booked: 2 });
  });

  test('cancel gives the place back once; a cancel before booking blocks a late booking', async () => {
    const slotId = await addSlot(1);
    const orderId = newOrderId();
    await shop.delivery.book(orderId, slotId, 'here');

    expect(await shop.delivery.cancel(orderId)).toEqual({ cancelled: true });
    expect(await shop.delivery.cancel(orderId)).toEqual({ cancelled: true });
    expect(await shop.delivery.getSlot(slotId)).toMatchObject({ booked: 0 });

    const early = newOrderId();
    expect(await shop.delivery.cancel(early)).toEqual({ cancelled: false });
    expect((await shop.delivery.book(early, slotId, 'late')).kind).toBe('rejected');
  });

  test('slots are listed in date order from a given day', async () => {
    const later = uniqueSlot();
    const earlier = uniqueSlot();
    await shop.delivery.putSlot({ slotId: later, date: '2098-01-02', window: '09:00-12:00', capacity: 1 });
    await shop.delivery.putSlot({ slotId: earlier, date: '2098-01-01', window: '09:00-12:00', capacity: 1 });
    const listed = (await shop.delivery.listSlots('2098-01-01')).map((s) => s.slotId);
    expect(listed.indexOf(earlier)).toBeLessThan(listed.indexOf(later));
    expect(await shop.delivery.listSlots('2100-01-01')).toEqual([]);
  });
});

describe('orders', () => {
  const newOrder = (userId: string, sku = 'SKU-A', createdAt = new Date()) => pendingOrder(userId, { sku, createdAt });

  test('a similar live order blocks a new one; a different basket does not', async () => {
    const user = uniqueUser('alice');
    const first = newOrder(user);
    expect((await shop.orders.create(first, 'basket-a')).kind).toBe('created');

    const similar = await shop.orders.create(newOrder(user), 'basket-a');
    expect(similar).toMatchObject({ kind: 'similar', order: { orderId: first.orderId } });
    expect((await shop.orders.create(newOrder(user), 'basket-b')).kind).toBe('created');
    expect((await shop.orders.create(newOrder(uniqueUser('bob')), 'basket-a')).kind).toBe('created');
  });

  test('the same order id twice answers the existing order', async () => {
    const order = newOrder(uniqueUser('alice'));
    await shop.orders.create(order, 'basket');
    expect(await shop.orders.create({ ...order, total: 999 }, 'basket')).toMatchObject({
      kind: 'exists',
      order: { total: 100 },
    });
  });

  test('a cancelled order no longer blocks a similar one', async () => {
    const user = uniqueUser('alice');
    const first = newOrder(user);
    await shop.orders.create(first, 'basket');
    await shop.orders.applyStatus(first.orderId, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' });

    expect((await shop.orders.create(newOrder(user), 'basket')).kind).toBe('created');
  });

  test('an order older than the window no longer blocks a similar one', async () => {
    const user = uniqueUser('alice');
    await shop.orders.create(newOrder(user, 'SKU-A', new Date(Date.now() - 301_000)), 'basket');
    expect((await shop.orders.create(newOrder(user), 'basket')).kind).toBe('created');
  });

  test('concurrent similar orders under different keys give exactly one order', async () => {
    const user = uniqueUser('alice');
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => shop.orders.create(newOrder(user), 'basket')));
    expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'similar')).toHaveLength(4);
  });

  test('status moves forward once per step; repeats are no-ops and illegal moves fail', async () => {
    const order = newOrder(uniqueUser('alice'));
    await shop.orders.create(order, 'basket');

    expect((await shop.orders.applyStatus(order.orderId, { status: 'PAYMENT_COMPLETED' })).changed).toBe(true);
    expect((await shop.orders.applyStatus(order.orderId, { status: 'PAYMENT_COMPLETED' })).changed).toBe(false);
    await expect(shop.orders.applyStatus(order.orderId, { status: 'COMPLETED' })).rejects.toThrow(
      'cannot go from PAYMENT_COMPLETED to COMPLETED',
    );
    const stored = await shop.orders.get(order.orderId);
    expect(stored!.history.map((h) => h.status)).toEqual(['PENDING', 'PAYMENT_COMPLETED']);
  });

  test('orders are listed per user, newest first', async () => {
    const user = uniqueUser('alice');
    const older = newOrder(user, 'SKU-A', new Date(Date.now() - 1000));
    const newer = newOrder(user, 'SKU-B');
    await shop.orders.create(older, 'a');
    await shop.orders.create(newer, 'b');
    const page = await shop.orders.listByUser(user, { limit: 10 });
    expect(page.items.map((o) => o.orderId)).toEqual([newer.orderId, older.orderId]);
    expect(page.next).toBeUndefined();
    expect(await shop.orders.listByUser(uniqueUser('nobody'), { limit: 10 })).toEqual({ items: [] });
  });
});

describe('notifications', () => {
  test('a redelivered notification is stored once', async () => {
    const user = uniqueUser('alice');
    const notification = {
      notificationId: 'o:COMPLETED',
      orderId: 'o',
      status: 'COMPLETED' as const,
      message: 'done',
      createdAt: new Date().toISOString(),
    };
    expect(await shop.notifications.add(user, notification)).toBe(true);
    expect(await shop.notifications.add(user, notification)).toBe(false);
    expect(await shop.notifications.listByUser(user, { limit: 10 })).toEqual({ items: [notification] });
  });
});
