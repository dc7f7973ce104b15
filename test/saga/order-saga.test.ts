import { createOrder } from '../../functions/order/create-order-service';
import type { Order } from '../../functions/order/domain';
import type { FaultRuleInput } from '../../local/chaos/faults';
import { fakeContext } from '../support/lambda';
import {
  InProcessCatalogue,
  InProcessSaga,
  sagaFailedHandler,
  stores,
  uniqueSku,
  uniqueSlot,
  uniqueUser,
} from '../support/shop';
import { createShopTables, deleteShopTables } from '../support/tables';

/**
 * One scenario per branch of statemachines/order-saga.asl.json, run by the local Step Functions engine
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
const prepare = async ({
  balance,
  stock,
  capacity,
  price = 1250,
}: {
  balance: number;
  stock: number;
  capacity: number;
  price?: number;
}): Promise<World> => {
  const world = { user: uniqueUser('buyer'), sku: uniqueSku(), slotId: uniqueSlot() };
  if (balance > 0) await shop.billing.deposit(world.user, balance);
  await shop.warehouse.putProduct(world.sku, { name: 'Test product', price, stock });
  await shop.delivery.putSlot({ slotId: world.slotId, date: '2099-01-01', window: '09:00-12:00', capacity });
  return world;
};

/** Place an order through the real create logic, its saga started in-process. */
const create = (saga: InProcessSaga, world: World, quantity: number) =>
  createOrder(
    { store: shop.orders, catalogue: new InProcessCatalogue(), saga },
    {
      userId: world.user,
      idempotencyKey: `key-${Math.random()}`,
      request: { items: [{ sku: world.sku, quantity }], delivery: { slotId: world.slotId, address: '1 Test Street' } },
    },
  );

/** Act: place an order with this saga, and wait for its saga (and what its end set off) to end. */
const placeWith = async (saga: InProcessSaga, world: World, quantity: number) => {
  const created = await create(saga, world, quantity);
  const run = await saga.run(created.orderId);
  const final = (await shop.orders.get(created.orderId)) as Order;
  return { run, order: final };
};

const order = (world: World, quantity: number, faults: FaultRuleInput[] = []) =>
  placeWith(new InProcessSaga(faults), world, quantity);

const state = async (world: World) => ({
  balance: (await shop.billing.getAccount(world.user)).balance,
  stock: (await shop.warehouse.getProducts([world.sku])).get(world.sku)!.stock,
  remaining: await shop.delivery.getSlot(world.slotId).then((slot) => slot!.capacity - slot!.booked),
});

const statuses = (order: Order) => order.history.map((entry) => entry.status);

/** A fault rule, as `/_local/chaos/faults` takes it: this function fails with this error, on its next `times` calls (every call when absent). */
const failWith = (fn: string, code: string, times?: number): FaultRuleInput => ({
  service: 'lambda',
  function: fn,
  error: { code },
  ...(times && { times }),
});

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
  const { items: notifications } = await shop.notifications.listByUser(world.user, { limit: 10 });
  expect(notifications).toEqual([expect.objectContaining({ orderId: placed.orderId, status: 'COMPLETED' })]);
});

test('insufficient funds: declined, nothing to compensate', async () => {
  const world = await prepare({ balance: 100, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 1);

  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('PAYMENT_DECLINED');
  expect(run.path).toEqual(
    expect.arrayContaining(['ProcessPayment', 'BeginCompensation', 'CancelOrder', 'NotifyCancelled']),
  );
  expect(run.path).not.toContain('RefundPayment');
  expect(run.path).not.toContain('ReserveItems');
  expect(statuses(placed)).toEqual(['PENDING', 'CANCELLED']);
  expect(placed.history.at(-1)!.reason).toMatch(/PAYMENT_DECLINED: .*insufficient funds/);
  expect(await state(world)).toEqual({ balance: 100, stock: 5, remaining: 2 });
  const [notification] = (await shop.notifications.listByUser(world.user, { limit: 10 })).items;
  expect(notification).toMatchObject({ orderId: placed.orderId, status: 'CANCELLED' });
});

test('out of stock: the payment is refunded', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 6);

  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('OUT_OF_STOCK');
  expect(run.path).toEqual(
    expect.arrayContaining(['ReserveItems', 'BeginCompensation', 'RefundPayment', 'CancelOrder']),
  );
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
  expect(statuses(placed)).toEqual([
    'PENDING',
    'PAYMENT_COMPLETED',
    'ITEMS_RESERVED',
    'ITEMS_RELEASED',
    'PAYMENT_REFUNDED',
    'CANCELLED',
  ]);
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
  expect(run.path).toEqual(
    expect.arrayContaining(['BeginCompensation', 'CancelDelivery', 'ReleaseItems', 'RefundPayment']),
  );
  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('DELIVERY_UNAVAILABLE');
  expect(await state(world)).toEqual({ balance: 10_000, stock: 5, remaining: 2 });
});

