import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { absent, queryPage } from '#shared/dynamo';
import { doOnce } from '#shared/once';
import type { Page, PageRequest } from '#shared/paging';
import * as z from '#shared/zod';
import type { Notification } from './domain';

/** Where a page of a user's notifications starts: after this one (its sort key), newest first. */
export const NotificationCursor = z.strictObject({
  sk: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f-]{36}:[A-Z_]{1,40}$/)),
});
export type NotificationCursor = z.infer<typeof NotificationCursor>;

export interface NotificationStore {
  add(userId: string, notification: Notification): Promise<boolean>;
  listByUser(userId: string, page: PageRequest<NotificationCursor>): Promise<Page<Notification, NotificationCursor>>;
}

/**
 * The marker that makes a notification once per outcome, whatever its publish time. It lives in a
 * partition of its own (no user's id starts with `notification#`), so listing a user never sees it.
 */
const markerKey = (notificationId: string) => ({ userId: `notification#${notificationId}`, sk: 'ONCE' });

const toNotification = ({ notificationId, orderId, status, message, createdAt }: Record<string, unknown>) =>
  ({ notificationId, orderId, status, message, createdAt }) as Notification;

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Stores a notification once per outcome; answers false when it was there already. SNS delivers
   * at least once, and a saga state re-run after a crash publishes again, with another timestamp:
   * the marker, keyed by the outcome, is what makes the second one a duplicate.
   */
  async add(userId: string, notification: Notification): Promise<boolean> {
    const key = { userId, sk: `${notification.createdAt}#${notification.notificationId}` };
    const result = await doOnce(this.client, {
      tableName: this.tableName,
      key: markerKey(notification.notificationId),
      record: { owner: userId, notificationSk: key.sk },
      guards: [
        { Put: { TableName: this.tableName, Item: { ...key, ...notification }, ConditionExpression: absent(key) } },
      ],
    });
    // `refused`: the notification itself was there, stored before markers existed.
    return result.kind === 'done';
  }

  async listByUser(
    userId: string,
    { limit, after }: PageRequest<NotificationCursor>,
  ): Promise<Page<Notification, NotificationCursor>> {
    const { items, last } = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
        ScanIndexForward: false,
      },
      limit,
      after && { userId, ...after },
    );
    return { items: items.map(toNotification), ...(last && { next: { sk: last.sk as string } }) };
  }
}
