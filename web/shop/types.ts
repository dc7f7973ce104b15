/**
 * The shop API's resources, as the services answer them (the HTTP contract, openapi.yaml): their own
 * types, imported as types only, so that nothing of the services is bundled. Money is in cents.
 */
export type { ProductView as Product } from '#warehouse/domain';
export type { SlotView as Slot } from '#delivery/domain';
export type { Account } from '#billing/domain';
export type { CompensationEvent, FailureReason, HistoryEntry, Order, OrderStatus } from '#order/domain';
export type { Notification } from '#notification/domain';

/** A page of a list: its items and the next page's token (absent on the last page). */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** The body of POST /orders. */
export interface OrderRequest {
  items: { sku: string; quantity: number }[];
  delivery: { slotId: string; address: string };
}
