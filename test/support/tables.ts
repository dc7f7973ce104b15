import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { type CfnTemplate, tableBindings } from '../../local/cloudformation/template';
import { createTableInput } from '../../local/dynamodb/tables';

const client = new DynamoDBClient({});

const boundTables = () => {
  const template = JSON.parse(readFileSync(process.env.SHOP_TEST_TEMPLATE!, 'utf8')) as CfnTemplate;
  return [...tableBindings(template)].map(([variable, logicalId]) => ({
    name: process.env[variable]!,
    resource: template.Resources[logicalId]!,
  }));
};

/** Creates this test file's copy of every table the stack defines. */
export const createShopTables = async (): Promise<void> => {
  const seen = new Set<string>();
  for (const { name, resource } of boundTables()) {
    if (seen.has(name)) continue;
    seen.add(name);
    await client.send(new CreateTableCommand(createTableInput(resource, name)));
  }
};

export const deleteShopTables = async (): Promise<void> => {
  const names = new Set(boundTables().map(({ name }) => name));
  await Promise.all([...names].map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
};
