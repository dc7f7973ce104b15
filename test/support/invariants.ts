import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';

/**
 * The shop's invariants, read through the SDK from the tables of any deployment: the local cloud's
 * edge, LocalStack, or a stack on AWS. For crash and soak tests:
 *
 *   const invariants = invariantChecker({ endpoint: 'http://localhost:4566', tables: tablesFromOutputs(outputs) });
 *   const baseline = await invariants.snapshot();
 *   … run orders, faults, crashes; wait until quiet …
 *   expect(await invariants.checkInvariants(baseline)).toEqual([]);
 *
 * Only orders created since the baseline are checked; the baseline holds balances, stock and slots
 * as they were, so nothing else (a deposit aside) may change them meanwhile: no restock, no admin
 * edit. A product or slot created after the baseline has no baseline, and its equation is skipped.
 * Each violation names its rule, the order, user, sku or slot, and the numbers.
 */

export interface ShopTables {
  billing: string;
  warehouse: string;
  delivery: string;
  orders: string;
  notifications: string;
}

/** The table names from the stack's outputs (BillingTableName, …), as a deploy writes them. */
export const tablesFromOutputs = (outputs: Record<string, string>): ShopTables => {
  const name = (key: string) => {
    const value = outputs[key];
    if (!value) throw new Error(`The stack has no output ${key}`);
    return value;
  };
  return {
    billing: name('BillingTableName'),
    warehouse: name('WarehouseTableName'),
    delivery: name('DeliveryTableName'),
    orders: name('OrderTableName'),
    notifications: name('NotificationTableName'),
  };
};

export interface Baseline {
  takenAt: string;
  /** Every order that existed: these are not checked. */
  orderIds: string[];
  balances: Record<string, number>;
  /** Every ledger entry that existed (`pk|sk`): the deposits since are the DEPOSIT and OPENING entries not here. */
  ledgerKeys: string[];
  stock: Record<string, number>;
  booked: Record<string, number>;
}

export type Rule = 'money' | 'stock' | 'slots' | 'terminal' | 'compensation-failed' | 'compensation' | 'notification';

export interface Violation {
  rule: Rule;
  /** What it is about: `order <id>`, `user <id>`, `sku <sku>`, `slot <id>`. */
  subject: string;
  message: string;
  expected?: number | string;
  actual?: number | string;
}

interface OrderRecord {
  orderId: string;
  userId: string;
  status: string;
  total: number;
  items: { sku: string; quantity: number }[];
  delivery: { slotId: string };
}
interface LedgerEntry {
  key: string;
  userId: string;
  type: string;
  amount: number;
  orderId?: string;
}
interface Payment {
  amount: number;
  status: string;
}
interface Reservation {
  status: string;
  lines: { sku: string; quantity: number }[];
}
interface Booking {
  status: string;
  slotId: string;
}

/** Everything the invariants read, from one pass over each table. */
interface World {
  balances: Map<string, number>;
  ledger: LedgerEntry[];
  payments: Map<string, Payment>;
  stock: Map<string, number>;
  reservations: Map<string, Reservation>;
  slots: Map<string, { capacity: number; booked: number }>;
  bookings: Map<string, Booking>;
  orders: OrderRecord[];
  /** Notifications per order: the status of each, as many times as it is stored. */
  notifications: Map<string, string[]>;
}

type Item = Record<string, unknown>;

const scanAll = async (client: DynamoDBDocumentClient, tableName: string): Promise<Item[]> => {
  const items: Item[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true }))
    items.push(...(page.Items ?? []));
  return items;
};

/** `KIND#id` keys of the single-table services: the items of one kind, by id. */
const byKind = (items: Item[], kind: string): Map<string, Item> =>
  new Map(
    items
      .filter((item) => item.sk === kind && String(item.pk).startsWith(`${kind}#`))
      .map((item) => [String(item.pk).slice(kind.length + 1), item]),
  );

