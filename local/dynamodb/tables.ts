import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceInUseException,
  type TimeToLiveSpecification,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { StackModel } from '../cloudformation/model';
import { type CfnResource, propertiesOf } from '../cloudformation/template';

/** CreateTable input for an AWS::DynamoDB::Table, under the given name. */
/** The members of an AWS::DynamoDB::Table the local cloud creates it with. */
interface TableProperties {
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes: GlobalSecondaryIndex[];
  TimeToLiveSpecification: TimeToLiveSpecification;
}

export const createTableInput = (resource: CfnResource, tableName: string): CreateTableCommandInput => {
  const p = propertiesOf<TableProperties>(resource);
  const indexes = p.GlobalSecondaryIndexes ?? [];
  return {
    TableName: tableName,
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    BillingMode: 'PAY_PER_REQUEST',
    ...(indexes.length > 0 && {
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: index.Projection,
      })),
    }),
  };
};

/**
 * A table kept from an earlier start, brought up to the template as CloudFormation would update it:
 * an index the template has and the table lacks is created (with the attribute definitions it needs).
 */
const updateTable = async (client: DynamoDBClient, resource: CfnResource, name: string): Promise<string[]> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const wanted = createTableInput(resource, name);
  const added: string[] = [];
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (existing.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: wanted.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } },
        ],
      }),
    );
    added.push(index.IndexName!);
  }
  return added;
};

/**
 * Creates every AWS::DynamoDB::Table of the template, with its keys, indexes and time to live, under
 * its local physical name. A table that exists already (data kept from an earlier start) keeps its
 * data, and gets the indexes the template added since. Answers what changed on existing tables.
 */
export const provisionTables = async (model: StackModel, client: DynamoDBClient): Promise<string[]> => {
  const changes: string[] = [];
  for (const [logicalId, resource] of model.ofType('AWS::DynamoDB::Table')) {
    const name = model.physicalName(logicalId);
    try {
      await client.send(new CreateTableCommand(createTableInput(resource, name)));
      const ttl = propertiesOf<TableProperties>(resource).TimeToLiveSpecification;
      if (ttl?.Enabled)
        await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: ttl }));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      for (const index of await updateTable(client, resource, name)) changes.push(`${name}: index ${index} created`);
    }
  }
  return changes;
};
