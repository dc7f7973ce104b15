import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getRecord, pick, queryPage, type TransactItem } from '#shared/dynamo';
import { isConditionFailure } from '#shared/errors';
import { doOnce } from '#shared/once';
import type { Page, PageRequest } from '#shared/paging';
import type { OrderCursor } from './cursor';
import {
  isBackward,
  type Order,
  OrderAlreadyCompleted,
  OrderBeingCompensated,
  planTransition,
  SIMILARITY_WINDOW_SECONDS,
  type StatusUpdate,
  type Transition,
} from './domain';

export type CreateOutcome =
  | { kind: 'created'; order: Order }
  /** The same order id exists already: an earlier attempt with this idempotency key got that far. */
  | { kind: 'exists'; order: Order }
  /** A similar order of this user is still live within the window. */
  | { kind: 'similar'; order: Order };

export interface OrderStore {
  get(orderId: string): Promise<Order | undefined>;
  listByUser(userId: string, page: PageRequest<OrderCursor>): Promise<Page<Order, OrderCursor>>;
  create(order: Order, similarityKey: string): Promise<CreateOutcome>;
  applyStatus(orderId: string, update: StatusUpdate): Promise<{ order: Order; changed: boolean }>;
  beginCompensation(orderId: string): Promise<Order>;
  /** Orders still PENDING that were created before `createdBefore` (ISO time), oldest first, at most `limit`. */
  listPendingCreatedBefore(createdBefore: string, limit: number): Promise<Order[]>;
}

/** The value of `pending` while an order is PENDING: the `pendingByAge` index holds exactly those orders. */
const PENDING = 'PENDING';

interface StoredOrder extends Order {
  similarityKey: string;
  version: number;
  /** Present (as PENDING) only while the order is PENDING, so the sparse `pendingByAge` index lists those alone. */
  pending?: typeof PENDING;
  /**
   * The compensation fence: set once the saga starts undoing the order (never on a completed one),
   * after which no forward status can be written. Internal: not part of the order's public shape.
   */
  compensatingSince?: string;
}

const ORDER_FIELDS = [
  'orderId',
  'userId',
  'status',
  'items',
  'total',
  'currency',
  'delivery',
  'failureReason',
  'history',
  'createdAt',
  'updatedAt',
] as const;

/** The public shape of an order, without storage bookkeeping. */
export const toOrder = (stored: object): Order =>
  pick(stored as Record<string, unknown>, ORDER_FIELDS) as unknown as Order;

/**
 * The similarity lock lives in the orders table under its own key: one item per user and basket,
 * pointing at the live order that holds it. Taking it in the same transaction as the order makes
 * the "similar order within 5 minutes" rule race-free. It carries no userId, so the byUser index
 * does not see it.
 */
const lockKey = (userId: string, similarityKey: string) => `similar#${userId}#${similarityKey}`;

interface Lock {
  holder: string;
  expiresAt: number;
}

