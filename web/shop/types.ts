/** The shop API's resources, as the HTTP contract (openapi.yaml) defines them. Money is in cents. */

export interface Product {
  sku: string;
  name: string;
  price: number;
  currency: string;
  available: number;
}

export interface Slot {
  slotId: string;
  date: string;
  window: string;
  capacity: number;
  remaining: number;
}

export interface Account {
  userId: string;
  balance: number;
  currency: string;
}

export type OrderStatus = 'PENDING' | 'PAYMENT_COMPLETED' | 'ITEMS_RESERVED' | 'DELIVERY_BOOKED' | 'COMPLETED' | 'CANCELLED' | 'COMPENSATION_FAILED';
export type CompensationEvent = 'DELIVERY_CANCELLED' | 'ITEMS_RELEASED' | 'PAYMENT_REFUNDED';
export type FailureReason = 'PAYMENT_DECLINED' | 'OUT_OF_STOCK' | 'DELIVERY_UNAVAILABLE' | 'COMPENSATION_FAILED';

export interface HistoryEntry {
  status: OrderStatus | CompensationEvent;
  at: string;
  reason?: string;
}

export interface Order {
  orderId: string;
  userId: string;
  status: OrderStatus;
  items: { sku: string; quantity: number; unitPrice: number }[];
  total: number;
  currency: string;
  delivery: { slotId: string; address: string };
  failureReason?: FailureReason;
  history: HistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

export interface Notification {
  notificationId: string;
  orderId: string;
  status: string;
  message: string;
  createdAt: string;
}

/** A page of a list: its items and the next page's token (absent on the last page). */
export interface Page<T> {
  items: T[];
  next?: string;
}

export interface OrderRequest {
  items: { sku: string; quantity: number }[];
  delivery: { slotId: string; address: string };
}
