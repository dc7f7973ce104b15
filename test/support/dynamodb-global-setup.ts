import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/process';
import { synthShop } from './synth';

/**
 * Once per project that needs it: DynamoDB Local on a free port, and the stack's template for the
 * table definitions. Several projects run this setup in one Jest process, so each instance is kept.
 */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  const registry = globalThis as { __dynamoInstances?: DynamoDbLocal[] };
  (registry.__dynamoInstances ??= []).push(dynamo);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  const templatePath = join(tmpdir(), `shop-template-${process.pid}.json`);
  writeFileSync(templatePath, JSON.stringify(synthShop().toJSON()));
  process.env.SHOP_TEST_TEMPLATE = templatePath;
}
