import * as z from './zod';

/** Shared shapes for inputs that cross service boundaries. */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,39}$/;
export const Sku = z.string().check(z.regex(SKU_PATTERN, 'must be 1-40 characters of A-Z, 0-9 and -'));
export const OrderId = z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'must be an order id'));
export const SlotId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a slot id'));
/** Money in minor units (cents). */
export const Cents = z
  .number()
  .check(z.int('must be a whole number of cents'), z.positive('must be positive'), z.lte(100_000_000));
export const Quantity = z.number().check(z.int('must be a whole number'), z.gte(1), z.lte(1000));
export const OrderLine = z.object({ sku: Sku, quantity: Quantity });
export type OrderLine = z.infer<typeof OrderLine>;

/** Every issue of a failed validation, as `path: problem` pairs. */
export const describeIssues = (error: z.core.$ZodError): string =>
  error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

/** Validates a saga step's input; a malformed input is a bug, so it fails loudly (and is retried, then compensated). */
export const parseTask = <T extends z.ZodMiniType>(schema: T, input: unknown): z.infer<T> => {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`Invalid task input: ${describeIssues(result.error)}`);
  return result.data;
};
