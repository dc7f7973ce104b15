import type { SNSEvent } from 'aws-lambda';
import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { OrderEvent } from '#shared/contracts';
import { taskHandler } from '#shared/handler';
import { logger } from '#shared/observability';
import { parseTask } from '#shared/schemas';
import { messageFor, notificationIdFor } from './domain';
import { DynamoNotificationStore } from './store';

const store = new DynamoNotificationStore(documentClient, env('NOTIFICATIONS_TABLE'));

/** SNS subscriber of `order-events`: one notification per outcome, whatever the redeliveries. */
export const handler = taskHandler(async (event: SNSEvent) => {
  for (const record of event.Records) {
    const message = parseTask(OrderEvent, JSON.parse(record.Sns.Message));
    const notification = {
      notificationId: notificationIdFor(message),
      orderId: message.orderId,
      status: message.status,
      message: messageFor(message),
      // The publish time, identical on redelivery, keeps the storage key stable.
      createdAt: new Date(record.Sns.Timestamp).toISOString(),
    };
    const added = await store.add(message.userId, notification);
    logger.info(added ? 'Notification stored' : 'Duplicate event ignored', {
      orderId: message.orderId,
      status: message.status,
    });
  }
});
