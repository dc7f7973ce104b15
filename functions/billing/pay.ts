import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { PayInput } from '#shared/contracts';
import { PaymentDeclined } from '#shared/errors';
import { taskHandler } from '#shared/handler';
import { logger, metrics, MetricUnit } from '#shared/observability';
import { parseTask } from '#shared/schemas';
import { DynamoBillingStore } from './store';

const store = new DynamoBillingStore(documentClient, env('BILLING_TABLE'));

/** Saga step: debit the buyer once per order, or fail with PaymentDeclined. */
export const handler = taskHandler(async (event: unknown) => {
  const { orderId, userId, amount } = parseTask(PayInput, event);
  const outcome = await store.pay(orderId, userId, amount);
  // The decline rate's denominator: every payment that reached a decision, paid or declined.
  metrics.addMetric('PaymentsAttempted', MetricUnit.Count, 1);
  if (outcome.kind === 'declined') {
    metrics.addMetric('PaymentsDeclined', MetricUnit.Count, 1);
    logger.info('Payment declined', { orderId, reason: outcome.reason });
    throw new PaymentDeclined(`Payment of ${amount} declined: ${outcome.reason}`);
  }
  return { orderId, amount: outcome.payment.amount, status: outcome.payment.status };
});