const readWorld = async (client: DynamoDBDocumentClient, tables: ShopTables): Promise<World> => {
  const [billing, warehouse, delivery, orders, notifications] = await Promise.all(
    [tables.billing, tables.warehouse, tables.delivery, tables.orders, tables.notifications].map((table) =>
      scanAll(client, table),
    ),
  );
  const perOrder = new Map<string, string[]>();
  for (const item of notifications!.filter(
    (n) => typeof n.orderId === 'string' && !String(n.userId).startsWith('notification#'),
  )) {
    const told = perOrder.get(item.orderId as string) ?? [];
    told.push(item.status as string);
    perOrder.set(item.orderId as string, told);
  }
  return {
    balances: new Map([...byKind(billing!, 'ACCOUNT')].map(([userId, item]) => [userId, item.balance as number])),
    ledger: billing!
      .filter((item) => String(item.sk).startsWith('TX#'))
      .map((item) => ({
        key: `${String(item.pk)}|${String(item.sk)}`,
        userId: String(item.pk).slice('ACCOUNT#'.length),
        type: item.type as string,
        amount: item.amount as number,
        orderId: item.orderId as string | undefined,
      })),
    payments: byKind(billing!, 'PAYMENT') as Map<string, Item & Payment>,
    stock: new Map([...byKind(warehouse!, 'PRODUCT')].map(([sku, item]) => [sku, item.stock as number])),
    reservations: byKind(warehouse!, 'RESERVATION') as Map<string, Item & Reservation>,
    slots: new Map(
      [...byKind(delivery!, 'SLOT')].map(([slotId, item]) => [
        slotId,
        { capacity: item.capacity as number, booked: item.booked as number },
      ]),
    ),
    bookings: byKind(delivery!, 'BOOKING') as Map<string, Item & Booking>,
    // The similarity locks share the orders table; they have no status.
    orders: orders!.filter(
      (item) => typeof item.status === 'string' && typeof item.userId === 'string',
    ) as unknown as OrderRecord[],
    notifications: perOrder,
  };
};

const sumBy = <T>(items: Iterable<T>, key: (item: T) => string, amount: (item: T) => number): Map<string, number> => {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + amount(item));
  return sums;
};

/** What an order that is neither COMPLETED nor CANCELLED still holds: it counts as spent until it ends. */
const isSettled = (status: string) => status === 'COMPLETED' || status === 'CANCELLED';

/** Each order terminal; COMPENSATION_FAILED under its own rule, for the test to decide. */
const checkTerminal = (orders: OrderRecord[]): Violation[] =>
  orders
    .filter((order) => !isSettled(order.status))
    .map((order) =>
      order.status === 'COMPENSATION_FAILED'
        ? {
            rule: 'compensation-failed',
            subject: `order ${order.orderId}`,
            message: 'the order could not be compensated',
            actual: order.status,
          }
        : {
            rule: 'terminal',
            subject: `order ${order.orderId}`,
            message: 'the order is not in a terminal status',
            expected: 'COMPLETED or CANCELLED',
            actual: order.status,
          },
    );

/** The statuses each record may have: a completed order's steps all stand; a cancelled order's are undone or never happened. */
const EXPECTED: Record<'COMPLETED' | 'CANCELLED', { payment: string[]; reservation: string[]; booking: string[] }> = {
  COMPLETED: { payment: ['PAID'], reservation: ['RESERVED'], booking: ['BOOKED'] },
  CANCELLED: {
    payment: ['REFUNDED', 'VOIDED', 'ABSENT'],
    reservation: ['RELEASED', 'VOIDED', 'ABSENT'],
    booking: ['CANCELLED', 'VOIDED', 'ABSENT'],
  },
};

const checkCompensations = (orders: OrderRecord[], world: World): Violation[] => {
  const violations: Violation[] = [];
  for (const order of orders.filter((o) => isSettled(o.status))) {
    const expected = EXPECTED[order.status as 'COMPLETED' | 'CANCELLED'];
    const actual = {
      payment: world.payments.get(order.orderId)?.status ?? 'ABSENT',
      reservation: world.reservations.get(order.orderId)?.status ?? 'ABSENT',
      booking: world.bookings.get(order.orderId)?.status ?? 'ABSENT',
    };
    for (const step of ['payment', 'reservation', 'booking'] as const) {
      if (!expected[step].includes(actual[step])) {
        violations.push({
          rule: 'compensation',
          subject: `order ${order.orderId}`,
          message: `the ${step} of a ${order.status} order`,
          expected: expected[step].join(' or '),
          actual: actual[step],
        });
      }
    }
    const payment = world.payments.get(order.orderId);
    if (order.status === 'COMPLETED' && payment && payment.amount !== order.total) {
      violations.push({
        rule: 'money',
        subject: `order ${order.orderId}`,
        message: 'the payment of a completed order is not its total',
        expected: order.total,
        actual: payment.amount,
      });
    }
  }
  return violations;
};

