import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { CircuitBreaker, CircuitOpen, type CircuitTransition, type Classify } from '../../functions/order/circuit';
import { DynamoCircuitStore } from '../../functions/order/circuit-store';
import { documentClient } from '../../functions/shared/clients';

/** The breaker on the DynamoDB store, against DynamoDB Local: its conditional writes elect one prober. */
const TABLE = `circuits-${randomUUID().slice(0, 8)}`;
const dynamodb = new DynamoDBClient({});
const store = new DynamoCircuitStore(documentClient, TABLE);
const SETTINGS = { failureThreshold: 3, openMs: 10_000, probeSuccesses: 2, cacheMs: 1_000, probeLeaseMs: 5_000 };
const clock = { now: Date.now() };
const transitions: CircuitTransition[] = [];
const breaker = () =>
  new CircuitBreaker(store, SETTINGS, { onTransition: (t) => void transitions.push(t) }, () => clock.now);

const timeout = () => Object.assign(new Error('Task timed out'), { name: 'Sandbox.Timedout' });
const classify: Classify = (error) => ((error as Error).name === 'DeliveryUnavailable' ? 'answer' : 'failure');

beforeAll(() =>
  dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  ),
);
afterAll(async () => {
  await dynamodb.send(new DeleteTableCommand({ TableName: TABLE }));
  dynamodb.destroy();
});

test('failures are counted across containers in the table, and the Nth opens the circuit once', async () => {
  const circuit = `Book-${randomUUID()}`;
  const containers = [breaker(), breaker(), breaker()];
  const outcomes = await Promise.all(
    containers.map((b) => b.call(circuit, () => Promise.reject(timeout()), classify).catch((e: unknown) => e)),
  );
  expect(outcomes.map((e) => (e as Error).name)).toEqual(['Sandbox.Timedout', 'Sandbox.Timedout', 'Sandbox.Timedout']);
  expect(await store.read(circuit)).toMatchObject({ state: 'OPEN', failures: 3, version: 1 });
  expect(transitions.filter((t) => t.circuit === circuit).map((t) => t.to)).toEqual(['OPEN']);
  expect(
    await breaker()
      .call(circuit, () => Promise.resolve('ok'), classify)
      .catch((e: unknown) => e),
  ).toBeInstanceOf(CircuitOpen);
});

test('in half-open, 50 concurrent calls from 10 containers make exactly one probe; two successes close it', async () => {
  const circuit = `Book-${randomUUID()}`;
  const opener = breaker();
  for (let i = 0; i < 3; i++) await opener.call(circuit, () => Promise.reject(timeout()), classify).catch(() => 0);
  clock.now += 10_000;
  const containers = Array.from({ length: 10 }, breaker);
  let probes = 0;
  const outcomes = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      containers[i % 10]!.call(
        circuit,
        async () => {
          probes++;
          await new Promise((resolve) => setTimeout(resolve, 50));
          return 'ok';
        },
        classify,
      ).catch((e: unknown) => e),
    ),
  );
  expect(probes).toBe(1);
  expect(outcomes.filter((o) => o instanceof CircuitOpen)).toHaveLength(49);
  expect(await store.read(circuit)).toMatchObject({ state: 'HALF_OPEN', probeSuccesses: 1 });

  clock.now += SETTINGS.cacheMs;
  expect(await containers[3]!.call(circuit, () => Promise.resolve('ok'), classify)).toBe('ok');
  expect(await store.read(circuit)).toMatchObject({ state: 'CLOSED', failures: 0 });
  expect(transitions.filter((t) => t.circuit === circuit).map((t) => t.to)).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
});

test('a business answer resets the count of failures: the circuit stays closed', async () => {
  const circuit = `Book-${randomUUID()}`;
  const b = breaker();
  const unavailable = () => Object.assign(new Error('slot full'), { name: 'DeliveryUnavailable' });
  for (const error of [timeout, timeout, unavailable, timeout, timeout])
    await b.call(circuit, () => Promise.reject(error()), classify).catch(() => 0);
  expect(await store.read(circuit)).toMatchObject({ state: 'CLOSED', failures: 2 });
});

test('a missing table fails open: the call goes through and the breaker reports the store', async () => {
  const unavailable: string[] = [];
  const lost = new CircuitBreaker(new DynamoCircuitStore(documentClient, `missing-${randomUUID()}`), SETTINGS, {
    onStoreUnavailable: (circuit) => void unavailable.push(circuit),
  });
  expect(await lost.call('Pay', () => Promise.resolve('paid'), classify)).toBe('paid');
  expect(unavailable).toEqual(['Pay']);
});
