import { startCloudProcess, stopCloudProcess, type CloudProcess } from '../support/cloud-process';
import { collectionFailures, runCollection } from './run-collection';

/**
 * The Postman collection, run by newman: the whole user story with its assertions. It gets a local
 * cloud of its own, so that its balance checks share an account with no other test, and that cloud
 * runs no authorizers, as LocalStack's free tier: every 401 and 403 here comes from the handlers
 * verifying the token themselves (the e2e suite covers the authorizer). With
 * `npm run test:postman -- --target localstack` it runs against that deployment instead.
 */
let cloud: CloudProcess | undefined;
let target: { api: string; issuer: string };

beforeAll(async () => {
  if (process.env.SHOP_TARGET) {
    target = { api: process.env.SHOP_API_URL!, issuer: process.env.SHOP_ISSUER_URL! };
  } else {
    cloud = await startCloudProcess('postman', ['--no-authorizers']);
    target = cloud;
  }
}, 300_000);

afterAll(() => stopCloudProcess(cloud?.child), 30_000);

const run = () => runCollection({ ...target, chaosUrl: cloud ? `${cloud.edge}/_local/chaos/faults` : '' });

test('the Postman collection passes: sign-in, browsing, an order, idempotency, every failure path, notifications, a participant down', async () => {
  const summary = await run();
  expect(collectionFailures(summary)).toEqual([]);
  const { assertions, requests } = summary.run.stats;
  // Every request ran and asserted something: a collection that silently skipped would fail here.
  expect(requests.failed).toBe(0);
  expect(assertions.total).toBeGreaterThanOrEqual(60);
  const executed = new Set(summary.run.executions.map((e) => e.item.name));
  expect(executed.size).toBeGreaterThanOrEqual(35);
  // Folder 8 ran, on the local cloud's chaos API, and asserted the SERVICE_UNAVAILABLE path.
  const asserted = summary.run.executions.flatMap((e) => (e.assertions ?? []).map((a) => a.assertion));
  if (cloud) expect(asserted).toContain('the order ends CANCELLED (SERVICE_UNAVAILABLE)');
}, 240_000);
