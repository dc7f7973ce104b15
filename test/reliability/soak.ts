import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDeliveryStore } from '../../functions/delivery/store';
import { toDocumentClient } from '../../functions/shared/dynamo';
import type { FaultRuleInput } from '../../local/chaos/faults';
import type { Violation } from '../support/invariants';
import { type PlannedOrder, random, ReliabilityShop } from './shop';
import { edgeConfig } from './support';

/**
 * The randomized soak: orders in batches, each batch under faults drawn from a seed at every saga
 * step and every compensation (errors, timeouts, worker crashes, lost DynamoDB answers, failed SNS
 * publishes and StartExecutions), all through the chaos API; after every batch the faults are
 * cleared, the shop settles, and every invariant is checked. The seed is printed, so that a failing
 * run can be replayed: `npm run test:soak -- --orders 20000 --seed 1234`.
 */
export interface SoakOptions {
  orders: number;
  seed: number;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  seed: number;
  orders: number;
  batches: number;
  faultsInjected: number;
  outcomes: Record<string, number>;
  /** The violations found after each batch (all empty when the shop held). */
  violations: Violation[][];
  seconds: number;
}

/** The saga's steps and compensations, by the function names fault rules match. */
const SAGA_FUNCTIONS = [
  'CircuitsCallParticipant',
  'BillingPay',
  'WarehouseReserve',
  'DeliveryBook',
  'OrderUpdateStatus',
  'OrderBeginCompensation',
  'DeliveryCancel',
  'WarehouseRelease',
  'BillingRefund',
];
const ERRORS = ['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Boom'];
const TABLE_OPERATIONS = ['TransactWriteItems', 'UpdateItem', 'GetItem', 'PutItem', 'Query'];

/**
 * The faults of one batch. Each rule fires on the next 1–3 calls, or with a small probability, so
 * that retries (3 for a step, 10 for a compensation) see the fault and get past it; the notification
 * subscriber gets at most 2, because Lambda retries an asynchronous event twice and then drops it.
 */
export const faultsFor = (rng: ReturnType<typeof random>): FaultRuleInput[] => {
  const rules: FaultRuleInput[] = [];
  for (let i = rng.int(2, 4); i > 0; i--) {
    const kind = rng.int(0, 9);
    const times = rng.int(1, 3);
    if (kind <= 5) {
      const effect = rng.pick(['error', 'error', 'timeout', 'crash'] as const);
      const often = rng.next() < 0.3 ? { probability: 0.05 + rng.next() * 0.1 } : { times };
      rules.push({
        service: 'lambda',
        function: rng.pick(SAGA_FUNCTIONS),
        effect,
        ...(effect === 'error' && { error: { code: rng.pick(ERRORS) } }),
        ...often,
      });
    } else if (kind <= 7) {
      const effect = rng.pick(['error', 'crash', 'timeout', 'latency'] as const);
      const error = { code: rng.pick(['ProvisionedThroughputExceededException', 'InternalServerError']) };
      rules.push({
        service: 'dynamodb',
        operation: rng.pick(TABLE_OPERATIONS),
        effect,
        times,
        ...(effect === 'error' && { error }),
        ...(effect === 'latency' && { latencyMs: rng.int(20, 300) }),
      });
    } else if (kind === 8) {
      rules.push(
        rng.next() < 0.5
          ? { service: 'sns', operation: 'Publish', error: { code: 'InternalError' }, times }
          : {
              service: 'lambda',
              function: 'NotificationOnOrderEvent',
              effect: rng.pick(['error', 'crash'] as const),
              error: { code: 'Boom' },
              times: rng.int(1, 2),
            },
      );
    } else {
      rules.push({
        service: 'states',
        operation: 'StartExecution',
        error: { code: 'ServiceUnavailable' },
        times: rng.int(1, 2),
      });
    }
  }
  return rules;
};

const chaos = async (shop: ReliabilityShop, method: 'POST' | 'GET', rules?: FaultRuleInput[]) => {
  const response = await fetch(`${shop.urls.edge}/_local/chaos/faults`, {
    method,
    ...(rules && { body: JSON.stringify(rules) }),
  });
  return (await response.json()) as { injected: number }[];
};

