import type { SNSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import orderEventFixture from '../events/order-event.json';
import { handler as onOrderEvent } from '../../functions/notification/on-order-event';
import { handler as beginCompensation } from '../../functions/order/begin-compensation';
import { orderIdFor, type OrderStatus } from '../../functions/order/domain';
import { handler as updateStatus } from '../../functions/order/update-status';
import { fakeContext } from '../support/lambda';
import { stores, uniqueSku, uniqueSlot, uniqueUser } from '../support/shop';
import { createShopTables, deleteShopTables } from '../support/tables';
import { pendingOrder } from './fixtures';

/**
 * Every saga step run again after its work landed (its answer lost, or a crashed execution resumed
 * at it), including after its undo, on DynamoDB Local: a re-run changes nothing and answers what the
 * first run did, or refuses by a name the state machine routes on.
 */
const shop = stores();
const newOrderId = () => orderIdFor('x', randomUUID());

beforeAll(createShopTables);
afterAll(deleteShopTables);

/** An order stored and moved through `statuses`, as the saga would move it. */
const orderThrough = async (...statuses: OrderStatus[]) => {
  const order = pendingOrder(uniqueUser('alice'));
  await shop.orders.create(order, randomUUID());
  for (const status of statuses)
    await shop.orders.applyStatus(order.orderId, {
      status,
      reason: status === 'CANCELLED' ? 'OUT_OF_STOCK' : undefined,
    });
  return order.orderId;
};

const FORWARD_TO_COMPLETED: OrderStatus[] = ['PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED', 'COMPLETED'];
const historyOf = async (orderId: string) => (await shop.orders.get(orderId))!.history.map((h) => h.status);
/** The update-status and begin-compensation handlers, as the state machine invokes them. */
const mark = (orderId: string, status: OrderStatus, extra: Record<string, unknown> = {}) =>
  updateStatus({ orderId, status, ...extra }, fakeContext('update-status'));
const fence = (orderId: string) => beginCompensation({ orderId }, fakeContext('begin-compensation'));

describe('update-status', () => {
  test.each(FORWARD_TO_COMPLETED)(
    'a re-run of %s after the order went on to COMPLETED is a no-op that answers the order',
    async (status) => {
      const orderId = await orderThrough(...FORWARD_TO_COMPLETED);

      expect(await mark(orderId, status)).toEqual({ orderId, status: 'COMPLETED' });
      expect(await historyOf(orderId)).toEqual(['PENDING', ...FORWARD_TO_COMPLETED]);
    },
  );

  test('MarkPaymentCompleted re-run on an order at ITEMS_RESERVED (the crash of issue 10) is a no-op', async () => {
    const orderId = await orderThrough('PAYMENT_COMPLETED', 'ITEMS_RESERVED');

    expect(await mark(orderId, 'PAYMENT_COMPLETED')).toEqual({ orderId, status: 'ITEMS_RESERVED' });
    expect(await historyOf(orderId)).toEqual(['PENDING', 'PAYMENT_COMPLETED', 'ITEMS_RESERVED']);
  });

  test('illegal moves still fail: skipping a step, or going forward from a cancelled order', async () => {
    const pending = await orderThrough();
    const cancelled = await orderThrough('PAYMENT_COMPLETED', 'CANCELLED');

    await expect(mark(pending, 'ITEMS_RESERVED')).rejects.toMatchObject({ name: 'InvalidTransition' });
    await expect(mark(cancelled, 'ITEMS_RESERVED')).rejects.toMatchObject({ name: 'InvalidTransition' });
    expect(await historyOf(pending)).toEqual(['PENDING']);
  });

  test('CancelOrder re-run after CANCELLED is a no-op; COMPENSATION_FAILED after it (the saga-failure rule, late) is refused as OrderAlreadyCancelled', async () => {
    const orderId = await orderThrough('PAYMENT_COMPLETED', 'CANCELLED');

    expect(await mark(orderId, 'CANCELLED', { reason: 'OUT_OF_STOCK' })).toEqual({ orderId, status: 'CANCELLED' });
    await expect(mark(orderId, 'COMPENSATION_FAILED', { reason: 'COMPENSATION_FAILED' })).rejects.toMatchObject({
      name: 'OrderAlreadyCancelled',
    });
    expect(await historyOf(orderId)).toEqual(['PENDING', 'PAYMENT_COMPLETED', 'CANCELLED']);
  });

  test('an order in COMPENSATION_FAILED finishes its compensations later and ends CANCELLED, with their history', async () => {
    const orderId = await orderThrough('PAYMENT_COMPLETED');
    await fence(orderId);
    await mark(orderId, 'COMPENSATION_FAILED', { reason: 'COMPENSATION_FAILED', cause: 'refund timed out' });

    const redriven = await mark(orderId, 'CANCELLED', {
      reason: 'OUT_OF_STOCK',
      compensations: { refund: { refunded: true, amount: 100 } },
    });

    expect(redriven).toEqual({ orderId, status: 'CANCELLED' });
    const order = (await shop.orders.get(orderId))!;
    expect(order.failureReason).toBe('OUT_OF_STOCK');
    expect(order.history.map((h) => [h.status, h.reason])).toEqual([
      ['PENDING', undefined],
      ['PAYMENT_COMPLETED', undefined],
      ['COMPENSATION_FAILED', 'COMPENSATION_FAILED: refund timed out'],
      ['PAYMENT_REFUNDED', 'refunded 100 USD'],
      ['CANCELLED', 'OUT_OF_STOCK'],
    ]);
    expect(await mark(orderId, 'CANCELLED', { reason: 'OUT_OF_STOCK' })).toEqual({ orderId, status: 'CANCELLED' });
  });
});

describe('the compensation fence', () => {
  test('a completed order refuses to be compensated, by name, and stays as it is', async () => {
    const orderId = await orderThrough(...FORWARD_TO_COMPLETED);

    await expect(fence(orderId)).rejects.toMatchObject({ name: 'OrderAlreadyCompleted' });
    await expect(mark(orderId, 'CANCELLED', { reason: 'DELIVERY_UNAVAILABLE' })).rejects.toMatchObject({
      name: 'OrderAlreadyCompleted',
    });
    await expect(mark(orderId, 'COMPENSATION_FAILED', { reason: 'COMPENSATION_FAILED' })).rejects.toMatchObject({
      name: 'OrderAlreadyCompleted',
    });
    expect(await shop.orders.get(orderId)).toMatchObject({ status: 'COMPLETED' });
    expect(await historyOf(orderId)).toEqual(['PENDING', ...FORWARD_TO_COMPLETED]);
  });

  test('once the fence is up, a late forward status cannot land, and the order is still cancelled', async () => {
    const orderId = await orderThrough('PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED');

    expect(await fence(orderId)).toEqual({ orderId, status: 'DELIVERY_BOOKED' });
    expect(await fence(orderId)).toEqual({ orderId, status: 'DELIVERY_BOOKED' }); // a re-run
    await expect(mark(orderId, 'COMPLETED')).rejects.toMatchObject({ name: 'OrderBeingCompensated' });
    expect(await mark(orderId, 'ITEMS_RESERVED')).toEqual({ orderId, status: 'DELIVERY_BOOKED' }); // passed already: still a no-op
    expect(await mark(orderId, 'CANCELLED', { reason: 'DELIVERY_UNAVAILABLE' })).toEqual({
      orderId,
      status: 'CANCELLED',
    });
    expect(await fence(orderId)).toEqual({ orderId, status: 'CANCELLED' }); // a resumed compensation path
  });

  test('the fence is internal: the order keeps its public shape', async () => {
    const orderId = await orderThrough('PAYMENT_COMPLETED');
    await fence(orderId);
    expect(Object.keys((await shop.orders.get(orderId))!).sort()).toEqual([
      'createdAt',
      'currency',
      'delivery',
      'history',
      'items',
      'orderId',
      'status',
      'total',
      'updatedAt',
      'userId',
    ]);
  });

  test('CompleteOrder racing BeginCompensation: exactly one of them lands', async () => {
    for (let round = 0; round < 10; round++) {
      const orderId = await orderThrough('PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED');

      const [completed, fenced] = await Promise.allSettled([mark(orderId, 'COMPLETED'), fence(orderId)]);

      expect([completed.status, fenced.status].sort()).toEqual(['fulfilled', 'rejected']);
      const { status } = (await shop.orders.get(orderId))!;
      expect(status).toBe(completed.status === 'fulfilled' ? 'COMPLETED' : 'DELIVERY_BOOKED');
    }
  });

  test('an unknown order is an error, not a refusal the saga would take for success', async () => {
    await expect(fence(newOrderId())).rejects.toThrow('does not exist');
  });
});

describe('the participants, re-run after their action and after its undo', () => {
  test('pay re-run after it landed charges once; after its refund it is refused and charges nothing', async () => {
    const user = uniqueUser('alice');
    await shop.billing.deposit(user, 1000);
    const orderId = newOrderId();

    expect((await shop.billing.pay(orderId, user, 300)).kind).toBe('paid');
    expect((await shop.billing.pay(orderId, user, 300)).kind).toBe('paid');
    expect((await shop.billing.getAccount(user)).balance).toBe(700);
    expect(await shop.billing.refund(orderId)).toEqual({ refunded: true, amount: 300 });
    expect(await shop.billing.refund(orderId)).toEqual({ refunded: true, amount: 300 });
    expect(await shop.billing.pay(orderId, user, 300)).toEqual({
      kind: 'declined',
      reason: 'the order was paid and refunded already',
    });
    expect((await shop.billing.getAccount(user)).balance).toBe(1000);
  });

  test('reserve re-run after its release is refused and takes no stock; release re-run gives back once', async () => {
    const sku = uniqueSku();
    await shop.warehouse.putProduct(sku, { name: 'Kettle', price: 100, stock: 5 });
    const orderId = newOrderId();

    await shop.warehouse.reserve(orderId, [{ sku, quantity: 2 }]);
    expect(await shop.warehouse.release(orderId)).toEqual({ released: true });
    expect(await shop.warehouse.release(orderId)).toEqual({ released: true });
    expect(await shop.warehouse.reserve(orderId, [{ sku, quantity: 2 }])).toEqual({
      kind: 'rejected',
      reason: 'the order was reserved and released already',
    });
    expect((await shop.warehouse.getProducts([sku])).get(sku)!.stock).toBe(5);
  });

  test('book re-run after its cancel is refused and takes no place; cancel re-run gives back once', async () => {
    const slotId = uniqueSlot();
    await shop.delivery.putSlot({ slotId, date: '2099-03-01', window: '09:00-12:00', capacity: 2 });
    const orderId = newOrderId();

    await shop.delivery.book(orderId, slotId, 'here');
    expect(await shop.delivery.cancel(orderId)).toEqual({ cancelled: true });
    expect(await shop.delivery.cancel(orderId)).toEqual({ cancelled: true });
    expect(await shop.delivery.book(orderId, slotId, 'here')).toEqual({
      kind: 'rejected',
      reason: 'the order was booked and cancelled already',
    });
    expect(await shop.delivery.getSlot(slotId)).toMatchObject({ booked: 0 });
  });

  test('a compensation with nothing to undo says so on every run', async () => {
    const orderId = newOrderId();
    for (let run = 0; run < 2; run++) {
      expect(await shop.billing.refund(orderId)).toEqual({ refunded: false, amount: 0 });
      expect(await shop.warehouse.release(orderId)).toEqual({ released: false });
      expect(await shop.delivery.cancel(orderId)).toEqual({ cancelled: false });
    }
  });

  test('a Notify state re-run publishes again, with another timestamp: the buyer is told once', async () => {
    const user = uniqueUser('alice');
    const orderId = newOrderId();
    /** The fixture's SNS delivery of this outcome, published at `timestamp`. */
    const event = (timestamp: string): SNSEvent => {
      const delivery = structuredClone(orderEventFixture) as unknown as SNSEvent;
      Object.assign(delivery.Records[0]!.Sns, {
        Message: JSON.stringify({ orderId, userId: user, status: 'COMPLETED' }),
        Timestamp: timestamp,
      });
      return delivery;
    };

    await onOrderEvent(event('2026-01-01T10:00:00.000Z'), fakeContext('on-order-event'));
    await onOrderEvent(event('2026-01-01T10:00:05.000Z'), fakeContext('on-order-event'));
    await onOrderEvent(event('2026-01-01T10:00:00.000Z'), fakeContext('on-order-event'));

    const { items } = await shop.notifications.listByUser(user, { limit: 10 });
    expect(items).toEqual([
      expect.objectContaining({ orderId, status: 'COMPLETED', createdAt: '2026-01-01T10:00:00.000Z' }),
    ]);
  });
});
