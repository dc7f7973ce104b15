import { randomUUID } from 'node:crypto';
import { createOrder } from '../../functions/order/create-order-service';
import type { Order } from '../../functions/order/domain';
import type { SagaExecutions } from '../../functions/order/ports';
import { MAX_ORDERS_PER_RUN, reconcilePendingOrders } from '../../functions/order/reconcile-service';
import { InProcessCatalogue, InProcessSaga, stores, uniqueUser } from '../support/shop';
import { createShopTables, deleteShopTables } from '../support/tables';
import { productAndSlot } from './fixtures';

/**
 * The reconciler on DynamoDB Local, with the real ASL run in-process: an order written whose saga
 * never started (the process died in between) is found through the sparse pendingByAge index and
 * started once; anything else is left alone.
 */
const shop = stores();

/** The in-process saga, with what the reconciler asks besides starting: was an execution ever started? */
class InProcessExecutions extends InProcessSaga implements SagaExecutions {
  readonly starts: string[] = [];

  exists(orderId: string): Promise<boolean> {
    return Promise.resolve(this.runs.has(orderId));
  }

  override start(order: Order): Promise<void> {
    this.starts.push(order.orderId);
    return super.start(order);
  }
}

/** A saga starter that dies before StartExecution, as the process did. */
const crashingStarter = { start: () => Promise.reject(new Error('killed before StartExecution')) };

let sku: string;
let slotId: string;

beforeAll(async () => {
  await createShopTables();
  ({ sku, slotId } = await productAndSlot(500));
});
afterAll(deleteShopTables);

/** Prepare: a buyer with money, and an order of theirs created `ageSeconds` ago whose saga start was lost. */
const strandedOrder = async (ageSeconds: number, user = uniqueUser('buyer')) => {
  await shop.billing.deposit(user, 10_000);
  const created = new Date(Date.now() - ageSeconds * 1000);
  const request = { items: [{ sku, quantity: 1 }], delivery: { slotId, address: '1 Test Street' } };
  await expect(
    createOrder(
      { store: shop.orders, catalogue: new InProcessCatalogue(), saga: crashingStarter, now: () => created },
      { userId: user, idempotencyKey: randomUUID(), request },
    ),
  ).rejects.toThrow('killed before StartExecution');
  const [order] = (await shop.orders.listByUser(user, { limit: 10 })).items;
  return order!;
};

test('an order left PENDING past the threshold with no execution is started, and its saga completes', async () => {
  const stranded = await strandedOrder(120);
  const executions = new InProcessExecutions();

  const result = await reconcilePendingOrders({ store: shop.orders, executions }, 60);

  expect(result.started).toContain(stranded.orderId);
  await executions.run(stranded.orderId);
  expect(await shop.orders.get(stranded.orderId)).toMatchObject({ status: 'COMPLETED' });
  // Out of the index once it moved on: the next run does not see it.
  expect((await reconcilePendingOrders({ store: shop.orders, executions }, 60)).started).not.toContain(
    stranded.orderId,
  );
});

test('an order younger than the threshold is left to its own start; a smaller threshold takes it', async () => {
  const young = await strandedOrder(5);
  const executions = new InProcessExecutions();

  expect((await reconcilePendingOrders({ store: shop.orders, executions }, 60)).started).not.toContain(young.orderId);
  expect((await reconcilePendingOrders({ store: shop.orders, executions }, 0)).started).toContain(young.orderId);
  await executions.run(young.orderId);
  expect(await shop.orders.get(young.orderId)).toMatchObject({ status: 'COMPLETED' });
});

test('a PENDING order that has an execution is left to it: nothing is started twice', async () => {
  const stranded = await strandedOrder(300);
  const executions = new InProcessExecutions();
  await executions.start(stranded); // its saga is running (or its start was slow)
  executions.starts.length = 0;

  const result = await reconcilePendingOrders({ store: shop.orders, executions }, 60);

  expect(result.started).not.toContain(stranded.orderId);
  expect(executions.starts).not.toContain(stranded.orderId);
  await executions.run(stranded.orderId);
});

test('two runs at once start each stranded order once (the start is idempotent by execution name)', async () => {
  const stranded = await strandedOrder(90);
  const executions = new InProcessExecutions();

  await Promise.all([
    reconcilePendingOrders({ store: shop.orders, executions }, 60),
    reconcilePendingOrders({ store: shop.orders, executions }, 60),
  ]);

  expect(executions.runs.has(stranded.orderId)).toBe(true);
  await executions.run(stranded.orderId);
  expect(await shop.orders.get(stranded.orderId)).toMatchObject({ status: 'COMPLETED' });
});

test('orders that left PENDING are not in the index, and a run takes the oldest first, up to its bound', async () => {
  const moved = await strandedOrder(200);
  await shop.orders.applyStatus(moved.orderId, { status: 'PAYMENT_COMPLETED' });
  const oldest = await strandedOrder(10_000);
  const older = await strandedOrder(9_000);

  const pending = await shop.orders.listPendingCreatedBefore(new Date().toISOString(), MAX_ORDERS_PER_RUN);

  expect(pending.map((o) => o.orderId)).not.toContain(moved.orderId);
  expect(pending.map((o) => o.orderId).slice(0, 2)).toEqual([oldest.orderId, older.orderId]);
  expect(pending.every((o) => o.status === 'PENDING')).toBe(true);
  expect((await shop.orders.listPendingCreatedBefore(new Date().toISOString(), 1)).map((o) => o.orderId)).toEqual([
    oldest.orderId,
  ]);
});
