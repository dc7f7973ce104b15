import { createOrder } from '../../functions/order/create-order-service';
import type { Order } from '../../functions/order/domain';
import type { FaultRuleInput } from '../../local/chaos/faults';
import { InProcessCatalogue, InProcessSaga, stores, uniqueSku, uniqueSlot, uniqueUser } from '../support/shop';
import { createShopTables, deleteShopTables } from '../support/tables';

/**
 * One scenario per branch of statemachines/order-saga.asl.json, run by aws-local-stepfunctions
 * with the real handlers on DynamoDB Local. Each checks where money, stock and slot capacity end up.
 */
const shop = stores();

beforeAll(createShopTables);
afterAll(deleteShopTables);

interface World {
  user: string;
  sku: string;
  slotId: string;
}

/** Prepare: a buyer with a balance, one product with stock, one slot with capacity. */
const prepare = async ({ balance, stock, capacity, price = 1250 }: { balance: number; stock: number; capacity: number; price?: number }): Promise<World> => {
  const world = { user: uniqueUser('buyer'), sku: uniqueSku(), slotId: uniqueSlot() };
  if (balance > 0) await shop.billing.deposit(world.user, balance);
  await shop.warehouse.putProduct(world.sku, { name: 'Test product', price, stock });
  await shop.delivery.putSlot({ slotId: world.slotId, date: '2099-01-01', window: '09:00-12:00', capacity });
  return world;
};

/** Act: place an order through the real create logic, and wait for its saga to end. */
const order = async (world: World, quantity: number, faults: FaultRuleInput[] = []) => {
  const saga = new InProcessSaga(faults);
  const created = await createOrder(
    { store: shop.orders, catalogue: new InProcessCatalogue(), saga },
    {
      userId: world.user,
      idempotencyKey: `key-${Math.random()}`,
      request: { items: [{ sku: world.sku, quantity }], delivery: { slotId: world.slotId, address: '1 Test Street' } },
    },
  );
  const run = await saga.run(created.orderId);
  const final = (await shop.orders.get(created.orderId)) as Order;
  return { run, order: final };
};

const state = async (world: World) => ({
  balance: (await shop.billing.getAccount(world.user)).balance,
  stock: (await shop.warehouse.getProducts([world.sku])).get(world.sku)!.stock,
  remaining: await shop.delivery.getSlot(world.slotId).then((slot) => slot!.capacity - slot!.booked),
});

const statuses = (order: Order) => order.history.map((entry) => entry.status);

/** A fault rule, as `/_local/chaos/faults` takes it: this function fails with this error, on its next `times` calls (every call when absent). */
const failWith = (fn: string, code: string, times?: number): FaultRuleInput => ({ service: 'lambda', function: fn, error: { code }, ...(times && { times }) });

test('happy path: paid, reserved, booked, completed and notified', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 2);

  expect(run.error).toBeUndefined();
  expect(placed.status).toBe('COMPLETED');
  expect(placed.failureReason).toBeUndefined();
  expect(statuses(placed)).toEqual(['PENDING', 'PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED', 'COMPLETED']);
  expect(placed.total).toBe(2500);
  expect(await state(world)).toEqual({ balance: 7500, stock: 3, remaining: 1 });
  expect(run.path).toContain('NotifyCompleted');
  const notifications = await shop.notifications.listByUser(world.user, 10);
  expect(notifications).toEqual([expect.objectContaining({ orderId: placed.orderId, status: 'COMPLETED' })]);
});

