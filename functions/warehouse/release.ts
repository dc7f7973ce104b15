import { documentClient } from '#shared/clients';
import { compensationHandler } from '#shared/compensation';
import { env } from '#shared/config';
import { DynamoWarehouseStore } from './store';

const store = new DynamoWarehouseStore(documentClient, env('WAREHOUSE_TABLE'));

/** Compensation: put reserved stock back once; a release with no reservation is a no-op that blocks a late one. */
export const handler = compensationHandler('ReleaseItems', (orderId) => store.release(orderId));