/** One PAYMENT ledger entry per paid order, at most one REFUND, a refund equal to its payment, and none without a payment. */
const checkLedger = (orders: OrderRecord[], world: World): Violation[] => {
  const violations: Violation[] = [];
  const byOrder = new Map<string, LedgerEntry[]>();
  for (const entry of world.ledger.filter((e) => e.orderId !== undefined))
    byOrder.set(entry.orderId!, [...(byOrder.get(entry.orderId!) ?? []), entry]);
  for (const order of orders) {
    const entries = byOrder.get(order.orderId) ?? [];
    const payments = entries.filter((entry) => entry.type === 'PAYMENT');
    const refunds = entries.filter((entry) => entry.type === 'REFUND');
    const payment = world.payments.get(order.orderId);
    const paid = payment?.status === 'PAID' || payment?.status === 'REFUNDED';
    const subject = `order ${order.orderId}`;
    if (payments.length !== (paid ? 1 : 0))
      violations.push({
        rule: 'money',
        subject,
        message: 'PAYMENT ledger entries of the order',
        expected: paid ? 1 : 0,
        actual: payments.length,
      });
    if (refunds.length !== (payment?.status === 'REFUNDED' ? 1 : 0)) {
      violations.push({
        rule: 'money',
        subject,
        message: 'REFUND ledger entries of the order',
        expected: payment?.status === 'REFUNDED' ? 1 : 0,
        actual: refunds.length,
      });
    }
    for (const refund of refunds) {
      const paidAmount = -(payments[0]?.amount ?? 0);
      if (refund.amount !== paidAmount)
        violations.push({
          rule: 'money',
          subject,
          message: 'a refund is not its payment',
          expected: paidAmount,
          actual: refund.amount,
        });
    }
  }
  return violations;
};

/** Balances at the baseline + deposits since = balances now + totals of completed orders (+ what unsettled orders hold). */
const checkMoney = (baseline: Baseline, orders: OrderRecord[], world: World): Violation[] => {
  const before = new Set(baseline.ledgerKeys);
  const deposits = sumBy(
    world.ledger.filter((entry) => !before.has(entry.key) && (entry.type === 'DEPOSIT' || entry.type === 'OPENING')),
    (entry) => entry.userId,
    (entry) => entry.amount,
  );
  const spent = sumBy(
    orders.filter(
      (order) =>
        order.status === 'COMPLETED' ||
        (!isSettled(order.status) && world.payments.get(order.orderId)?.status === 'PAID'),
    ),
    (order) => order.userId,
    (order) => (order.status === 'COMPLETED' ? order.total : world.payments.get(order.orderId)!.amount),
  );
  const users = new Set([...Object.keys(baseline.balances), ...world.balances.keys()]);
  const violations: Violation[] = [];
  for (const userId of users) {
    const expected = (baseline.balances[userId] ?? 0) + (deposits.get(userId) ?? 0) - (spent.get(userId) ?? 0);
    const actual = world.balances.get(userId) ?? 0;
    if (expected !== actual)
      violations.push({
        rule: 'money',
        subject: `user ${userId}`,
        message: 'balance at the baseline + deposits since - completed orders',
        expected,
        actual,
      });
  }
  return violations;
};

/** Stock at the baseline - units of completed orders (and of unsettled orders still holding) = stock now; nothing held by a cancelled order. */
const checkStock = (baseline: Baseline, orders: OrderRecord[], world: World): Violation[] => {
  const violations: Violation[] = [];
  const holding = orders.filter(
    (o) =>
      o.status === 'COMPLETED' || (!isSettled(o.status) && world.reservations.get(o.orderId)?.status === 'RESERVED'),
  );
  const taken = sumBy(
    holding.flatMap((order) => order.items),
    (line) => line.sku,
    (line) => line.quantity,
  );
  for (const [sku, was] of Object.entries(baseline.stock)) {
    const now = world.stock.get(sku);
    if (now !== was - (taken.get(sku) ?? 0))
      violations.push({
        rule: 'stock',
        subject: `sku ${sku}`,
        message: 'stock at the baseline - units of completed orders',
        expected: was - (taken.get(sku) ?? 0),
        actual: now ?? 'ABSENT',
      });
  }
  for (const order of orders.filter(
    (o) => o.status === 'CANCELLED' && world.reservations.get(o.orderId)?.status === 'RESERVED',
  )) {
    violations.push({
      rule: 'stock',
      subject: `order ${order.orderId}`,
      message: 'a cancelled order still holds its reservation',
      expected: 'RELEASED',
      actual: 'RESERVED',
    });
  }
  return violations;
};