test('insufficient funds: declined, nothing to compensate', async () => {
  const world = await prepare({ balance: 100, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 1);

  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('PAYMENT_DECLINED');
  expect(run.path).toEqual(expect.arrayContaining(['ProcessPayment', 'PaymentWasDeclined', 'CancelOrder', 'NotifyCancelled']));
  expect(run.path).not.toContain('RefundPayment');
  expect(run.path).not.toContain('ReserveItems');
  expect(statuses(placed)).toEqual(['PENDING', 'CANCELLED']);
  expect(placed.history.at(-1)!.reason).toMatch(/PAYMENT_DECLINED: .*insufficient funds/);
  expect(await state(world)).toEqual({ balance: 100, stock: 5, remaining: 2 });
  const [notification] = await shop.notifications.listByUser(world.user, 10);
  expect(notification).toMatchObject({ orderId: placed.orderId, status: 'CANCELLED' });
});

test('out of stock: the payment is refunded', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 6);

  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('OUT_OF_STOCK');
  expect(run.path).toEqual(expect.arrayContaining(['ReserveItems', 'ItemsWereOutOfStock', 'RefundPayment', 'CancelOrder']));
  expect(run.path).not.toContain('ReleaseItems');
  expect(statuses(placed)).toEqual(['PENDING', 'PAYMENT_COMPLETED', 'PAYMENT_REFUNDED', 'CANCELLED']);
  expect(await state(world)).toEqual({ balance: 10_000, stock: 5, remaining: 2 });
});

test('delivery unavailable: items released, then payment refunded', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 1 });
  const first = await order(world, 1);
  expect(first.order.status).toBe('COMPLETED');

  const { run, order: placed } = await order(world, 2);

  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('DELIVERY_UNAVAILABLE');
  const releaseAt = run.path.indexOf('ReleaseItems');
  expect(releaseAt).toBeGreaterThan(run.path.indexOf('BookDelivery'));
  expect(run.path.indexOf('RefundPayment')).toBeGreaterThan(releaseAt);
  expect(statuses(placed)).toEqual(['PENDING', 'PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'ITEMS_RELEASED', 'PAYMENT_REFUNDED', 'CANCELLED']);
  // Only the first, completed order consumed anything.
  expect(await state(world)).toEqual({ balance: 10_000 - 1250, stock: 4, remaining: 0 });
});

test('a transient error is retried and the order completes', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 1, [failWith('WarehouseReserve', 'Lambda.ServiceException', 1)]);

  expect(placed.status).toBe('COMPLETED');
  expect(run.retries).toEqual(['ReserveItems']);
  expect(run.calls.WarehouseReserveFunctionArn).toBe(2);
  expect(await state(world)).toEqual({ balance: 8750, stock: 4, remaining: 1 });
});

test('a forward step that keeps failing is compensated, including itself', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 1, [failWith('DeliveryBook', 'Lambda.ServiceException')]);

  expect(run.calls.DeliveryBookFunctionArn).toBe(4);
  expect(run.path).toEqual(expect.arrayContaining(['BookingFailed', 'CancelDelivery', 'ReleaseItems', 'RefundPayment']));
  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('DELIVERY_UNAVAILABLE');
  expect(await state(world)).toEqual({ balance: 10_000, stock: 5, remaining: 2 });
});

test('a compensation that fails once is retried and succeeds', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 6, [failWith('BillingRefund', 'Lambda.TooManyRequestsException', 1)]);

  expect(placed.status).toBe('CANCELLED');
  expect(run.retries).toEqual(['RefundPayment']);
  expect(run.calls.BillingRefundFunctionArn).toBe(2);
  expect(await state(world)).toEqual({ balance: 10_000, stock: 5, remaining: 2 });
});

test('a compensation that never succeeds ends in COMPENSATION_FAILED', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 6, [failWith('BillingRefund', 'Lambda.ServiceException')]);

  expect(run.error?.Error).toBe('CompensationFailed');
  expect(run.calls.BillingRefundFunctionArn).toBe(11);
  expect(run.path).toEqual(expect.arrayContaining(['MarkCompensationFailed', 'NotifyCompensationFailed', 'CompensationFailed']));
  expect(placed.status).toBe('COMPENSATION_FAILED');
  expect(placed.failureReason).toBe('COMPENSATION_FAILED');
  // The money is still debited: that is what the alarm and the person it wakes are for.
  expect(await state(world)).toEqual({ balance: 10_000 - 6 * 1250, stock: 5, remaining: 2 });
  const [notification] = await shop.notifications.listByUser(world.user, 10);
  expect(notification).toMatchObject({ orderId: placed.orderId, status: 'COMPENSATION_FAILED' });
});
