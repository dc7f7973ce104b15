import type { OrderEvent } from '#shared/contracts';

export interface Notification {
  notificationId: string;
  orderId: string;
  status: OrderEvent['status'];
  message: string;
  createdAt: string;
}

/** What the buyer reads about each outcome. */
export const messageFor = (event: OrderEvent): string => {
  switch (event.status) {
    case 'COMPLETED':
      return `Your order ${event.orderId} is confirmed and its delivery is booked.`;
    case 'CANCELLED':
      return `Your order ${event.orderId} was cancelled (${(event.reason ?? 'unknown reason').replaceAll('_', ' ').toLowerCase()}). Anything charged or reserved has been returned.`;
    case 'COMPENSATION_FAILED':
      return `Your order ${event.orderId} failed and could not be fully reversed. Our team has been alerted and will fix it.`;
  }
};

/** One notification per order outcome, so a redelivered event finds its own notification again. */
export const notificationIdFor = (event: OrderEvent): string => `${event.orderId}:${event.status}`;
