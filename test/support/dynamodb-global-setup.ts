import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { synthShop } from './synth';

/** Once per run: DynamoDB Local on a free port, and the stack's template for the table definitions. */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  (globalThis as { __dynamo?: unknown }).__dynamo = dynamo;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  const templatePath = join(tmpdir(), `shop-template-${process.pid}.json`);
  writeFileSync(templatePath, JSON.stringify(synthShop().toJSON()));
  process.env.SHOP_TEST_TEMPLATE = templatePath;
}
