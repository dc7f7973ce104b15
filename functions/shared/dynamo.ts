import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

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
export const getRecord = async <R>(client: DynamoDBDocumentClient, tableName: string, key: Key): Promise<R | undefined> => {
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return Item as R | undefined;
};
