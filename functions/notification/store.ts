import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { putIfAbsent } from '#shared/dynamo';
import type { Notification } from './domain';

export interface NotificationStore {
  add(userId: string, notification: Notification): Promise<boolean>;
  listByUser(userId: string, limit: number): Promise<Notification[]>;
}

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Stores a notification once; answers false when it was there already (SNS delivers at least once). */
  add(userId: string, notification: Notification): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, { userId, sk: `${notification.createdAt}#${notification.notificationId}` }, { ...notification });
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
    return ((Items ?? []) as Notification[]).map(({ notificationId, orderId, status, message, createdAt }) => ({ notificationId, orderId, status, message, createdAt }));
  }
}
