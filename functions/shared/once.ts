import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { absent, getRecord, type Key, putIfAbsent, type TransactItem } from './dynamo';
import { cancellationCodes, isConditionFailure } from './errors';

export interface DoOnce<R> {
  tableName: string;
  /** The key of the action's record (payment, reservation, booking, order). */
  key: Key;
  /** The record, written only where no record has this key yet; what a repeat reads back as `existing`. */
  record: R & Record<string, unknown>;
  /**
   * The action's other writes, in the same transaction. Their conditions are its preconditions
   * (funds, stock, capacity, a lock): when one fails, nothing at all is written.
   */
  guards: TransactItem[];
}

export type DoOnceResult<R> =
  /** This call wrote the record and its guards. */
  | { kind: 'done' }
  /** A record was there already: an earlier run of this action (a retry), or the tombstone of an undo that came first. */
  | { kind: 'existing'; record: R }
  /** Some guard's condition failed, so nothing was written: `refused[i]` says whether guard i was one of them. */
  | { kind: 'refused'; refused: boolean[] };

const CONDITION_FAILED = 'ConditionalCheckFailed';

/**
 * Does an action (a saga step, opening an account) exactly once, in one transaction: a Put of the
 * action's record, conditional on no record existing under its key, with the guarded writes.
 * Safe under retries and races: a repeat finds its own earlier record, and a step whose undo came
 * first finds the undo's tombstone (see `undoOnce`). The caller says what each result means.
 * Any other failure (a throttle, a transaction conflict) is thrown, for the caller's retries.
 *
 *   const result = await doOnce<Booking>(client, { tableName, key: bookingKey(orderId), record: { slotId, status: 'BOOKED' }, guards: [takePlace] });
 *   if (result.kind === 'existing') … // a retry, or cancelled before booking
 */
export const doOnce = async <R>(client: DynamoDBDocumentClient, spec: DoOnce<R>): Promise<DoOnceResult<R>> => {
  const { tableName, key } = spec;
  try {
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...key, ...spec.record }, ConditionExpression: absent(key) } },
          ...spec.guards,
        ],
      }),
    );
    return { kind: 'done' };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const [recordCode, ...guardCodes] = cancellationCodes(error);
    if (recordCode === CONDITION_FAILED) {
      const record = await getRecord<R>(client, tableName, key);
      if (record) return { kind: 'existing', record };
    }
    const refused = guardCodes.map((code) => code === CONDITION_FAILED);
    if (refused.includes(true)) return { kind: 'refused', refused };
    throw error;
  }
};

/** The two statuses an undo moves between (a third, VOIDED, marks an undo that came first). */
export interface Lifecycle<S extends string = string> {
  active: S;
  undone: S;
}

export interface UndoOnce<R> {
  tableName: string;
  /** The key of the record the forward action wrote (payment, reservation, booking). */
  key: Key;
  /** The record's life: the status of an action in effect, and the status it gets once undone. */
  life: Lifecycle;
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
 * - anything else: it was already undone (or voided), so nothing changes.
 * `undone` says whether the action stands undone, by this call or by an earlier one whose answer
 * was lost: a re-run answers what the first run did, not that there was nothing to do.
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
        const voided = await putIfAbsent(client, tableName, key, {
          ...spec.tombstone,
          status: 'VOIDED',
          createdAt: new Date().toISOString(),
        });
        if (voided) return { undone: false };
        continue;
      }
      if (record.status !== spec.life.active) return { undone: record.status === spec.life.undone, record };
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
                ExpressionAttributeValues: {
                  ':undone': spec.life.undone,
                  ':active': spec.life.active,
                  ':now': new Date().toISOString(),
                },
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
