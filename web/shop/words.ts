import { FORWARD as FORWARD_PATH } from '#order/status';
import type { CompensationEvent, FailureReason, HistoryEntry, OrderStatus } from './types';

// The statuses and failure reasons themselves are the order service's, from its dependency-free
// functions/order/status.ts (the only module of the services the page bundles); here, their words.
export { isTerminal, TERMINAL } from '#order/status';

/** What each step of an order's history means to its buyer. */
export const STEP_LABELS: Record<HistoryEntry['status'], string> = {
  PENDING: 'Order received',
  PAYMENT_COMPLETED: 'Payment taken',
  ITEMS_RESERVED: 'Items reserved',
  DELIVERY_BOOKED: 'Delivery booked',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
  COMPENSATION_FAILED: 'Compensation failed',
  DELIVERY_CANCELLED: 'Delivery cancelled',
  ITEMS_RELEASED: 'Items released',
  PAYMENT_REFUNDED: 'Payment refunded',
};

/** Each compensation and the forward step it undoes. */
export const COMPENSATES: Record<CompensationEvent, OrderStatus> = {
  DELIVERY_CANCELLED: 'DELIVERY_BOOKED',
  ITEMS_RELEASED: 'ITEMS_RESERVED',
  PAYMENT_REFUNDED: 'PAYMENT_COMPLETED',
};

export const isCompensation = (status: HistoryEntry['status']): status is CompensationEvent => status in COMPENSATES;

/** The forward path an order takes when all goes well, typed for a lookup of any status. */
export const FORWARD: readonly OrderStatus[] = FORWARD_PATH;

/** Why an order was cancelled, in words: what happened and what it means for the buyer. */
export const REASONS: Record<FailureReason, { title: string; detail: string }> = {
  PAYMENT_DECLINED: {
    title: 'Payment declined',
    detail: 'Your balance did not cover the total, so nothing was charged. Deposit funds and order again.',
  },
  OUT_OF_STOCK: {
    title: 'Out of stock',
    detail: 'An item was no longer in stock in the quantity you ordered. Your payment was refunded in full.',
  },
  DELIVERY_UNAVAILABLE: {
    title: 'Delivery unavailable',
    detail:
      'The delivery slot you chose filled up before it could be booked. The items were released and your payment refunded.',
  },
  SERVICE_UNAVAILABLE: {
    title: 'Service unavailable',
    detail:
      'Part of the shop was not answering, so your order was stopped at once rather than kept waiting. Anything already done was undone and your payment refunded. Please try again in a minute.',
  },
  COMPENSATION_FAILED: {
    title: 'Cancellation incomplete',
    detail:
      'The order failed and not every step could be undone automatically yet. It is retried from the operations console; no action is needed from you.',
  },
};

/** A reason code the page does not know (a newer API) is still said in words. */
export const reasonFor = (reason: string | undefined): { title: string; detail: string } | undefined => {
  if (!reason) return undefined;
  return (
    REASONS[reason as FailureReason] ?? {
      title: reason
        .replace(/_/g, ' ')
        .toLowerCase()
        .replace(/^./, (c) => c.toUpperCase()),
      detail: '',
    }
  );
};

/** The order's status as a badge: its words and its tone. */
export const statusBadge = (status: OrderStatus): { label: string; tone: 'ok' | 'bad' | 'busy' | 'warn' } => {
  if (status === 'COMPLETED') return { label: 'Completed', tone: 'ok' };
  if (status === 'CANCELLED') return { label: 'Cancelled', tone: 'bad' };
  if (status === 'COMPENSATION_FAILED') return { label: 'Needs attention', tone: 'warn' };
  return { label: `In progress · ${STEP_LABELS[status]}`, tone: 'busy' };
};
