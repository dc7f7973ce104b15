import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandInput, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './errors';

/**
 * Small data-access helpers shared by the stores. Each takes the document client it should use,
 * so a store works with whatever client its caller built: the handler's module-scope one, a test's,
 * or a script's pointed at a deployed stack.
 */

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The primary key of an item: `{ pk, sk }` in most tables, `{ orderId }` in the orders table. */
export type Key = Record<string, string>;

/** The document client the stores expect: attributes left undefined are not written at all. */
export const toDocumentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** Reads an item by key with a consistent read: the saga's decisions must see the latest write. */
export const getRecord = async <R>(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: Key,
): Promise<R | undefined> => {
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return Item as R | undefined;
};

/** The key of an item of one kind in a single-table design: `{ pk: 'KIND#id', sk: 'KIND' }`. */
export const keyOf =
  (kind: string) =>
  (id: string): Key => ({ pk: `${kind}#${id}`, sk: kind });

/** The named attributes of a stored item (those it has), leaving its keys and index attributes behind. */
export const pick = <K extends string>(item: Record<string, unknown>, fields: readonly K[]): Record<K, unknown> =>
  Object.fromEntries(
    fields.filter((field) => item[field] !== undefined).map((field) => [field, item[field]]),
  ) as Record<K, unknown>;

/** `attribute_not_exists` on any attribute of the key holds exactly when no item has that key. */
export const absent = (key: Key): string => `attribute_not_exists(${Object.keys(key)[0]})`;

/** Writes an item unless one with its key exists; false when one did (and was left as it is). */
export const putIfAbsent = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  key: Key,
  attributes: Record<string, unknown>,
): Promise<boolean> => {
  try {
    await client.send(
      new PutCommand({ TableName: tableName, Item: { ...key, ...attributes }, ConditionExpression: absent(key) }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Every item a query matches, page after page (a page stops at 1 MB, or at the Limit when one is given). */
export const queryAll = async (
  client: DynamoDBDocumentClient,
  query: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client }, query)) items.push(...(page.Items ?? []));
  return items;
};

/** One page of a query: at most `limit` items, and the last of them when more follow (to make the next page's start from). */
export interface QueryPage {
  items: Record<string, unknown>[];
  last?: Record<string, unknown>;
}

/**
 * One page of at most `limit` items, from `startKey` on. It asks for one item more than the page,
 * so that a page that happens to end the list says so, instead of leading to an empty last page.
 */
export const queryPage = async (
  client: DynamoDBDocumentClient,
  query: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<QueryPage> => {
  const { Items = [], LastEvaluatedKey } = await client.send(
    new QueryCommand({ ...query, Limit: limit + 1, ExclusiveStartKey: startKey }),
  );
  const items = Items.slice(0, limit);
  const more = Items.length > limit || (LastEvaluatedKey !== undefined && items.length > 0);
  return { items, ...(more && { last: items.at(-1) }) };
};

/** A condition on an `adjust`: its expression may name the attribute `#n`, the delta `:d`, and its own names and values. */
export interface AdjustCondition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** A transaction item that adds `delta` (negative to take away) to a number attribute: stock, places booked. */
export const adjust = (
  tableName: string,
  key: Key,
  attribute: string,
  delta: number,
  condition?: AdjustCondition,
): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key,
    UpdateExpression: 'SET #n = #n + :d',
    ExpressionAttributeNames: { '#n': attribute, ...condition?.names },
    ExpressionAttributeValues: { ':d': delta, ...condition?.values },
    ...(condition && { ConditionExpression: condition.expression }),
  },
});
