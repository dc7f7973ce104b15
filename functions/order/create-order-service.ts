import { BadRequest, Conflict } from '#shared/errors';
import { metrics, MetricUnit } from '#shared/observability';
import type { OrderLine } from '#shared/schemas';
import { type Order, orderIdFor, similarityKey } from './domain';
import type { Catalogue, SagaStarter } from './ports';
import type { OrderStore } from './store';

export interface CreateOrderRequest {
  items: OrderLine[];
  delivery: { slotId: string; address: string };
}

export interface CreateOrderDeps {
  store: OrderStore;
  catalogue: Catalogue;
  saga: SagaStarter;
  now?: () => Date;
}

export class DuplicateOrder extends Conflict {
  constructor(existing: Order) {
    super('DUPLICATE_ORDER', `A similar order ${existing.orderId} was placed less than 5 minutes ago`, {
      order: existing,
    });
  }
}

/**
 * Prices the basket, writes the order as PENDING (taking the similarity lock in the same
 * transaction) and starts its saga. Safe to run again for the same user and key: it finds the
 * same order and the same execution.
 */
export const createOrder = async (
  deps: CreateOrderDeps,
  input: { userId: string; idempotencyKey: string; request: CreateOrderRequest },
): Promise<Order> => {
  const { userId, idempotencyKey, request } = input;
  const quote = await deps.catalogue.quote(request.items);
  if (!quote.ok) {
    throw new BadRequest(`Unknown products: ${quote.unknownSkus.join(', ')}`, 'UNKNOWN_PRODUCT', {
      skus: quote.unknownSkus,
    });
  }
  const at = (deps.now?.() ?? new Date()).toISOString();
  const order: Order = {
    orderId: orderIdFor(userId, idempotencyKey),
    userId,
    status: 'PENDING',
    items: quote.lines,
    total: quote.total,
    currency: quote.currency,
    delivery: request.delivery,
    history: [{ status: 'PENDING', at }],
    createdAt: at,
    updatedAt: at,
  };
  const outcome = await deps.store.create(order, similarityKey(request.items));
  if (outcome.kind === 'similar') {
    metrics.addMetric('DuplicateOrdersRejected', MetricUnit.Count, 1);
    throw new DuplicateOrder(outcome.order);
  }
  await deps.saga.start(outcome.order);
  if (outcome.kind === 'created') metrics.addMetric('OrdersCreated', MetricUnit.Count, 1);
  return outcome.order;
};
