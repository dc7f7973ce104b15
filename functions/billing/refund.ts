import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { CompensationInput } from '#shared/contracts';
import { taskHandler } from '#shared/handler';
import { countBy } from '#shared/observability';
import { parseTask } from '#shared/schemas';
import { DynamoBillingStore } from './store';

const store = new DynamoBillingStore(documentClient, env('BILLING_TABLE'));

/** Compensation: give the money back once; a refund with no payment is a no-op that blocks a late payment. */
export const handler = taskHandler(async (event: unknown) => {
  const { orderId } = parseTask(CompensationInput, event);
  const outcome = await store.refund(orderId);
  countBy('CompensationsRun', 'Compensation', 'RefundPayment');
  return { orderId, ...outcome };
});
