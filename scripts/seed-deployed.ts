import '../local/support/node-version-warning.cjs';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { join, resolve } from 'node:path';
import { seedDemo } from '../demo/seed';
import { toDocumentClient } from '../functions/shared/dynamo';
import { Realm, readRealm } from '../local/issuer/realm';
import { type DeployedTarget, readTarget } from './targets';

/**
 * The DynamoDB client's configuration for a target: on LocalStack its edge, with the region and
 * credentials of the environment or else LocalStack's defaults; on AWS the SDK's own resolution.
 */
const dynamoConfigFor = (target: DeployedTarget): DynamoDBClientConfig =>
  target.edgeUrl
    ? {
        endpoint: target.edgeUrl,
        region: process.env.AWS_REGION ?? 'us-east-1',
        credentials: {
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
          sessionToken: process.env.AWS_SESSION_TOKEN,
        },
      }
    : {};

/**
 * Seeds a deployed stack with the demo data `npm start` has (products, slots with a full one,
 * opening balances), through the services' own stores. The users come from the realm file that
 * Keycloak imports, with its fixed ids, so the balances belong to the subjects of Keycloak's tokens.
 *
 *   npx tsx scripts/seed-deployed.ts <localstack|aws>
 */
const main = async () => {
  const target = readTarget(process.argv[2] ?? '');
  const missing = Object.entries(target.tables).filter(([, name]) => !name);
  if (missing.length > 0)
    throw new Error(`The outputs lack the table names of ${missing.map(([v]) => v).join(', ')}: redeploy`);
  const realm = new Realm(readRealm(join(resolve(__dirname, '..'), 'keycloak', 'realm-shop.json')));
  const dynamo = new DynamoDBClient(dynamoConfigFor(target));
  try {
    const summary = await seedDemo(toDocumentClient(dynamo), (variable) => target.tables[variable]!, [
      ...realm.usersById.values(),
    ]);
    process.stdout.write(
      `Seeded ${target.name}: ${summary.products} products, ${summary.slots} delivery slots (${summary.fullSlot} is full)\n`,
    );
  } finally {
    dynamo.destroy();
  }
};

main().catch((error: Error) => {
  process.stderr.write(`✖ ${error.message}\n`);
  process.exit(1);
});
