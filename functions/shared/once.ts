import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getRecord, type Key, type TransactItem } from './dynamo';
import { isConditionFailure } from './errors';

/** `attribute_not_exists` on any attribute of the key holds exactly when no item has that key. */
const absent = (key: Key): string => `attribute_not_exists(${Object.keys(key)[0]})`;

export interface UndoOnce<R> {
  tableName: string;
  /** The key of the record the forward action wrote (payment, reservation, booking). */
  key: Key;
  /** Status of a record whose action is in effect and can be undone. */
  activeStatus: string;
  /** Status it gets once undone. */
  undoneStatus: string;
  /** Attributes of the tombstone written when the action never happened. */
  tombstone: Record<string, unknown>;
  /** The other writes that undo the action, in the same transaction as the status change. */
  undoWrites: (record: R) => TransactItem[];
}

/**
 * Undoes a saga action exactly once, safe under retries and races:
 * - no record yet: write a VOIDED tombstone, so that a late forward action (whose record is
 *   conditional on not existing) cannot land after its compensation ("compensation before action");
 * - an active record: flip its status and apply the undo writes in one transaction;
 * - anything else: it was already undone, so nothing changes.
 * Returns true when this call undid the action.
 */
export const undoOnce = async <R extends { status: string }>(
  client: DynamoDBDocumentClient,
  spec: UndoOnce<R>,
): Promise<{ undone: boolean; record?: R }> => {
  const { tableName, key } = spec;
  for (let attempt = 0; attempt < 3; attempt++) {
    const record = await getRecord<R>(client, tableName, key);
    try {
      if (!record) {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key, ...spec.tombstone, status: 'VOIDED', createdAt: new Date().toISOString() },
            ConditionExpression: absent(key),
          }),
        );
        return { undone: false };
      }
      if (record.status !== spec.activeStatus) return { undone: false, record };
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: key,
                UpdateExpression: 'SET #status = :undone, undoneAt = :now',
                ConditionExpression: '#status = :active',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':undone': spec.undoneStatus, ':active': spec.activeStatus, ':now': new Date().toISOString() },
              },
            },
            ...spec.undoWrites(record),
          ],
        }),
      );
      return { undone: true, record };
    } catch (error) {
      // The record changed under us (a late action or a concurrent undo): look again.
      if (isConditionFailure(error)) continue;
      throw error;
    }
  }
  throw new Error(`Undo of ${Object.values(key)[0]} did not settle after 3 attempts`);
};
