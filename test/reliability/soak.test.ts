import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReliabilityShop } from './shop';
import { runSoak } from './soak';

/**
 * The randomized soak at CI size (SOAK_ORDERS, 500 by default): faults at every step and
 * compensation, the invariants checked after every batch. The seed is printed for a replay.
 */
jest.setTimeout(1_200_000);

const shop = new ReliabilityShop('soak', mkdtempSync(join(tmpdir(), 'shop-soak-')), ['--retry-interval-scale', '0.02']);
beforeAll(() => shop.start());
afterAll(() => shop.stop());

test('orders under faults at every step: every batch ends with every invariant holding, no order lost or counted twice', async () => {
  const seed = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const orders = Number(process.env.SOAK_ORDERS ?? 500);
  process.stdout.write(
    `soak seed ${seed} (replay: SOAK_SEED=${seed} npm run test:reliability, or npm run test:soak -- --seed ${seed})\n`,
  );

  const report = await runSoak(shop, { orders, seed, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`soak: ${JSON.stringify({ ...report, violations: report.violations.map((v) => v.length) })}\n`);

  expect(report.orders).toBe(orders);
  expect(report.faultsInjected).toBeGreaterThan(0);
  expect(report.outcomes.COMPENSATION_FAILED ?? 0).toBe(0);
  expect(report.violations.flat().map((v) => `${v.rule} ${v.subject}: ${v.message}`)).toEqual([]);
});
