import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CfnTemplate, tableBindings } from '../../local/cloudformation/template';

// Runs before each test file. Fake credentials: DynamoDB Local accepts any.
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// The SDK's notice about Node 20 concerns this machine, not the code under test.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'ServerlessShop';

// Each test file gets its own tables, named after the stack's table and a unique suffix, under
// the same environment variables the stack gives the functions.
if (process.env.SHOP_TEST_TEMPLATE) {
  const template = JSON.parse(readFileSync(process.env.SHOP_TEST_TEMPLATE, 'utf8')) as CfnTemplate;
  const suffix = randomUUID().slice(0, 8);
  for (const [variable, logicalId] of tableBindings(template)) process.env[variable] = `${logicalId}-${suffix}`;
}
