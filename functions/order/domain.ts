import { createHash } from 'node:crypto';
import type { PricedLine } from '#shared/contracts';
import type { OrderLine } from '#shared/schemas';
import { CURRENCY } from '#shared/money';
import {
  type CompensationEvent,
  type FailureReason,
  FORWARD,
  type ForwardStatus,
  isTerminal,
  type OrderStatus,
} from './status';

// The statuses and failure reasons are status.ts's (dependency-free, shared with the shop page).
export * from './status';

export interface HistoryEntry {
  status: OrderStatus | CompensationEvent;
  at: string;
  reason?: string;
}

export interface Order {
  orderId: string;
  userId: string;
  status: OrderStatus;
  items: PricedLine[];
  total: number;
  currency: typeof CURRENCY;
  delivery: { slotId: string; address: string };
  failureReason?: FailureReason;
  history: HistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

/** Time within which a second order with the same basket is taken for an accidental duplicate. */
export const SIMILARITY_WINDOW_SECONDS = 300;

/**
 * Two orders are similar when they belong to the same user and hold the same multiset of skus:
 * the same skus with the same total quantity of each, whatever the order or splitting of lines.
 * The delivery slot and address do not count. This key captures exactly that.
 */
export const similarityKey = (lines: readonly OrderLine[]): string => {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of lines) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  const canonical = [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sku, quantity]) => `${sku}*${quantity}`)
    .join(',');
  return createHash('sha256').update(canonical).digest('hex');
};

/**
 * The order id is derived from the buyer and the idempotency key, so a retry after a partial
 * failure finds the same order and the same execution name instead of creating another.
 */
export const orderIdFor = (userId: string, idempotencyKey: string): string => {
  const hex = createHash('sha256').update(`${userId}\n${idempotencyKey}`).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/**
 * Forward moves go one step at a time; any live order may end CANCELLED or COMPENSATION_FAILED; and
 * an order whose compensation failed may still end CANCELLED, once its compensations are finished
 * later (a redrive). Every other move out of a terminal status is illegal.
 */
export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => {
  if (from === 'COMPENSATION_FAILED') return to === 'CANCELLED';
  if (isTerminal(from)) return false;
  if (to === 'CANCELLED' || to === 'COMPENSATION_FAILED') return true;
  const fromIndex = FORWARD.indexOf(from as ForwardStatus);
  return fromIndex >= 0 && FORWARD[fromIndex + 1] === to;
};

/** The statuses the saga moves to on its way back, after it fenced the order (see `OrderBeingCompensated`). */
export const isBackward = (status: OrderStatus): boolean => status === 'CANCELLED' || status === 'COMPENSATION_FAILED';

export class InvalidTransition extends Error {
  override readonly name: string = 'InvalidTransition';
}

/*
 * The named refusals the state machine routes on (their `name` is the Lambda `errorType`):
 * - a completed order refuses to be compensated, and the saga goes back to its success end;
 * - a cancelled order refuses to be marked COMPENSATION_FAILED, and the saga ends cancelled;
 * - an order whose compensation began refuses every forward status, so a late forward write
 *   cannot land once its undo has started.
 */
export class OrderAlreadyCompleted extends InvalidTransition {
  override readonly name = 'OrderAlreadyCompleted';
}

export class OrderAlreadyCancelled extends InvalidTransition {
  override readonly name = 'OrderAlreadyCancelled';
}

export class OrderBeingCompensated extends InvalidTransition {
  override readonly name = 'OrderBeingCompensated';
}

/** What the saga reports with a status change. */
export interface StatusUpdate {
  status: OrderStatus;
  reason?: FailureReason;
  /** The error that started the compensation, as Step Functions caught it. */
  cause?: string;
  /** What each compensation answered, when it ran. */
  compensations?: {
    cancelDelivery?: { cancelled: boolean };
    release?: { released: boolean };
    refund?: { refunded: boolean; amount: number };
  };
}

export type Transition =
  { kind: 'noop' } | { kind: 'apply'; status: OrderStatus; failureReason?: FailureReason; entries: HistoryEntry[] };

/** Extracts the human message from a Lambda error cause (`{"errorType","errorMessage"}`), or keeps the text. */
export const describeCause = (cause: string | undefined): string | undefined => {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage.slice(0, 500);
  } catch {
    // not JSON: use it as it is
  }
  return cause.slice(0, 500);
};

/** True when the order holds this status now or held it before: a repeat or a late replay of its update. */
export const hasPassed = (order: Pick<Order, 'status' | 'history'>, status: OrderStatus): boolean =>
  order.status === status || order.history.some((entry) => entry.status === status);

/** Refuses an illegal move, with the named error the saga routes on where there is one. */
const refuse = (from: OrderStatus, to: OrderStatus): never => {
  const message = `Order cannot go from ${from} to ${to}`;
  if (from === 'COMPLETED' && isBackward(to))
    throw new OrderAlreadyCompleted(`${message}: a completed order is not compensated`);
  if (from === 'CANCELLED' && to === 'COMPENSATION_FAILED')
    throw new OrderAlreadyCancelled(`${message}: its compensations are done`);
  throw new InvalidTransition(message);
};

/** The history entries of the compensations that ran, in the order they ran. */
const compensationEntries = (compensations: StatusUpdate['compensations'], at: string): HistoryEntry[] => {
  const entries: HistoryEntry[] = [];
  const { cancelDelivery, release, refund } = compensations ?? {};
  if (cancelDelivery)
    entries.push({
      status: 'DELIVERY_CANCELLED',
      at,
      reason: cancelDelivery.cancelled ? 'delivery slot released' : 'no booking to cancel',
    });
  if (release)
    entries.push({
      status: 'ITEMS_RELEASED',
      at,
      reason: release.released ? 'reserved stock returned' : 'no reservation to release',
    });
  if (refund)
    entries.push({
      status: 'PAYMENT_REFUNDED',
      at,
      reason: refund.refunded ? `refunded ${refund.amount} ${CURRENCY}` : 'no payment to refund',
    });
  return entries;
};

/**
 * Plans a status change. A status the order holds or has held already is a no-op (a Step Functions
 * retry, or a state re-run after a crash); an illegal move is an error; and a cancellation records
 * the compensations that ran, in the order they ran, before the final status.
 */
export const planTransition = (
  order: Pick<Order, 'status' | 'history'>,
  update: StatusUpdate,
  at: string,
): Transition => {
  if (hasPassed(order, update.status)) return { kind: 'noop' };
  if (!canTransition(order.status, update.status)) refuse(order.status, update.status);
  const entries = compensationEntries(update.compensations, at);
  const detail = describeCause(update.cause);
  const reasonText = update.reason ? [update.reason, detail].filter(Boolean).join(': ') : undefined;
  entries.push({ status: update.status, at, ...(reasonText && { reason: reasonText }) });
  return { kind: 'apply', status: update.status, failureReason: update.reason, entries };
};