/** The same rule for slots: places booked at the baseline + completed orders' bookings = booked now; no booking held by a cancelled order. */
const checkSlots = (baseline: Baseline, orders: OrderRecord[], world: World): Violation[] => {
  const violations: Violation[] = [];
  const holding = orders.filter(
    (o) => o.status === 'COMPLETED' || (!isSettled(o.status) && world.bookings.get(o.orderId)?.status === 'BOOKED'),
  );
  const taken = sumBy(
    holding,
    (order) => world.bookings.get(order.orderId)?.slotId ?? order.delivery.slotId,
    () => 1,
  );
  for (const [slotId, was] of Object.entries(baseline.booked)) {
    const slot = world.slots.get(slotId);
    const expected = was + (taken.get(slotId) ?? 0);
    if (slot?.booked !== expected)
      violations.push({
        rule: 'slots',
        subject: `slot ${slotId}`,
        message: 'places booked at the baseline + bookings of completed orders',
        expected,
        actual: slot?.booked ?? 'ABSENT',
      });
    if (slot && slot.booked > slot.capacity && slot.booked > was)
      violations.push({
        rule: 'slots',
        subject: `slot ${slotId}`,
        message: 'more places booked than the slot has',
        expected: slot.capacity,
        actual: slot.booked,
      });
  }
  for (const order of orders.filter(
    (o) => o.status === 'CANCELLED' && world.bookings.get(o.orderId)?.status === 'BOOKED',
  )) {
    violations.push({
      rule: 'slots',
      subject: `order ${order.orderId}`,
      message: 'a cancelled order still holds its booking',
      expected: 'CANCELLED',
      actual: 'BOOKED',
    });
  }
  return violations;
};

/** Exactly one notification of each ended order's outcome; none twice; none of another outcome (but the COMPENSATION_FAILED a later cancel follows). */
const checkNotifications = (orders: OrderRecord[], world: World): Violation[] => {
  const violations: Violation[] = [];
  for (const order of orders.filter((o) => isSettled(o.status) || o.status === 'COMPENSATION_FAILED')) {
    const told = world.notifications.get(order.orderId) ?? [];
    const subject = `order ${order.orderId}`;
    const outcome = told.filter((status) => status === order.status).length;
    if (outcome !== 1)
      violations.push({
        rule: 'notification',
        subject,
        message: `notifications of its outcome ${order.status}`,
        expected: 1,
        actual: outcome,
      });
    const allowed = order.status === 'CANCELLED' ? [order.status, 'COMPENSATION_FAILED'] : [order.status];
    for (const status of new Set(told)) {
      const count = told.filter((s) => s === status).length;
      if (!allowed.includes(status))
        violations.push({
          rule: 'notification',
          subject,
          message: `a notification of ${status} for a ${order.status} order`,
          expected: 0,
          actual: count,
        });
      else if (status !== order.status && count > 1)
        violations.push({
          rule: 'notification',
          subject,
          message: `notifications of ${status}`,
          expected: 1,
          actual: count,
        });
    }
  }
  return violations;
};

export interface InvariantTarget {
  tables: ShopTables;
  /** A client of the deployment's DynamoDB; or else one is made for `endpoint` (and `region`, `credentials`). */
  client?: DynamoDBClient;
  endpoint?: string;
  region?: string;
  credentials?: DynamoDBClientConfig['credentials'];
}

export interface InvariantChecker {
  snapshot(): Promise<Baseline>;
  checkInvariants(baseline: Baseline): Promise<Violation[]>;
}

export const invariantChecker = (target: InvariantTarget): InvariantChecker => {
  const client = DynamoDBDocumentClient.from(
    target.client ??
      new DynamoDBClient({
        endpoint: target.endpoint,
        region: target.region ?? process.env.AWS_REGION ?? 'us-east-1',
        credentials: target.credentials,
      }),
  );
  return {
    async snapshot() {
      const world = await readWorld(client, target.tables);
      return {
        takenAt: new Date().toISOString(),
        orderIds: world.orders.map((order) => order.orderId),
        balances: Object.fromEntries(world.balances),
        ledgerKeys: world.ledger.map((entry) => entry.key),
        stock: Object.fromEntries(world.stock),
        booked: Object.fromEntries([...world.slots].map(([slotId, slot]) => [slotId, slot.booked])),
      };
    },
    async checkInvariants(baseline) {
      const world = await readWorld(client, target.tables);
      const known = new Set(baseline.orderIds);
      const orders = world.orders.filter((order) => !known.has(order.orderId));
      return [
        ...checkTerminal(orders),
        ...checkCompensations(orders, world),
        ...checkLedger(orders, world),
        ...checkMoney(baseline, orders, world),
        ...checkStock(baseline, orders, world),
        ...checkSlots(baseline, orders, world),
        ...checkNotifications(orders, world),
      ];
    },
  };
};
