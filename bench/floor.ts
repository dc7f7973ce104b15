import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { DynamoBillingStore } from '../functions/billing/store';
import { DynamoDeliveryStore } from '../functions/delivery/store';
import { messageFor, notificationIdFor } from '../functions/notification/domain';
import { DynamoNotificationStore } from '../functions/notification/store';
import { createOrder } from '../functions/order/create-order-service';
import { DynamoOrderStore } from '../functions/order/store';
import { toDocumentClient } from '../functions/shared/dynamo';
import { quote } from '../functions/warehouse/domain';
import { DynamoWarehouseStore } from '../functions/warehouse/store';
import { basketOf, nextOrderNumber } from './lib/baskets';
import type { User } from './lib/client';
import { percentiles, round1 } from './lib/stats';

/** The tables, by the environment variable the functions read them from. */
export type Tables = Record<
  'BILLING_TABLE' | 'WAREHOUSE_TABLE' | 'DELIVERY_TABLE' | 'ORDERS_TABLE' | 'NOTIFICATIONS_TABLE' | 'IDEMPOTENCY_TABLE',
  string
>;

/**
 * The floor: what one saga does to DynamoDB, and nothing else. The same store operations the
 * functions perform — POST /orders' idempotency record, quote, order and similarity lock; pay,
 * reserve, book; the four status updates; the notification — called directly from this process on
 * the same DynamoDB Local the local cloud uses: no API front, no engine, no workers, no edge.
 */
export class Floor {
  private readonly client: DynamoDBClient;
  private readonly stores;
  private readonly createOnce;
  /** DynamoDB calls made, by operation. */
  readonly calls = new Map<string, number>();

  constructor(
    endpoint: string,
    tables: Tables,
    private readonly world: { skus: string[]; slots: string[]; users: Record<User, string> },
  ) {
    this.client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    this.client.middlewareStack.add(
      (next, context) => (args) => {
        this.calls.set(
          context.commandName!.replace(/Command$/, ''),
          (this.calls.get(context.commandName!.replace(/Command$/, '')) ?? 0) + 1,
        );
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const documents = toDocumentClient(this.client);
    this.stores = {
      billing: new DynamoBillingStore(documents, tables.BILLING_TABLE),
      warehouse: new DynamoWarehouseStore(documents, tables.WAREHOUSE_TABLE),
      delivery: new DynamoDeliveryStore(documents, tables.DELIVERY_TABLE),
      orders: new DynamoOrderStore(documents, tables.ORDERS_TABLE),
      notifications: new DynamoNotificationStore(documents, tables.NOTIFICATIONS_TABLE),
    };
    const config = new IdempotencyConfig({
      eventKeyJmesPath: '[userId, idempotencyKey]',
      payloadValidationJmesPath: 'request',
      expiresAfterSeconds: 86_400,
    });
    // As POST /orders does, with the time its function has left (Powertools records it in the in-progress item).
    config.registerLambdaContext({ getRemainingTimeInMillis: () => 10_000 } as Context);
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: tables.IDEMPOTENCY_TABLE,
      awsSdkV3Client: this.client,
    });
    const { warehouse, orders } = this.stores;
    const create = (input: Parameters<typeof createOrder>[1]) =>
      createOrder(
        {
          store: orders,
          catalogue: { quote: async (items) => quote(items, await warehouse.getProducts(items.map((i) => i.sku))) },
          saga: { start: () => Promise.resolve() },
        },
        input,
      );
    this.createOnce = makeIdempotent(create, { persistenceStore, config, keyPrefix: 'bench-floor' });
  }

  /** One saga's store operations, in the saga's order; answers how long they took. */
  async saga(): Promise<number> {
    const n = nextOrderNumber();
    const { billing, warehouse, delivery, orders, notifications } = this.stores;
    const user = (['alice', 'bob', 'admin'] as const)[n % 3]!;
    const userId = this.world.users[user];
    const { skus, slots } = this.world;
    const items = basketOf(skus, n);
    const slotId = slots[n % slots.length]!;
    const started = performance.now();
    const order = await this.createOnce({
      userId,
      idempotencyKey: `floor-${randomUUID()}`,
      request: { items, delivery: { slotId, address: '1 Floor Street' } },
    });
    await billing.pay(order.orderId, userId, order.total);
    await orders.applyStatus(order.orderId, { status: 'PAYMENT_COMPLETED' });
    await warehouse.reserve(order.orderId, order.items);
    await orders.applyStatus(order.orderId, { status: 'ITEMS_RESERVED' });
    await delivery.book(order.orderId, slotId, '1 Floor Street');
    await orders.applyStatus(order.orderId, { status: 'DELIVERY_BOOKED' });
    await orders.applyStatus(order.orderId, { status: 'COMPLETED' });
    const event = { orderId: order.orderId, userId, status: 'COMPLETED' as const };
    await notifications.add(userId, {
      notificationId: notificationIdFor(event),
      orderId: order.orderId,
      status: 'COMPLETED',
      message: messageFor(event),
      createdAt: new Date().toISOString(),
    });
    return performance.now() - started;
  }

  /** `count` floor sagas from `concurrency` loops: their latencies and the sagas per second. */
  async run(count: number, concurrency: number) {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < count) latencies.push(await this.saga());
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { concurrency, sagas: count, perSecond: round1(count / seconds), ...percentiles(latencies) };
  }

  destroy(): void {
    this.client.destroy();
  }
}
