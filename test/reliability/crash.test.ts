import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Violation } from '../support/invariants';
import { difference, fingerprint } from './support';
import { type PlannedOrder, ReliabilityShop } from './shop';

/**
 * Crashes in the middle of 100 running sagas: kill -9 of the whole cloud, then a restart; a Ctrl-C,
 * then a restart; and two restarts in a row. After each, every order ends and every invariant of
 * the shop holds: no cent, unit or place lost or counted twice, each completed step of a cancelled
 * order undone exactly once, one notification per outcome.
 */
jest.setTimeout(900_000);

const ORDERS = Number(process.env.CRASH_ORDERS ?? 100);
const shop = new ReliabilityShop('crash', mkdtempSync(join(tmpdir(), 'shop-crash-')), [
  '--retry-interval-scale',
  '0.05',
]);
afterAll(() => shop.stop());

/** 100 orders of every outcome: most complete; some run out of stock, are declined, or find their slot full. */
const plan = async (): Promise<PlannedOrder[]> => {
  const plenty = await shop.product(1, 1_000_000);
  const scarce = await shop.product(2, 5);
  await shop.deposit('alice', 1_000_000);
  const slots = await shop.slots();
  const open = slots.filter((slot) => slot.remaining >= 10);
  const full = slots.find((slot) => slot.remaining === 0)!;
  const orders: PlannedOrder[] = [];
  for (let i = 0; i < ORDERS; i++) {
    // Every basket differs (quantities), so that none is refused as a similar order.
    const kind = i % 10;
    const quantity = 1 + i;
    const slotId = open[i % open.length]!.slotId;
    if (kind === 7)
      orders.push({ user: 'bob', items: [{ sku: plenty, quantity }], slotId, key: `bob-${i}-${Date.now()}` });
    else if (kind === 8)
      orders.push({
        user: 'alice',
        items: [
          { sku: scarce, quantity: 1 + (i % 4) },
          { sku: plenty, quantity },
        ],
        slotId,
        key: `scarce-${i}-${Date.now()}`,
      });
    else if (kind === 9)
      orders.push({
        user: 'alice',
        items: [{ sku: plenty, quantity }],
        slotId: full.slotId,
        key: `full-${i}-${Date.now()}`,
      });
    else orders.push({ user: 'alice', items: [{ sku: plenty, quantity }], slotId, key: `alice-${i}-${Date.now()}` });
  }
  return orders;
};

/** Places the orders, 20 at a time, and calls `interrupt` once a third of them are answered. */
const placeAndInterrupt = async (orders: PlannedOrder[], interrupt: () => Promise<void>) => {
  let answered = 0;
  let interrupted: Promise<void> | undefined;
  const queue = [...orders];
  const worker = async () => {
    for (let order = queue.shift(); order; order = queue.shift()) {
      if (interrupted) return;
      await shop.placeOrder(order);
      if (++answered >= orders.length / 3 && !interrupted) interrupted = interrupt();
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  await interrupted;
  return answered;
};

const report = (violations: Violation[]) => violations.map((v) => `${v.rule} ${v.subject}: ${v.message}`);

test('kill -9 of the whole cloud in the middle of 100 sagas: after a restart every order ends and every invariant holds', async () => {
  await shop.start();
  const baseline = await shop.invariants().snapshot();
  const orders = await plan();

  const answered = await placeAndInterrupt(orders, () => shop.kill());
  await shop.start(['--no-seed']);
  const resumed = shop.logLines(/resumed interrupted execution/).length;
  const violations = await shop.settle(baseline);
  const outcomes = await shop.outcomes(baseline);
  process.stdout.write(
    `kill -9: ${answered} POSTs answered before the kill, ${resumed} executions resumed; outcomes ${JSON.stringify(outcomes)}\n`,
  );

  // The run means something: sagas were cut mid-way and resumed, and every kind of outcome happened.
  expect(resumed).toBeGreaterThan(0);
  expect(Object.keys(outcomes)).toEqual(
    expect.arrayContaining(['COMPLETED', 'CANCELLED PAYMENT_DECLINED', 'CANCELLED DELIVERY_UNAVAILABLE']),
  );
  expect(report(violations)).toEqual([]);
});

test('Ctrl-C in the middle of 100 sagas: the cloud drains with its database up; after a restart every invariant holds', async () => {
  const baseline = await shop.invariants().snapshot();
  const orders = await plan();

  const answered = await placeAndInterrupt(orders, () => shop.interrupt());
  await shop.start(['--no-seed']);
  const violations = await shop.settle(baseline);
  const outcomes = await shop.outcomes(baseline);
  process.stdout.write(
    `Ctrl-C: ${answered} POSTs answered before the interrupt; outcomes ${JSON.stringify(outcomes)}\n`,
  );

  expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(answered * 0.5);
  expect(report(violations)).toEqual([]);
});

test('two restarts in a row change nothing', async () => {
  const before = await fingerprint(shop.urls);

  await shop.stop();
  await shop.start(['--no-seed']);
  await shop.stop();
  await shop.start(['--no-seed']);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = await fingerprint(shop.urls);

  expect(difference(before, after)).toEqual({ added: [], removed: [] });
});
