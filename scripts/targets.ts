import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/** Where a deployed stack answers, read from the outputs file its deploy wrote. */
export interface DeployedTarget {
  name: string;
  apiUrl: string;
  issuerUrl: string;
  /** The AWS endpoint for the SDK (LocalStack's edge); undefined on AWS, where the SDK finds it. */
  edgeUrl?: string;
  stateMachineArn: string;
  /** Table names by the environment variable the functions read them from. */
  tables: Record<string, string>;
}

const LOCALSTACK_EDGE = process.env.AWS_ENDPOINT_URL ?? 'http://localhost:4566';

/**
 * On LocalStack the stack's ApiUrl names execute-api on amazonaws.com; the same API answers at
 * the edge under /restapis/{id}/{stage}/_user_request_.
 */
export const localstackApiUrl = (apiUrl: string): string => {
  const match = /^https?:\/\/([a-z0-9]+)\.execute-api\.[^/]+\/([^/]+)\/?$/.exec(apiUrl);
  if (!match) return apiUrl;
  return `${LOCALSTACK_EDGE}/restapis/${match[1]}/${match[2]}/_user_request_`;
};

export const readTarget = (name: string): DeployedTarget => {
  if (name !== 'localstack' && name !== 'aws') throw new Error(`Unknown target '${name}': localstack or aws`);
  const file = join(ROOT, '.local', `outputs-${name}.json`);
  if (!existsSync(file)) throw new Error(`${file} does not exist: deploy first with npm run deploy:${name}`);
  const stacks = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  const outputs = Object.values(stacks)[0];
  if (!outputs?.ApiUrl || !outputs.IssuerUrl || !outputs.StateMachineArn)
    throw new Error(`${file} lacks ApiUrl, IssuerUrl or StateMachineArn`);
  return {
    name,
    apiUrl: (name === 'localstack' ? localstackApiUrl(outputs.ApiUrl) : outputs.ApiUrl).replace(/\/$/, ''),
    issuerUrl: outputs.IssuerUrl,
    edgeUrl: name === 'localstack' ? LOCALSTACK_EDGE : undefined,
    stateMachineArn: outputs.StateMachineArn,
    tables: {
      BILLING_TABLE: outputs.BillingTableName ?? '',
      WAREHOUSE_TABLE: outputs.WarehouseTableName ?? '',
      DELIVERY_TABLE: outputs.DeliveryTableName ?? '',
      ORDERS_TABLE: outputs.OrderTableName ?? '',
      NOTIFICATIONS_TABLE: outputs.NotificationTableName ?? '',
    },
  };
};

// `npx tsx scripts/targets.ts <target>` prints where a deployment answers.
if (require.main === module) {
  try {
    const target = readTarget(process.argv[2] ?? '');
    process.stdout.write(
      `API        ${target.apiUrl}\nIssuer     ${target.issuerUrl}\nSaga       ${target.stateMachineArn}\n${target.edgeUrl ? `AWS edge   ${target.edgeUrl}\n` : ''}`,
    );
  } catch (error) {
    process.stderr.write(`✖ ${(error as Error).message}\n`);
    process.exit(1);
  }
}
