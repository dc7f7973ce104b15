import type { OrderLine } from '../../functions/shared/schemas';

/**
 * Every order of a bench run takes the next number, whichever part of the bench places it (the
 * saga or the floor): each number is a basket of its own, so no order is "similar" to another
 * (409) and every quantity stays within the API's 1–1000.
 */
let next = 0;
const CAPACITY = 31 * 31 * 1000;

export const nextOrderNumber = (): number => {
  if (next >= CAPACITY) throw new Error(`A bench run has ${CAPACITY} distinct baskets`);
  return next++;
};

/** Basket n over three skus: quantities 1–31, 1–31 and 1–1000, one combination per n. */
export const basketOf = (skus: readonly string[], n: number): OrderLine[] => [
  { sku: skus[0]!, quantity: 1 + (n % 31) },
  { sku: skus[1]!, quantity: 1 + (Math.floor(n / 31) % 31) },
  { sku: skus[2]!, quantity: 1 + Math.floor(n / 961) },
];
