import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { StackModel } from '../../../local/cloudformation/model';
import type { CfnTemplate } from '../../../local/cloudformation/template';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../local/dynamodb/process';
import { provisionTables } from '../../../local/dynamodb/tables';

// Tables from the template on DynamoDB Local: created once, then kept, and brought up to a template
// that has grown an index, as a CloudFormation update would, without losing their data.

jest.setTimeout(60_000);
let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});
afterAll(async () => {
  client.destroy();
  await dynamo.stop();
});

const template = (withIndex: boolean): CfnTemplate => ({
  Resources: {
    Orders: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'orderId', AttributeType: 'S' },
          ...(withIndex
            ? [
                { AttributeName: 'pending', AttributeType: 'S' },
                { AttributeName: 'createdAt', AttributeType: 'S' },
              ]
            : []),
        ],
        ...(withIndex && {
          GlobalSecondaryIndexes: [
            {
              IndexName: 'pendingByAge',
              KeySchema: [
                { AttributeName: 'pending', KeyType: 'HASH' },
                { AttributeName: 'createdAt', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'KEYS_ONLY' },
            },
          ],
        }),
      },
    },
  },
});
const model = (withIndex: boolean) =>
  new StackModel(template(withIndex), { region: 'us-east-1', accountId: '000000000000', stackName: 'Shop' });

test('a table kept from an earlier start gets the index the template added, and keeps its items', async () => {
  expect(await provisionTables(model(false), client)).toEqual([]);
  await client.send(new PutItemCommand({ TableName: 'Shop-Orders', Item: { orderId: { S: 'o-1' } } }));

  const changes = await provisionTables(model(true), client);
  const again = await provisionTables(model(true), client);
  const { Table } = await client.send(new DescribeTableCommand({ TableName: 'Shop-Orders' }));
  const { Item } = await client.send(new GetItemCommand({ TableName: 'Shop-Orders', Key: { orderId: { S: 'o-1' } } }));

  expect(changes).toEqual(['Shop-Orders: index pendingByAge created']);
  expect(again).toEqual([]);
  expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['pendingByAge']);
  expect(Item).toEqual({ orderId: { S: 'o-1' } });
});
