// An order's statuses and failure reasons: the one list of them, for the order service and the shop
// page alike. It imports nothing, so that a bundle that takes it (the page's) takes nothing else.

/** The forward path, in order. */
export const FORWARD = ['PENDING', 'PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED', 'COMPLETED'] as const;
export type ForwardStatus = (typeof FORWARD)[number];

/** Every status an order may hold: the forward path, and the two ends of a saga that failed. */
export const ORDER_STATUSES = [...FORWARD, 'CANCELLED', 'COMPENSATION_FAILED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(['COMPLETED', 'CANCELLED', 'COMPENSATION_FAILED']);

export const isTerminal = (status: OrderStatus): boolean => TERMINAL.has(status);

/** Why an order did not complete (its `failureReason`). */
export const FAILURE_REASONS = [
  'PAYMENT_DECLINED',
  'OUT_OF_STOCK',
  'DELIVERY_UNAVAILABLE',
  // A participant's circuit was open: the service was failing, so the saga did not wait for it.
  'SERVICE_UNAVAILABLE',
  'COMPENSATION_FAILED',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** History also records each compensation the saga ran, between the failure and the final status. */
export const COMPENSATION_EVENTS = ['DELIVERY_CANCELLED', 'ITEMS_RELEASED', 'PAYMENT_REFUNDED'] as const;
export type CompensationEvent = (typeof COMPENSATION_EVENTS)[number];