export class DynamoOrderStore implements OrderStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private getStored(orderId: string): Promise<StoredOrder | undefined> {
    return getRecord<StoredOrder>(this.client, this.tableName, { orderId });
  }

  async get(orderId: string): Promise<Order | undefined> {
    const stored = await this.getStored(orderId);
    return stored && toOrder(stored);
  }

  /** A page of the user's orders, newest first; a cursor only ever moves within this user's orders. */
  async listByUser(userId: string, { limit, after }: PageRequest<OrderCursor>): Promise<Page<Order, OrderCursor>> {
    const { items, last } = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        IndexName: 'byUser',
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
        ScanIndexForward: false,
      },
      limit,
      after && { userId, ...after },
    );
    return {
      items: items.map(toOrder),
      ...(last && { next: { createdAt: last.createdAt as string, orderId: last.orderId as string } }),
    };
  }

  async listPendingCreatedBefore(createdBefore: string, limit: number): Promise<Order[]> {
    // The index is eventually consistent and holds keys only: each order is read again, consistently.
    const { items: keys } = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        IndexName: 'pendingByAge',
        KeyConditionExpression: 'pending = :pending AND createdAt < :before',
        ExpressionAttributeValues: { ':pending': PENDING, ':before': createdBefore },
      },
      limit,
    );
    const orders: Order[] = [];
    for (const { orderId } of keys) {
      const stored = await this.getStored(orderId as string);
      if (stored?.status === 'PENDING') orders.push(toOrder(stored));
    }
    return orders;
  }

  async create(order: Order, similarityKey: string): Promise<CreateOutcome> {
    let takeover = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await doOnce<StoredOrder>(this.client, {
        tableName: this.tableName,
        key: { orderId: order.orderId },
        record: { ...order, similarityKey, version: 1, ...(order.status === 'PENDING' && { pending: PENDING }) },
        guards: [this.takeLock(order, similarityKey, takeover)],
      });
      if (result.kind === 'done') return { kind: 'created', order };
      if (result.kind === 'existing') return { kind: 'exists', order: toOrder(result.record) };
      const lock = await getRecord<Lock>(this.client, this.tableName, {
        orderId: lockKey(order.userId, similarityKey),
      });
      const holder = lock ? await this.get(lock.holder) : undefined;
      if (holder && holder.status !== 'CANCELLED') return { kind: 'similar', order: holder };
      // The holder was cancelled (or vanished): take the lock over from it, conditionally.
      takeover = lock?.holder ?? '';
    }
    throw new Error(`Order ${order.orderId} could not be created after 3 attempts`);
  }

  /**
   * Takes the similarity lock for the order's window, where it is free: no lock yet, an expired one,
   * this order's own (a retry), or the one a cancelled holder left and this attempt takes over.
   */
  private takeLock(order: Order, similarityKey: string, takeover: string): TransactItem {
    const now = Math.floor(Date.parse(order.createdAt) / 1000);
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          orderId: lockKey(order.userId, similarityKey),
          holder: order.orderId,
          expiresAt: now + SIMILARITY_WINDOW_SECONDS,
        },
        ConditionExpression:
          'attribute_not_exists(orderId) OR expiresAt <= :now OR holder = :self OR holder = :takeover',
        ExpressionAttributeValues: { ':now': now, ':self': order.orderId, ':takeover': takeover },
      },
    };
  }

  async applyStatus(orderId: string, update: StatusUpdate): Promise<{ order: Order; changed: boolean }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.getStored(orderId);
      if (!stored) throw new Error(`Order ${orderId} does not exist`);
      const at = new Date().toISOString();
      const plan = planTransition(stored, update, at);
      if (plan.kind === 'noop') return { order: toOrder(stored), changed: false };
      if (stored.compensatingSince && !isBackward(plan.status)) {
        throw new OrderBeingCompensated(
          `Order ${orderId} cannot go to ${plan.status}: its compensation began at ${stored.compensatingSince}`,
        );
      }
      try {
        const { Attributes } = await this.client.send(new UpdateCommand(this.statusWrite(stored, plan, at)));
        if (plan.status === 'CANCELLED') await this.releaseLock(stored);
        return { order: toOrder(Attributes!), changed: true };
      } catch (error) {
        if (isConditionFailure(error)) continue; // changed concurrently: plan again from what is there now
        throw error;
      }
    }
    throw new Error(`Status of order ${orderId} did not settle after 5 attempts`);
  }

  /**
   * The write of a planned status change, conditional on the version it was planned from. A forward
   * status is also conditional on the fence being down; a backward one raises it, if it is not up yet.
   * Any status but PENDING takes the order out of the `pendingByAge` index.
   */
  private statusWrite(stored: StoredOrder, plan: Extract<Transition, { kind: 'apply' }>, at: string) {
    const backward = isBackward(plan.status);
    const sets = [
      '#status = :status',
      'history = list_append(history, :entries)',
      'updatedAt = :at',
      'version = version + :one',
    ];
    if (plan.failureReason) sets.push('failureReason = :reason');
    if (backward) sets.push('compensatingSince = if_not_exists(compensatingSince, :at)');
    return {
      TableName: this.tableName,
      Key: { orderId: stored.orderId },
      UpdateExpression: `SET ${sets.join(', ')} REMOVE pending`,
      ConditionExpression: backward
        ? 'version = :version'
        : 'version = :version AND attribute_not_exists(compensatingSince)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': plan.status,
        ':entries': plan.entries,
        ':at': at,
        ':one': 1,
        ':version': stored.version,
        ...(plan.failureReason && { ':reason': plan.failureReason }),
      },
      ReturnValues: 'ALL_NEW' as const,
    };
  }

  /**
   * Raises the compensation fence, atomically, unless the order is COMPLETED: a completed order
   * refuses to be compensated (OrderAlreadyCompleted). Raising it again is a no-op.
   */
  async beginCompensation(orderId: string): Promise<Order> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          UpdateExpression: 'SET compensatingSince = if_not_exists(compensatingSince, :now)',
          ConditionExpression: 'attribute_exists(orderId) AND #status <> :completed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': new Date().toISOString(), ':completed': 'COMPLETED' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toOrder(Attributes!);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const stored = await this.getStored(orderId);
      if (!stored) throw new Error(`Order ${orderId} does not exist`, { cause: error });
      throw new OrderAlreadyCompleted(`Order ${orderId} is COMPLETED: a completed order is not compensated`, {
        cause: error,
      });
    }
  }

  /** A cancelled order no longer blocks a similar one. Best effort: the lock expires by itself anyway. */
  private async releaseLock(order: StoredOrder): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId: lockKey(order.userId, order.similarityKey) },
          UpdateExpression: 'SET expiresAt = :past',
          ConditionExpression: 'holder = :self',
          ExpressionAttributeValues: { ':past': 0, ':self': order.orderId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