test('a compensation that fails once is retried and succeeds', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 6, [
    failWith('BillingRefund', 'Lambda.TooManyRequestsException', 1),
  ]);

  expect(placed.status).toBe('CANCELLED');
  expect(run.retries).toEqual(['RefundPayment']);
  expect(run.calls.BillingRefundFunctionArn).toBe(2);
  expect(await state(world)).toEqual({ balance: 10_000, stock: 5, remaining: 2 });
});

test('a compensation that never succeeds fails the execution at that compensation; the rule marks the order COMPENSATION_FAILED and tells the buyer once', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 6, [failWith('BillingRefund', 'Lambda.ServiceException')]);

  expect(run.error?.Error).toBe('Lambda.ServiceException');
  expect(run.calls.BillingRefundFunctionArn).toBe(11);
  // No Catch to a Fail state: the execution ends FAILED at RefundPayment itself, where a redrive resumes.
  expect(run.path.at(-1)).toBe('RefundPayment');
  expect(run.events.at(-1)).toBe('ExecutionFailed');
  expect(run.path).not.toContain('CancelOrder');
  expect(placed.status).toBe('COMPENSATION_FAILED');
  expect(placed.failureReason).toBe('COMPENSATION_FAILED');
  expect(placed.history.at(-1)!.reason).toMatch(/^COMPENSATION_FAILED: /);
  // The money is still debited: that is what the alarm and the person it wakes are for.
  expect(await state(world)).toEqual({ balance: 10_000 - 6 * 1250, stock: 5, remaining: 2 });
  expect(await notificationsOf(world)).toEqual([
    expect.objectContaining({ orderId: placed.orderId, status: 'COMPENSATION_FAILED' }),
  ]);
});

test('once the fault is gone, a redrive re-runs the failed compensation, finishes the others and cancels the order: everything given back once', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 1 });
  await order(world, 1); // fills the slot: the next order is compensated from ReleaseItems
  const saga = new InProcessSaga([failWith('BillingRefund', 'Lambda.ServiceException')]);
  const { run: failed, order: stuck } = await placeWith(saga, world, 2);
  expect(failed.path.at(-1)).toBe('RefundPayment');
  expect(stuck.status).toBe('COMPENSATION_FAILED');
  expect(await state(world)).toEqual({ balance: 10_000 - 1250 - 2500, stock: 4, remaining: 0 });

  const run = await saga.redrive(stuck.orderId);
  const placed = (await shop.orders.get(stuck.orderId))!;

  expect(run.error).toBeUndefined();
  expect(run.executionArn).toBe(failed.executionArn);
  expect(run.redriveCount).toBe(1);
  const redrivenAt = run.events.indexOf('ExecutionRedriven');
  expect(redrivenAt).toBe(failed.events.length);
  expect(run.events.filter((type) => type === 'ExecutionRedriven')).toHaveLength(1);
  // The path after the redrive: the failed compensation again, then the rest; nothing before it runs twice.
  expect(run.path.slice(failed.path.length)).toEqual([
    'RefundPayment',
    'CancelOrder',
    'NotifyCancelled',
    'OrderCancelled',
  ]);
  expect(run.calls.WarehouseReleaseFunctionArn).toBe(1);
  expect(run.calls.BillingRefundFunctionArn).toBe(12);
  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('DELIVERY_UNAVAILABLE');
  // The compensations that ran before the failure and after the redrive, in the order they ran, before the final status.
  expect(statuses(placed)).toEqual([
    'PENDING',
    'PAYMENT_COMPLETED',
    'ITEMS_RESERVED',
    'COMPENSATION_FAILED',
    'ITEMS_RELEASED',
    'PAYMENT_REFUNDED',
    'CANCELLED',
  ]);
  // Stock and places back, the balance refunded once: only the first, completed order consumed anything.
  expect(await state(world)).toEqual({ balance: 10_000 - 1250, stock: 4, remaining: 0 });
  expect(await shop.billing.getPayment(placed.orderId)).toMatchObject({ status: 'REFUNDED', amount: 2500 });
  const told = (await notificationsOf(world)).filter((n) => n.orderId === placed.orderId).map((n) => n.status);
  expect(told.sort()).toEqual(['CANCELLED', 'COMPENSATION_FAILED']);
});

