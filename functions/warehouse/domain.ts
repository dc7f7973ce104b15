import type { Lifecycle } from '#shared/once';
import type { Quote } from '#shared/contracts';
import type { OrderLine } from '#shared/schemas';
import { CURRENCY } from '#shared/money';

export interface Product {
  sku: string;
  name: string;
  price: number;
  currency: typeof CURRENCY;
  stock: number;
}

export interface ProductView {
  sku: string;
  name: string;
  price: number;
  currency: typeof CURRENCY;
  available: number;
}

/** A reservation's life: RESERVED, then maybe RELEASED; VOIDED marks a release that came before any reservation. */
export type ReservationStatus = 'RESERVED' | 'RELEASED' | 'VOIDED';
export const RESERVATION_LIFE: Lifecycle<ReservationStatus> = { active: 'RESERVED', undone: 'RELEASED' };

export const toView = ({ sku, name, price, currency, stock }: Product): ProductView => ({
  sku,
  name,
  price,
  currency,
  available: Math.max(0, stock),
});

/** Folds repeated skus into one line each, sorted by sku, so equal baskets look equal. */
export const mergeLines = (lines: readonly OrderLine[]): OrderLine[] => {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of lines) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
};

/** Prices a basket from the catalogue; unknown skus are reported, never guessed. */
export const quote = (lines: readonly OrderLine[], catalogue: ReadonlyMap<string, Product>): Quote => {
  const merged = mergeLines(lines);
  const unknownSkus = merged.filter(({ sku }) => !catalogue.has(sku)).map(({ sku }) => sku);
  if (unknownSkus.length > 0) return { ok: false, unknownSkus };
  const priced = merged.map(({ sku, quantity }) => ({ sku, quantity, unitPrice: catalogue.get(sku)!.price }));
  const total = priced.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  return { ok: true, lines: priced, total, currency: CURRENCY };
};
