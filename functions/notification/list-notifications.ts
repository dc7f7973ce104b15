import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { httpHandler } from '#shared/handler';
import { identityOf } from '#shared/identity';
import { pageRequest, pageResponse } from '#shared/paging';
import { DynamoNotificationStore, NotificationCursor } from './store';

const store = new DynamoNotificationStore(documentClient, env('NOTIFICATIONS_TABLE'));

/** GET /notifications?limit=&nextToken=: a page of the caller's notifications, newest first. */
export const handler = httpHandler(async (event) => {
  const { userId } = await identityOf(event);
  const page = pageRequest(event, 'notifications', userId, NotificationCursor);
  return pageResponse('notifications', userId, await store.listByUser(userId, page));
});