test('the fence failing after its retries fails the execution at BeginCompensation; a redrive fences and compensates', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });
  const saga = new InProcessSaga([failWith('OrderBeginCompensation', 'Lambda.ServiceException')]);

  const { run: failed, order: stuck } = await placeWith(saga, world, 6);
  const run = await saga.redrive(stuck.orderId);
  const placed = (await shop.orders.get(stuck.orderId))!;

  expect(failed.path.at(-1)).toBe('BeginCompensation');
  expect(stuck.status).toBe('COMPENSATION_FAILED');
  expect(run.path.slice(failed.path.length)).toEqual([
    'BeginCompensation',
    'StartCompensationWhereTheSagaStopped',
    'RefundPayment',
    'CancelOrder',
    'NotifyCancelled',
    'OrderCancelled',
  ]);
  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('OUT_OF_STOCK');
  expect(await state(world)).toEqual({ balance: 10_000, stock: 5, remaining: 2 });
});

test('a saga stopped by hand in its forward path: the rule marks it COMPENSATION_FAILED (the fence goes up), and a redrive can only undo it', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });
  const saga = new InProcessSaga([
    { service: 'lambda', function: 'DeliveryBook', effect: 'latency', latencyMs: 300, times: 1 },
  ]);
  const created = await create(saga, world, 1);
  await new Promise((resolve) => setTimeout(resolve, 150));
  saga.stop(created.orderId);
  const aborted = await saga.run(created.orderId);
  const stuck = (await shop.orders.get(created.orderId))!;
  await new Promise((resolve) => setTimeout(resolve, 300)); // the booking under way when it was stopped lands

  const run = await saga.redrive(created.orderId);
  const placed = (await shop.orders.get(created.orderId))!;

  expect(aborted.error?.Error).toBe('Operator');
  expect(aborted.path.at(-1)).toBe('BookDelivery');
  expect(stuck.status).toBe('COMPENSATION_FAILED');
  // Booked again (idempotently), refused by the fence, then undone in reverse order.
  expect(run.path.slice(aborted.path.length)).toEqual(
    expect.arrayContaining([
      'BookDelivery',
      'MarkDeliveryBooked',
      'BeginCompensation',
      'CancelDelivery',
      'ReleaseItems',
      'RefundPayment',
      'CancelOrder',
    ]),
  );
  expect(run.path).not.toContain('CompleteOrder');
  expect(placed.status).toBe('CANCELLED');
  expect(await state(world)).toEqual({ balance: 10_000, stock: 5, remaining: 2 });
  expect((await notificationsOf(world)).map((n) => n.status).sort()).toEqual(['CANCELLED', 'COMPENSATION_FAILED']);
});

test('the same failure event delivered twice changes nothing and tells the buyer once', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });
  const { order: placed } = await order(world, 6, [failWith('BillingRefund', 'Lambda.ServiceException')]);
  const onFailure = sagaFailedHandler();
  const event = {
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: { name: placed.orderId, status: 'FAILED', error: 'Lambda.ServiceException', cause: 'again' },
  };

  const answer = await onFailure(event, fakeContext('saga-failed'));
  const again = (await shop.orders.get(placed.orderId))!;

  expect(answer).toEqual({ orderId: placed.orderId, executionStatus: 'FAILED', outcome: 'COMPENSATION_FAILED' });
  expect(again).toEqual(placed);
  expect(await notificationsOf(world)).toHaveLength(1);
});

/*
 * Re-runs: a chaos `crash` lets a function's work land and loses its answer, so Step Functions runs
 * the same step again. The runner's chaos rules match a function, not a payload, so a rule that
 * fires with no effect (0 ms of latency) lets the calls before the one under test through.
 */
const passThrough = (fn: string, times: number): FaultRuleInput => ({
  service: 'lambda',
  function: fn,
  effect: 'latency',
  latencyMs: 0,
  times,
});
const answerLost = (fn: string, times?: number): FaultRuleInput => ({
  service: 'lambda',
  function: fn,
  effect: 'crash',
  ...(times && { times }),
});
const notificationsOf = async (world: World) => (await shop.notifications.listByUser(world.user, { limit: 10 })).items;

