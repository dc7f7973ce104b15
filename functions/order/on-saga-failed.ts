import { SNSClient } from '@aws-sdk/client-sns';
import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { SnsOrderEvents } from './order-events';
import { makeSagaFailedHandler } from './saga-failed-service';
import { DynamoOrderStore } from './store';

/**
 * EventBridge rule target, on the saga's executions that end FAILED, TIMED_OUT or ABORTED: settles
 * the order (COMPENSATION_FAILED unless it had ended) and publishes its outcome to `order-events`.
 */
export const handler = makeSagaFailedHandler({
  store: new DynamoOrderStore(documentClient, env('ORDERS_TABLE')),
  events: new SnsOrderEvents(new SNSClient({}), env('ORDER_EVENTS_TOPIC_ARN')),
});
