import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { adjust, keyOf, pick, queryAll } from '#shared/dynamo';
import { isConditionFailure } from '#shared/errors';
import { doOnce, undoOnce } from '#shared/once';
import type { OrderLine } from '#shared/schemas';
import { CURRENCY } from '#shared/money';
import { mergeLines, type Product, RESERVATION_LIFE, type ReservationStatus } from './domain';

export interface ProductChange {
  name?: string;
  price?: number;
  stock: number;
}

export type ReserveOutcome = { kind: 'reserved' } | { kind: 'rejected'; reason: string };

export interface WarehouseStore {
  listProducts(): Promise<Product[]>;
  getProducts(skus: readonly string[]): Promise<Map<string, Product>>;
  putProduct(sku: string, change: ProductChange): Promise<Product | undefined>;
  reserve(orderId: string, lines: readonly OrderLine[]): Promise<ReserveOutcome>;
  release(orderId: string): Promise<{ released: boolean }>;
}

interface Reservation {
  status: ReservationStatus;
  lines: OrderLine[];
}

const productKey = keyOf('PRODUCT');
const reservationKey = keyOf('RESERVATION');
const toProduct = (item: Record<string, unknown>): Product => ({
  ...(pick(item, ['sku', 'name', 'price', 'stock']) as Omit<Product, 'currency'>),
  currency: CURRENCY,
});

/** Products and reservations in one table; the `byKind` index lists the catalogue without a scan. */
export class DynamoWarehouseStore implements WarehouseStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listProducts(): Promise<Product[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byKind',
      KeyConditionExpression: '#kind = :kind',
      ExpressionAttributeNames: { '#kind': 'kind' },
      ExpressionAttributeValues: { ':kind': 'PRODUCT' },
    });
    return items.map(toProduct);
  }

  async getProducts(skus: readonly string[]): Promise<Map<string, Product>> {
    const found = new Map<string, Product>();
    const unique = [...new Set(skus)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(productKey);
      while (keys && keys.length > 0) {
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[this.tableName] ?? []) found.set(item.sku as string, toProduct(item));
        keys = UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  /** Creates or changes a product; answers undefined when a new product lacks a name or price. */
  async putProduct(sku: string, change: ProductChange): Promise<Product | undefined> {
    const fields: Record<string, unknown> = {
      stock: change.stock,
      kind: 'PRODUCT',
      sku,
      currency: CURRENCY,
      updatedAt: new Date().toISOString(),
      ...(change.name !== undefined && { name: change.name }),
      ...(change.price !== undefined && { price: change.price }),
    };
    const names = Object.fromEntries(Object.keys(fields).map((field) => [`#${field}`, field]));
    const values = Object.fromEntries(Object.entries(fields).map(([field, value]) => [`:${field}`, value]));
    const isComplete = change.name !== undefined && change.price !== undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: productKey(sku),
          UpdateExpression: `SET ${Object.keys(fields)
            .map((field) => `#${field} = :${field}`)
            .join(', ')}`,
          // A new product must come with its name and price; an existing one may change any field.
          ConditionExpression: isComplete ? undefined : 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toProduct(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async reserve(orderId: string, lines: readonly OrderLine[]): Promise<ReserveOutcome> {
    const merged = mergeLines(lines);
    const result = await doOnce<Reservation>(this.client, {
      tableName: this.tableName,
      key: reservationKey(orderId),
      record: { orderId, lines: merged, status: 'RESERVED', createdAt: new Date().toISOString() },
      guards: merged.map(({ sku, quantity }) =>
        adjust(this.tableName, productKey(sku), 'stock', -quantity, {
          expression: 'attribute_exists(pk) AND #n >= :quantity',
          values: { ':quantity': quantity },
        }),
      ),
    });
    if (result.kind === 'done') return { kind: 'reserved' };
    if (result.kind === 'existing') {
      const { status } = result.record;
      if (status === 'RESERVED') return { kind: 'reserved' };
      // A re-run after the release must not take the stock again.
      return {
        kind: 'rejected',
        reason:
          status === 'RELEASED'
            ? 'the order was reserved and released already'
            : 'the order was cancelled before reservation',
      };
    }
    const short = merged.filter((_, i) => result.refused[i]).map(({ sku }) => sku);
    return { kind: 'rejected', reason: `not enough stock for ${short.join(', ')}` };
  }

  async release(orderId: string): Promise<{ released: boolean }> {
    const { undone } = await undoOnce<Reservation>(this.client, {
      tableName: this.tableName,
      key: reservationKey(orderId),
      life: RESERVATION_LIFE,
      tombstone: { orderId, lines: [] },
      undoWrites: (reservation) =>
        reservation.lines.map(({ sku, quantity }) => adjust(this.tableName, productKey(sku), 'stock', quantity)),
    });
    return { released: undone };
  }
}
