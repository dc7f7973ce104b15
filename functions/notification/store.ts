import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { absent } from '#shared/dynamo';
import { doOnce } from '#shared/once';
import type { Notification } from './domain';

export interface NotificationStore {
  add(userId: string, notification: Notification): Promise<boolean>;
  listByUser(userId: string, limit: number): Promise<Notification[]>;
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
      guards: [{ Put: { TableName: this.tableName, Item: { ...key, ...notification }, ConditionExpression: absent(key) } }],
    });
    // `refused`: the notification itself was there, stored before markers existed.
    return result.kind === 'done';
  }

  async listByUser(userId: string, limit: number): Promise<Notification[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(toNotification);
  }
}
