import { documentClient } from '#shared/clients';
import { compensationHandler } from '#shared/compensation';
import { env } from '#shared/config';
import { DynamoDeliveryStore } from './store';

const store = new DynamoDeliveryStore(documentClient, env('DELIVERY_TABLE'));

/** Compensation: give the slot's place back once; a cancel with no booking is a no-op that blocks a late one. */
export const handler = compensationHandler('CancelDelivery', (orderId) => store.cancel(orderId));
