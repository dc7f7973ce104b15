import { OrderId } from '#shared/schemas';
import * as z from '#shared/zod';

/**
 * Where a page of a user's orders starts: after this order, newest first. Only GET /orders reads
 * one; it lives apart from the store, which needs only its type, so that the other order functions
 * do not build it (GET /orders/{orderId} then carries no zod at all).
 */
export const OrderCursor = z.strictObject({ createdAt: z.iso.datetime(), orderId: OrderId });
export type OrderCursor = z.infer<typeof OrderCursor>;
