/**
 * The API's response bodies, as openapi.yaml documents them. Every response the suite gets is
 * checked against that document (see contract.ts), so a test reads a body as the schema it expects.
 */

export interface ErrorBody {
  error: string;
  message: string;
}

/** 409 on POST /orders: a similar order exists already. */
export interface DuplicateOrder extends ErrorBody {
  error: 'DUPLICATE_ORDER';
  order: Order;
}

export interface Product {
  sku: string;
  name: string;
  price: number;
  currency: 'USD';
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
  currency: 'USD';
}

export type OrderStatus =
  | 'PENDING'
  | 'PAYMENT_COMPLETED'
  | 'ITEMS_RESERVED'
  | 'DELIVERY_BOOKED'
  | 'COMPLETED'
  | 'CANCELLED'
  | 'COMPENSATION_FAILED';

export interface Order {
  orderId: string;
  userId: string;
  status: OrderStatus;
  items: { sku: string; quantity: number; unitPrice: number }[];
  total: number;
  currency: 'USD';
  delivery: { slotId: string; address: string };
  failureReason?: 'PAYMENT_DECLINED' | 'OUT_OF_STOCK' | 'DELIVERY_UNAVAILABLE' | 'COMPENSATION_FAILED';
  /** Every status the order took, and each compensation the saga ran, oldest first. */
  history: {
    status: OrderStatus | 'DELIVERY_CANCELLED' | 'ITEMS_RELEASED' | 'PAYMENT_REFUNDED';
    at: string;
    reason?: string;
  }[];
  createdAt: string;
  updatedAt: string;
}

export interface Notification {
  notificationId: string;
  orderId: string;
  status: 'COMPLETED' | 'CANCELLED' | 'COMPENSATION_FAILED';
  message: string;
  createdAt: string;
}
