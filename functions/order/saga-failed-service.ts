import { taskHandler } from '#shared/handler';
import { logger } from '#shared/observability';
import { OrderId, parseTask } from '#shared/schemas';
import * as z from '#shared/zod';
import { isTerminal, type Order, OrderAlreadyCancelled, OrderAlreadyCompleted } from './domain';
import { type OrderEvents, outcomeOf } from './order-events';
import { recordStatusMetrics } from './status-metrics';
import type { OrderStore } from './store';

/**
 * What this function reads of Step Functions' "Execution Status Change" event (EventBridge): the
 * execution, named after its order, and how it ended. The order is found by that name, never by the
 * execution's input.
 */
export const SagaEnded = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    name: OrderId,
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    error: z.optional(z.nullable(z.string())),
    cause: z.optional(z.nullable(z.string())),
    redriveCount: z.optional(z.number()),
  }),
});
export type SagaEnded = z.infer<typeof SagaEnded>;

export interface SagaFailedDeps {
  store: Pick<OrderStore, 'get' | 'applyStatus'>;
  events: OrderEvents;
}

export type Settled = { kind: 'unknown-order' } | { kind: 'settled'; order: Order; changed: boolean };

const causeOf = ({ status, error, cause }: SagaEnded['detail']): string =>
  cause ?? error ?? `the saga's execution ended ${status}`;

/** Marks a live order COMPENSATION_FAILED; one that ended meanwhile (its CompleteOrder or CancelOrder landed) keeps its outcome. */
const markCompensationFailed = async (
  store: SagaFailedDeps['store'],
  order: Order,
  cause: string,
): Promise<{ order: Order; changed: boolean }> => {
  try {
    return await store.applyStatus(order.orderId, {
      status: 'COMPENSATION_FAILED',
      reason: 'COMPENSATION_FAILED',
      cause,
    });
  } catch (error) {
    if (!(error instanceof OrderAlreadyCompleted || error instanceof OrderAlreadyCancelled)) throw error;
    return { order: (await store.get(order.orderId)) ?? order, changed: false };
  }
};

/**
 * The saga's execution ended without finishing (a step failed after its retries, it timed out, or
 * someone stopped it): the saga can no longer settle the order itself, so this does. A live order
 * becomes COMPENSATION_FAILED (which also raises the compensation fence: a redrive can only undo it,
 * then cancel it); an order that had ended keeps its outcome. Either way the buyer is told the
 * outcome, on the same topic as the saga's Notify states; the notification store keeps one per
 * outcome, so a repeated event (EventBridge delivers at least once) or a second failure of a
 * redriven execution tells nobody twice.
 */
export const settleFailedSaga = async (deps: SagaFailedDeps, ended: SagaEnded['detail']): Promise<Settled> => {
  const order = await deps.store.get(ended.name);
  if (!order) return { kind: 'unknown-order' };
  const { order: settled, changed } = isTerminal(order.status)
    ? { order, changed: false }
    : await markCompensationFailed(deps.store, order, causeOf(ended));
  await deps.events.publish(outcomeOf(settled));
  return { kind: 'settled', order: settled, changed };
};

/** The EventBridge rule's target: parse, settle, count and log; a failure propagates, and Lambda retries the event. */
export const makeSagaFailedHandler = (deps: SagaFailedDeps) =>
  taskHandler(async (event: unknown) => {
    const { detail } = parseTask(SagaEnded, event);
    const settled = await settleFailedSaga(deps, detail);
    if (settled.kind === 'unknown-order') {
      logger.warn('The saga of an unknown order ended', { orderId: detail.name, executionStatus: detail.status });
      return { orderId: detail.name, executionStatus: detail.status, outcome: null };
    }
    if (settled.changed) {
      recordStatusMetrics(settled.order);
      logger.error('Saga ended without finishing: order marked COMPENSATION_FAILED', {
        orderId: detail.name,
        executionStatus: detail.status,
        error: detail.error,
        redriveCount: detail.redriveCount,
      });
    }
    return { orderId: detail.name, executionStatus: detail.status, outcome: settled.order.status };
  });