/** Products, money and delivery places for the whole soak, so that only the outcomes the plan chose fail. */
const prepare = async (shop: ReliabilityShop, orders: number) => {
  const plenty = await Promise.all([0, 1, 2].map(() => shop.product(1, 1_000_000)));
  const scarce = await shop.product(2, Math.max(5, Math.floor(orders / 50)));
  await shop.deposit('alice', 90_000_000);
  // Slots of our own, written by an operator through the edge: the demo week holds too few places.
  const client = new DynamoDBClient(edgeConfig(shop.urls));
  const delivery = new DynamoDeliveryStore(toDocumentClient(client), (await shop.outputsOf()).DeliveryTableName!);
  const slotIds: string[] = [];
  for (let i = 0; i < Math.ceil(orders / 500) + 1; i++) {
    const slotId = `soak-${Date.now().toString(36)}-${i}`;
    await delivery.putSlot({ slotId, date: '2099-12-31', window: `${i}`, capacity: 1000 });
    slotIds.push(slotId);
  }
  client.destroy();
  const full = (await shop.slots()).find((slot) => slot.remaining === 0)!.slotId;
  return { plenty, scarce, slotIds, full };
};

/**
 * Order n of the soak. Its basket is its own (three quantities, unique for every n), so that
 * none is refused as a similar order; one in ten is declined (bob has no money), one in ten wants the
 * scarce product (out of stock once it runs out), one in ten a full slot; the rest complete.
 */
const orderFor = (n: number, world: Awaited<ReturnType<typeof prepare>>, run: string): PlannedOrder => {
  const basket = [
    { sku: world.plenty[0]!, quantity: 1 + (n % 31) },
    { sku: world.plenty[1]!, quantity: 1 + (Math.floor(n / 31) % 31) },
    { sku: world.plenty[2]!, quantity: 1 + Math.floor(n / 961) },
  ];
  const slotId = world.slotIds[n % world.slotIds.length]!;
  const key = `soak-${run}-${n}`;
  switch (n % 10) {
    case 7:
      return { user: 'bob', items: basket, slotId, key };
    case 8:
      return { user: 'alice', items: [{ sku: world.scarce, quantity: 1 + (n % 3) }, ...basket], slotId, key };
    case 9:
      return { user: 'alice', items: basket, slotId: world.full, key };
    default:
      return { user: 'alice', items: basket, slotId, key };
  }
};

export const runSoak = async (shop: ReliabilityShop, options: SoakOptions): Promise<SoakReport> => {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const rng = random(options.seed);
  const world = await prepare(shop, options.orders);
  const invariants = shop.invariants();
  const baseline = await invariants.snapshot();
  const batchSize = Math.max(50, Math.ceil(options.orders / 20));
  const report: SoakReport = {
    seed: options.seed,
    orders: 0,
    batches: 0,
    faultsInjected: 0,
    outcomes: {},
    violations: [],
    seconds: 0,
  };
  const run = options.seed.toString(36);
  for (let first = 0; first < options.orders; first += batchSize) {
    const rules = faultsFor(rng);
    await chaos(shop, 'POST', rules);
    const batch = Array.from({ length: Math.min(batchSize, options.orders - first) }, (_, i) =>
      orderFor(first + i, world, run),
    );
    const queue = [...batch];
    await Promise.all(
      Array.from({ length: options.concurrency ?? 8 }, async () => {
        for (let order = queue.shift(); order; order = queue.shift()) await shop.placeOrder(order, 4);
      }),
    );
    report.faultsInjected += (await chaos(shop, 'GET')).reduce((sum, rule) => sum + rule.injected, 0);
    await chaos(shop, 'POST', []);
    const violations = await shop.settle(baseline);
    report.orders += batch.length;
    report.batches++;
    report.violations.push(violations);
    log(
      `batch ${report.batches}: ${batch.length} orders under ${JSON.stringify(rules)}; ${violations.length} violations`,
    );
    for (const v of violations) log(`  violation ${v.rule} ${v.subject}: ${v.message}`);
    if (violations.length > 0) break;
  }
  report.outcomes = await shop.outcomes(baseline);
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  return report;
};

/** `npm run test:soak -- --orders 20000 [--seed N]`: a soak on a cloud of its own, with a JSON report. */
const main = async () => {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '500' },
      seed: { type: 'string' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`soak seed ${seed} (replay with --seed ${seed})\n`);
  const shop = new ReliabilityShop('soak', mkdtempSync(join(tmpdir(), 'shop-soak-')), [
    '--retry-interval-scale',
    '0.02',
  ]);
  await shop.start();
  try {
    const report = await runSoak(shop, {
      orders: Number(values.orders),
      seed,
      concurrency: Number(values.concurrency),
      log: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (report.violations.some((v) => v.length > 0)) process.exitCode = 1;
  } finally {
    await shop.stop();
  }
};

if (require.main === module)
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
