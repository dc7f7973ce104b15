import { randomUUID } from 'node:crypto';
import { type Order, orderIdFor } from '../../functions/order/domain';
import { stores, uniqueSku, uniqueSlot } from '../support/shop';

/** What the integration tests build their worlds from. */

/** A PENDING order of `userId`, as POST /orders writes it: one line of `sku`, created at `createdAt`. */
export const pendingOrder = (
  userId: string,
  { sku = 'SKU-A', createdAt = new Date() }: { sku?: string; createdAt?: Date } = {},
): Order => {
  const at = createdAt.toISOString();
  return {
    orderId: orderIdFor(userId, randomUUID()),
    userId,
    status: 'PENDING',
    items: [{ sku, quantity: 1, unitPrice: 100 }],
    total: 100,
    currency: 'USD',
    delivery: { slotId: 'slot-1', address: 'here' },
    history: [{ status: 'PENDING', at }],
    createdAt: at,
    updatedAt: at,
  };
};

/** A product of its own with 100 in stock at `price`, and a slot of its own with 100 places. */
export const productAndSlot = async (price: number): Promise<{ sku: string; slotId: string }> => {
  const shop = stores();
  const sku = uniqueSku();
  const slotId = uniqueSlot();
  await shop.warehouse.putProduct(sku, { name: 'Teapot', price, stock: 100 });
  await shop.delivery.putSlot({ slotId, date: '2099-01-01', window: '09:00-12:00', capacity: 100 });
  return { sku, slotId };
};
