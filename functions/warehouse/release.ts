import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { CompensationInput } from '#shared/contracts';
import { taskHandler } from '#shared/handler';
import { countBy } from '#shared/observability';
import { parseTask } from '#shared/schemas';
import { DynamoWarehouseStore } from './store';

const store = new DynamoWarehouseStore(documentClient, env('WAREHOUSE_TABLE'));

/** Compensation: put reserved stock back once; a release with no reservation is a no-op that blocks a late one. */
export const handler = taskHandler(async (event: unknown) => {
  const { orderId } = parseTask(CompensationInput, event);
  const outcome = await store.release(orderId);
  countBy('CompensationsRun', 'Compensation', 'ReleaseItems');
  return { orderId, ...outcome };
});
