import { documentClient } from '#shared/clients';
import { compensationHandler } from '#shared/compensation';
import { env } from '#shared/config';
import { DynamoBillingStore } from './store';

const store = new DynamoBillingStore(documentClient, env('BILLING_TABLE'));

/** Compensation: give the money back once; a refund with no payment is a no-op that blocks a late payment. */
export const handler = compensationHandler('RefundPayment', (orderId) => store.refund(orderId));
