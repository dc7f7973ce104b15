import type { Lifecycle } from '#shared/once';
import { CURRENCY } from '#shared/money';

export interface Account {
  userId: string;
  balance: number;
  currency: typeof CURRENCY;
}

/** A payment's life: PAID, then maybe REFUNDED; VOIDED marks a refund that arrived before any payment. */
export type PaymentStatus = 'PAID' | 'REFUNDED' | 'VOIDED';
export const PAYMENT_LIFE: Lifecycle<PaymentStatus> = { active: 'PAID', undone: 'REFUNDED' };

export interface Payment {
  orderId: string;
  userId: string;
  amount: number;
  status: PaymentStatus;
}

export const emptyAccount = (userId: string): Account => ({ userId, balance: 0, currency: CURRENCY });

/** A single deposit is capped, so a typo cannot mint a fortune. */
export const MAX_DEPOSIT = 1_000_000_00;

export type PayOutcome = { kind: 'paid'; payment: Payment } | { kind: 'declined'; reason: string };

/** What a retried pay must answer once a payment record exists for the order. */
export const payOutcomeForExisting = (existing: Payment, amount: number): PayOutcome => {
  if (existing.status === 'PAID' && existing.amount === amount) return { kind: 'paid', payment: existing };
  if (existing.status === 'PAID')
    return { kind: 'declined', reason: `order was already paid with another amount (${existing.amount})` };
  // A re-run after the refund must not charge again: the order is being, or has been, cancelled.
  if (existing.status === 'REFUNDED') return { kind: 'declined', reason: 'the order was paid and refunded already' };
  return { kind: 'declined', reason: 'the order was cancelled before payment' };
};
