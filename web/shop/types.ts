/**
 * The shop API's resources, as the services answer them (the HTTP contract, openapi.yaml): their own
 * types, imported as types only, so that nothing of the services is bundled. Money is in cents.
 * Below them, the page's own types that more than one component shares: kept here, and not in a
 * component, so that the components never import one another in a cycle.
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

/** The basket: a quantity per sku. Kept by the app, shown by the catalogue and the basket. */
export type BasketLines = Record<string, number>;

/** What the page said about the order it just placed: shown on that order's page. */
export interface PlacedNotice {
  orderId: string;
  replayed: boolean;
}
