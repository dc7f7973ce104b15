import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBillingStore } from '#billing/store';
import { DynamoDeliveryStore } from '#delivery/store';
import { DynamoWarehouseStore } from '#warehouse/store';

/** Demo data: the catalogue, a week of delivery slots (one of them full) and the demo users' accounts. */
export const PRODUCTS = [
  { sku: 'TEA-01', name: 'Sencha green tea, 100 g', price: 450, stock: 200 },
  { sku: 'TEA-02', name: 'Earl Grey, 100 g', price: 395, stock: 150 },
  { sku: 'COFFEE-01', name: 'Espresso beans, 250 g', price: 1190, stock: 120 },
  { sku: 'COFFEE-02', name: 'Decaf filter coffee, 250 g', price: 990, stock: 80 },
  { sku: 'MUG-01', name: 'Stoneware mug', price: 1450, stock: 60 },
  { sku: 'KETTLE-01', name: 'Gooseneck kettle', price: 4900, stock: 25 },
  { sku: 'GRINDER-01', name: 'Burr grinder', price: 8900, stock: 15 },
  { sku: 'FILTER-01', name: 'Paper filters, 100 pcs', price: 350, stock: 300 },
  { sku: 'HONEY-01', name: 'Wildflower honey, 250 g', price: 790, stock: 40 },
  { sku: 'CAMERA-01', name: 'Limited edition tea caddy', price: 2500, stock: 3 },
] as const;

const WINDOWS = [
  { id: 'am', window: '09:00-12:00' },
  { id: 'pm', window: '13:00-17:00' },
  { id: 'eve', window: '18:00-21:00' },
];
const SLOT_CAPACITY = 20;

/** The opening balance of each demo user, in cents: alice can pay for a few orders, the others start at 0. */
export const OPENING_BALANCES: Record<string, number> = { alice: 50_000, bob: 0, admin: 0 };

export interface SeedTables {
  /** The table bound to a function environment variable (`WAREHOUSE_TABLE` …). */
  (variable: string): string;
}

export interface SeedSummary {
  products: number;
  slots: number;
  fullSlot: string;
  accounts: number;
}

const day = (from: Date, offset: number) => new Date(from.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * Seeds the demo data through the services' own stores, on the DynamoDB the given client speaks to
 * (the local cloud's edge, LocalStack or AWS). Safe to run on every start: products, slots and
 * accounts are only created when missing, so the shop's state is never reset.
 */
export const seedDemo = async (
  client: DynamoDBDocumentClient,
  table: SeedTables,
  users: { id: string; username: string }[],
  now = new Date(),
): Promise<SeedSummary> => {
  const warehouse = new DynamoWarehouseStore(client, table('WAREHOUSE_TABLE'));
  const delivery = new DynamoDeliveryStore(client, table('DELIVERY_TABLE'));
  const billing = new DynamoBillingStore(client, table('BILLING_TABLE'));

  // Each write is a put-if-absent of its own: they go out together (a start seeds again, for the new days' slots).
  const existing = await warehouse.getProducts(PRODUCTS.map((p) => p.sku));
  const days = Array.from({ length: 7 }, (_, i) => day(now, i + 1));
  const slots = days.flatMap((date) =>
    WINDOWS.map(({ id, window }) => ({ slotId: `${date}-${id}`, date, window, capacity: SLOT_CAPACITY })),
  );
  // Tomorrow evening is already full: one place, taken by a standing booking.
  const fullSlot = `${day(now, 1)}-full`;
  const [opened] = await Promise.all([
    Promise.all(
      users.map(
        async (user) =>
          OPENING_BALANCES[user.username] !== undefined &&
          (await billing.openAccount(user.id, OPENING_BALANCES[user.username]!)),
      ),
    ),
    ...PRODUCTS.filter((product) => !existing.has(product.sku)).map((product) =>
      warehouse.putProduct(product.sku, { name: product.name, price: product.price, stock: product.stock }),
    ),
    ...slots.map((slot) => delivery.putSlot(slot)),
    delivery
      .putSlot({ slotId: fullSlot, date: day(now, 1), window: '21:00-22:00', capacity: 1 })
      .then(() => delivery.book(`seed-booking-${fullSlot}`, fullSlot, 'Seed booking')),
  ]);
  const accounts = opened.filter(Boolean).length;
  return { products: PRODUCTS.length, slots: slots.length + 1, fullSlot, accounts };
};
