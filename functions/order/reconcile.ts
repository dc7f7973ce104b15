import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { taskHandler } from '#shared/handler';
import { logger, metrics, MetricUnit } from '#shared/observability';
import { parseTask } from '#shared/schemas';
import * as z from '#shared/zod';
import { SFNClient, StepFunctionsSagaStarter } from './ports';
import { reconcilePendingOrders } from './reconcile-service';
import { DynamoOrderStore } from './store';

const store = new DynamoOrderStore(documentClient, env('ORDERS_TABLE'));
const executions = new StepFunctionsSagaStarter(new SFNClient({}), env('STATE_MACHINE_ARN'));

/** The schedule's input (the rule's target Input), or an operator's: how old a PENDING order must be. */
const ReconcileInput = z.object({
  olderThanSeconds: z._default(z.number().check(z.int(), z.gte(0), z.lte(7 * 24 * 3600)), 60),
});

/** Scheduled (EventBridge, every minute): start the saga of every order stuck PENDING with no execution. */
export const handler = taskHandler(async (event: unknown) => {
  const { olderThanSeconds } = parseTask(ReconcileInput, event ?? {});
  const result = await reconcilePendingOrders({ store, executions }, olderThanSeconds);
  metrics.addMetric('OrdersReconciled', MetricUnit.Count, result.started.length);
  if (result.started.length > 0)
    logger.warn('Sagas started for orders left PENDING', { olderThanSeconds, orderIds: result.started });
  return { olderThanSeconds, ...result };
});