test("CompleteOrder's answer lost on every try: the order stays COMPLETED, nothing is refunded, released or cancelled", async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  // MarkPaymentCompleted, MarkItemsReserved and MarkDeliveryBooked answer; CompleteOrder lands four times, unheard.
  const { run, order: placed } = await order(world, 2, [
    passThrough('OrderUpdateStatus', 3),
    answerLost('OrderUpdateStatus', 4),
  ]);

  expect(run.error).toBeUndefined();
  expect(run.retries).toEqual(['CompleteOrder', 'CompleteOrder', 'CompleteOrder']);
  expect(run.path).toEqual(
    expect.arrayContaining(['CompleteOrder', 'BeginCompensation', 'NotifyCompleted', 'OrderCompleted']),
  );
  for (const compensation of ['CancelDelivery', 'ReleaseItems', 'RefundPayment', 'CancelOrder'])
    expect(run.path).not.toContain(compensation);
  expect(placed.status).toBe('COMPLETED');
  expect(statuses(placed)).toEqual(['PENDING', 'PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED', 'COMPLETED']);
  expect(await state(world)).toEqual({ balance: 7500, stock: 3, remaining: 1 });
  expect(await shop.billing.getPayment(placed.orderId)).toMatchObject({ status: 'PAID', amount: 2500 });
  expect(await notificationsOf(world)).toEqual([
    expect.objectContaining({ orderId: placed.orderId, status: 'COMPLETED' }),
  ]);
});

test('MarkItemsReserved re-run after ITEMS_RESERVED landed is a no-op, and the order completes', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 1, [
    passThrough('OrderUpdateStatus', 1),
    answerLost('OrderUpdateStatus', 1),
  ]);

  expect(run.retries).toEqual(['MarkItemsReserved']);
  expect(placed.status).toBe('COMPLETED');
  expect(statuses(placed)).toEqual(['PENDING', 'PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED', 'COMPLETED']);
  expect(await state(world)).toEqual({ balance: 8750, stock: 4, remaining: 1 });
});

test.each([
  ['ProcessPayment', 'BillingPay', 'BillingPayFunctionArn'],
  ['ReserveItems', 'WarehouseReserve', 'WarehouseReserveFunctionArn'],
  ['BookDelivery', 'DeliveryBook', 'DeliveryBookFunctionArn'],
])('%s re-run after its work landed takes nothing twice', async (stateName, fn, variable) => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 1, [{ ...answerLost(fn, 1), effect: 'timeout' }]);

  expect(run.retries).toEqual([stateName]);
  expect(run.calls[variable]).toBe(2);
  expect(placed.status).toBe('COMPLETED');
  expect(await state(world)).toEqual({ balance: 8750, stock: 4, remaining: 1 });
});

test('compensations re-run after their work landed give back once, and the history says what they did', async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 1 });
  await order(world, 1); // fills the slot

  const { run, order: placed } = await order(world, 2, [
    answerLost('WarehouseRelease', 1),
    answerLost('BillingRefund', 1),
  ]);

  expect(run.retries).toEqual(['ReleaseItems', 'RefundPayment']);
  expect(placed.status).toBe('CANCELLED');
  expect(placed.history.filter((h) => h.status === 'ITEMS_RELEASED' || h.status === 'PAYMENT_REFUNDED')).toEqual([
    expect.objectContaining({ reason: 'reserved stock returned' }),
    expect.objectContaining({ reason: 'refunded 2500 USD' }),
  ]);
  expect(await state(world)).toEqual({ balance: 10_000 - 1250, stock: 4, remaining: 0 });
});

test("CancelOrder's answer lost on every try: the order stays CANCELLED and is notified as cancelled, once", async () => {
  const world = await prepare({ balance: 10_000, stock: 5, capacity: 2 });

  // MarkPaymentCompleted answers; CancelOrder lands on its first try and its eleven answers are lost.
  const { run, order: placed } = await order(world, 6, [
    passThrough('OrderUpdateStatus', 1),
    answerLost('OrderUpdateStatus', 11),
  ]);

  // The execution fails at CancelOrder; the rule finds the order CANCELLED already and tells the buyer that.
  expect(run.error?.Error).toBe('Runtime.ExitError');
  expect(run.path).toEqual(expect.arrayContaining(['BeginCompensation', 'RefundPayment', 'CancelOrder']));
  expect(run.path.at(-1)).toBe('CancelOrder');
  expect(placed.status).toBe('CANCELLED');
  expect(placed.failureReason).toBe('OUT_OF_STOCK');
  expect(await state(world)).toEqual({ balance: 10_000, stock: 5, remaining: 2 });
  expect(await notificationsOf(world)).toEqual([
    expect.objectContaining({ orderId: placed.orderId, status: 'CANCELLED' }),
  ]);
});

test('a payment declined goes through the fence before the order is cancelled', async () => {
  const world = await prepare({ balance: 100, stock: 5, capacity: 2 });

  const { run, order: placed } = await order(world, 1);

  const fence = run.path.indexOf('BeginCompensation');
  expect(fence).toBeGreaterThan(run.path.indexOf('ProcessPayment'));
  expect(run.path.indexOf('CancelOrder')).toBeGreaterThan(fence);
  expect(placed.status).toBe('CANCELLED');
});
