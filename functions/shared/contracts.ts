import * as z from './zod';
import { CURRENCY } from './money';
import { Cents, describeIssues, OrderId, OrderLine, Sku, SlotId } from './schemas';

/**
 * The messages that cross service boundaries. Each is parsed where it is produced and again where
 * it is consumed, so that a change on one side fails at the boundary, naming the field, instead of
 * deep inside the other service. No service imports another's domain for these shapes.
 */

/** A message that breaks its contract: a bug on one side, so it fails loudly. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/** Checks a message against its contract, and answers the parsed message (unknown fields dropped). */
export const parseContract = <T extends z.ZodMiniType>(contract: string, schema: T, message: unknown): z.infer<T> => {
  const result = schema.safeParse(message);
  if (!result.success)
    throw new ContractViolation(`The ${contract} breaks its contract: ${describeIssues(result.error)}`);
  return result.data;
};

/** A basket line with its unit price: Warehouse quotes it, Order keeps it, the saga carries it. */
export const PricedLine = z.object({
  sku: Sku,
  // Lines are merged per sku, so a priced line may hold more than the 1000 a request line allows.
  quantity: z.number().check(z.int(), z.positive()),
  unitPrice: z.number().check(z.int(), z.nonnegative()),
});
export type PricedLine = z.infer<typeof PricedLine>;

/** Order asks Warehouse's `quote` function to price a basket… */
export const QuoteRequest = z.object({ items: z.array(OrderLine).check(z.minLength(1), z.maxLength(50)) });
export type QuoteRequest = z.infer<typeof QuoteRequest>;

/** …and gets the priced basket back, or the skus Warehouse does not sell. */
export const Quote = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    lines: z.array(PricedLine).check(z.minLength(1)),
    total: z.number().check(z.int(), z.nonnegative()),
    currency: z.literal(CURRENCY),
  }),
  z.object({ ok: z.literal(false), unknownSkus: z.array(Sku).check(z.minLength(1)) }),
]);
export type Quote = z.infer<typeof Quote>;

const Delivery = z.object({ slotId: SlotId, address: z.string().check(z.minLength(1), z.maxLength(300)) });

/** The saga's execution input, as Order starts it: what every step needs, and nothing the steps must not see. */
export const SagaInput = z.object({
  orderId: OrderId,
  userId: z.string().check(z.minLength(1)),
  items: z.array(PricedLine).check(z.minLength(1)),
  total: z.number().check(z.int(), z.nonnegative()),
  currency: z.literal(CURRENCY),
  delivery: Delivery,
});
export type SagaInput = z.infer<typeof SagaInput>;

/*
 * What the state machine (statemachines/order-saga.asl.json) passes each step, taken from the saga
 * input. Each step holds its own business limits on top, as it always has: the most a payment or a
 * reservation may be.
 */
export const PayInput = z.object({ orderId: OrderId, userId: SagaInput.shape.userId, amount: Cents });
export const ReserveInput = z.object({
  orderId: OrderId,
  items: z.array(OrderLine).check(z.minLength(1), z.maxLength(50)),
});
export const BookInput = z.object({ orderId: OrderId, slotId: Delivery.shape.slotId, address: Delivery.shape.address });
/** Refund, release and cancel need the order and nothing else. */
export const CompensationInput = z.object({ orderId: OrderId });

export const ORDER_OUTCOMES = ['COMPLETED', 'CANCELLED', 'COMPENSATION_FAILED'] as const;

/** An order's outcome on SNS `order-events`, published by the state machine's Notify states. */
export const OrderEvent = z.object({
  orderId: OrderId,
  userId: z.string().check(z.minLength(1)),
  status: z.enum(ORDER_OUTCOMES),
  /** Why a cancelled order was cancelled (its failure reason). */
  reason: z.optional(z.string()),
});
export type OrderEvent = z.infer<typeof OrderEvent>;
