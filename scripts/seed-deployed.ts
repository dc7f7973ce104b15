import '../local/support/node-version-warning.cjs';
import { join, resolve } from 'node:path';
import { Realm, readRealm } from '../local/issuer/realm';
import { readTarget } from './targets';

/**
 * Seeds a deployed stack with the demo data `npm start` has (products, slots with a full one,
 * opening balances), through the services' own stores. The users come from the realm file that
 * Keycloak imports, with its fixed ids, so the balances belong to the subjects of Keycloak's tokens.
 *
 *   npx tsx scripts/seed-deployed.ts <localstack|aws>
 */
const main = async () => {
  const target = readTarget(process.argv[2] ?? '');
  if (target.edgeUrl) {
    Object.assign(process.env, { AWS_ENDPOINT_URL: target.edgeUrl });
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  }
  const missing = Object.entries(target.tables).filter(([, name]) => !name);
  if (missing.length > 0) throw new Error(`The outputs lack the table names of ${missing.map(([v]) => v).join(', ')}: redeploy`);
  const realm = new Realm(readRealm(join(resolve(__dirname, '..'), 'keycloak', 'realm-shop.json')));
  const { seedDemo } = await import('../demo/seed');
  const summary = await seedDemo((variable) => target.tables[variable]!, [...realm.usersById.values()]);
  process.stdout.write(`Seeded ${target.name}: ${summary.products} products, ${summary.slots} delivery slots (${summary.fullSlot} is full)\n`);
};

main().catch((error: Error) => {
  process.stderr.write(`✖ ${error.message}\n`);
  process.exit(1);
});
