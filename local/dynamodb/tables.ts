import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceInUseException,
  type TimeToLiveSpecification,
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
      GlobalSecondaryIndexes: indexes.map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection })),
    }),
  };
};

/**
 * Creates every AWS::DynamoDB::Table of the template, with its keys, indexes and time to live, under
 * its local physical name. A table that exists already (data kept from an earlier start) is left as it is.
 */
export const provisionTables = async (model: StackModel, client: DynamoDBClient): Promise<string[]> => {
  const names: string[] = [];
  for (const [logicalId, resource] of model.ofType('AWS::DynamoDB::Table')) {
    const name = model.physicalName(logicalId);
    names.push(name);
    try {
      await client.send(new CreateTableCommand(createTableInput(resource, name)));
      const ttl = propertiesOf<TableProperties>(resource).TimeToLiveSpecification;
      if (ttl?.Enabled) await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: ttl }));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  return names;
};
