import type { SagaExecutions } from './ports';
import type { OrderStore } from './store';

/** The most orders one run starts; the oldest go first, and the next run (a minute later) takes the rest. */
export const MAX_ORDERS_PER_RUN = 200;

export interface ReconcileDeps {
  store: Pick<OrderStore, 'listPendingCreatedBefore'>;
  executions: SagaExecutions;
  now?: () => Date;
}

export interface ReconcileResult {
  /** PENDING orders older than the threshold that were looked at. */
  examined: number;
  /** The orders whose saga this run started: they had none. */
  started: string[];
}

/**
 * Starts the saga of every order left PENDING for longer than `olderThanSeconds` with no execution:
 * the order was written, then the process died before StartExecution. A PENDING order that has an
 * execution is in its saga already, and is left to it. Starting is idempotent by execution name
 * (the order id), so a run racing the order's own start, or another run, starts nothing twice.
 */
export const reconcilePendingOrders = async (
  deps: ReconcileDeps,
  olderThanSeconds: number,
): Promise<ReconcileResult> => {
  const now = deps.now?.() ?? new Date();
  const createdBefore = new Date(now.getTime() - olderThanSeconds * 1000).toISOString();
  const pending = await deps.store.listPendingCreatedBefore(createdBefore, MAX_ORDERS_PER_RUN);
  const started: string[] = [];
  for (const order of pending) {
    if (await deps.executions.exists(order.orderId)) continue;
    await deps.executions.start(order);
    started.push(order.orderId);
  }
  return { examined: pending.length, started };
};
