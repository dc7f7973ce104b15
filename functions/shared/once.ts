import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './clients';
import { isConditionFailure } from './errors';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Key = { pk: string; sk: string };

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
export const undoOnce = async <R extends { status: string }>(spec: UndoOnce<R>): Promise<{ undone: boolean; record?: R }> => {
  const { tableName, key } = spec;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { Item } = await documentClient.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const record = Item as R | undefined;
    try {
      if (!record) {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key, ...spec.tombstone, status: 'VOIDED', createdAt: new Date().toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { undone: false };
      }
      if (record.status !== spec.activeStatus) return { undone: false, record };
      await documentClient.send(
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
  throw new Error(`Undo of ${key.pk} did not settle after 3 attempts`);
};

/** Reads a record by key with a consistent read. */
export const getRecord = async <R>(tableName: string, key: Key): Promise<R | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return Item as R | undefined;
};
