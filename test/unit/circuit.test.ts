import {
  CircuitBreaker,
  CircuitOpen,
  type CircuitSettings,
  type CircuitTransition,
  type Classify,
  DEFAULT_CIRCUIT_SETTINGS,
} from '../../functions/order/circuit';
import { circuitSettings } from '../../functions/order/circuit-settings';
import { MemoryCircuitStore } from '../support/memory-circuit-store';

const SETTINGS: CircuitSettings = {
  failureThreshold: 3,
  openMs: 10_000,
  probeSuccesses: 2,
  cacheMs: 1_000,
  probeLeaseMs: 5_000,
};

const infra = () => Object.assign(new Error('Task timed out after 10.00 seconds'), { name: 'Sandbox.Timedout' });
const declined = () => Object.assign(new Error('insufficient funds'), { name: 'PaymentDeclined' });
const classify: Classify = (error) => ((error as Error).name === 'PaymentDeclined' ? 'answer' : 'failure');

const setup = (settings = SETTINGS) => {
  const store = new MemoryCircuitStore();
  const clock = { now: 1_000_000 };
  const transitions: CircuitTransition[] = [];
  const unavailable: string[] = [];
  const rejected: string[] = [];
  const probed: string[] = [];
  const breaker = () =>
    new CircuitBreaker(
      store,
      settings,
      {
        onTransition: (t) => void transitions.push(t),
        onStoreUnavailable: (circuit) => void unavailable.push(circuit),
        onRejected: (circuit) => void rejected.push(circuit),
        onProbe: (circuit) => void probed.push(circuit),
      },
      () => clock.now,
    );
  return { store, clock, transitions, unavailable, rejected, probed, breaker };
};

const fail = (breaker: CircuitBreaker, error = infra) =>
  breaker.call('DeliveryBook', () => Promise.reject(error()), classify).catch((e: unknown) => e as Error);
const succeed = (breaker: CircuitBreaker) => breaker.call('DeliveryBook', () => Promise.resolve('ok'), classify);

test('a closed circuit opens after N consecutive infrastructure failures, then refuses at once', async () => {
  const { breaker, store, transitions, rejected } = setup();
  const b = breaker();
  for (let i = 0; i < 3; i++) expect((await fail(b)).name).toBe('Sandbox.Timedout');
  expect(store.records.get('DeliveryBook')).toMatchObject({ state: 'OPEN', failures: 3 });
  expect([b.known('DeliveryBook'), breaker().known('DeliveryBook')]).toEqual(['OPEN', undefined]);
  expect(transitions).toEqual([expect.objectContaining({ circuit: 'DeliveryBook', from: 'CLOSED', to: 'OPEN' })]);

  let called = false;
  const refused = await b
    .call('DeliveryBook', () => Promise.resolve((called = true)), classify)
    .catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(CircuitOpen);
  expect((refused as Error).name).toBe('CircuitOpen');
  expect(called).toBe(false);
  expect(rejected).toEqual(['DeliveryBook']);
});

test('business answers never count, and a success resets the failures: only consecutive failures open it', async () => {
  const { breaker, store } = setup();
  const b = breaker();
  for (let i = 0; i < 10; i++) expect((await fail(b, declined)).name).toBe('PaymentDeclined');
  expect(store.records.get('DeliveryBook')).toBeUndefined();
  await fail(b);
  await fail(b);
  await succeed(b);
  await fail(b);
  await fail(b);
  expect(store.records.get('DeliveryBook')).toMatchObject({ state: 'CLOSED', failures: 2 });
});

test('the healthy path reads the store at most once per cache period, and writes nothing', async () => {
  const { breaker, store, clock } = setup();
  const b = breaker();
  for (let i = 0; i < 20; i++) await succeed(b);
  expect(store.reads).toBe(1);
  clock.now += 1_000;
  for (let i = 0; i < 20; i++) await succeed(b);
  expect(store.reads).toBe(2);
  expect(store.writes).toBe(0);
});

test('after T one caller probes; K probe successes close it again', async () => {
  const { breaker, store, clock, transitions } = setup();
  const b = breaker();
  for (let i = 0; i < 3; i++) await fail(b);
  clock.now += 9_999;
  expect(await fail(b)).toBeInstanceOf(CircuitOpen);
  clock.now += 2;
  expect(await succeed(b)).toBe('ok');
  expect(store.records.get('DeliveryBook')).toMatchObject({ state: 'HALF_OPEN', probeSuccesses: 1 });
  expect(store.records.get('DeliveryBook')!.probe).toBeUndefined();
  expect(await succeed(b)).toBe('ok');
  expect(store.records.get('DeliveryBook')).toMatchObject({ state: 'CLOSED', failures: 0 });
  expect(transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['CLOSED→OPEN', 'OPEN→HALF_OPEN', 'HALF_OPEN→CLOSED']);
});

test('a container whose cache still says open, after another closed the circuit, loses the election and calls: it refuses nothing', async () => {
  const { breaker, store, clock } = setup({ ...SETTINGS, cacheMs: 60_000 });
  const [a, b] = [breaker(), breaker()];
  for (let i = 0; i < 3; i++) await fail(a);
  expect(await fail(b)).toBeInstanceOf(CircuitOpen);
  clock.now += 10_000;
  await succeed(a);
  await succeed(a);
  expect(store.records.get('DeliveryBook')).toMatchObject({ state: 'CLOSED' });

  expect(b.known('DeliveryBook')).toBe('OPEN');
  expect(await succeed(b)).toBe('ok');
  expect(b.known('DeliveryBook')).toBe('CLOSED');
});

test('a failed probe opens the circuit for another T', async () => {
  const { breaker, store, clock, transitions } = setup();
  const b = breaker();
  for (let i = 0; i < 3; i++) await fail(b);
  clock.now += 10_000;
  expect((await fail(b)).name).toBe('Sandbox.Timedout');
  expect(store.records.get('DeliveryBook')).toMatchObject({ state: 'OPEN', openedAt: clock.now });
  expect(await fail(b)).toBeInstanceOf(CircuitOpen);
  expect(transitions.map((t) => t.to)).toEqual(['OPEN', 'HALF_OPEN', 'OPEN']);
});

test('in half-open, of 50 concurrent callers in 10 containers, exactly one probes', async () => {
  const { breaker, clock, probed } = setup();
  const containers = Array.from({ length: 10 }, breaker);
  for (let i = 0; i < 3; i++) await fail(containers[0]!);
  clock.now += 10_000;
  let probes = 0;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const calls = Array.from({ length: 50 }, (_, i) =>
    containers[i % 10]!.call(
      'DeliveryBook',
      async () => {
        probes++;
        await held;
        return 'ok';
      },
      classify,
    ).catch((e: unknown) => e as Error),
  );
  await new Promise((resolve) => setImmediate(resolve));
  release();
  const outcomes = await Promise.all(calls);
  expect(probes).toBe(1);
  expect(probed).toEqual(['DeliveryBook']);
  expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
  expect(outcomes.filter((o) => o instanceof CircuitOpen)).toHaveLength(49);
});

test('a prober that never settles loses its lease: another caller probes after it', async () => {
  const { breaker, store, clock } = setup();
  const b = breaker();
  for (let i = 0; i < 3; i++) await fail(b);
  clock.now += 10_000;
  void b.call('DeliveryBook', () => new Promise<never>(() => undefined), classify);
  await new Promise((resolve) => setImmediate(resolve));
  expect(store.records.get('DeliveryBook')!.probe).toBeDefined();
  const other = breaker();
  expect(await fail(other)).toBeInstanceOf(CircuitOpen);
  clock.now += 5_001;
  expect(await succeed(other)).toBe('ok');
  expect(store.records.get('DeliveryBook')).toMatchObject({ state: 'HALF_OPEN', probeSuccesses: 1 });
});

test('a prober that can take longer than the lease holds it for as long as it can take', async () => {
  const { breaker, clock } = setup();
  const b = breaker();
  for (let i = 0; i < 3; i++) await fail(b);
  clock.now += 10_000;
  // The lease is 5 s; this caller may hold its probe for 8 s (its deadline and the settling after it).
  void b.call('DeliveryBook', () => new Promise<never>(() => undefined), classify, 8_000);
  await new Promise((resolve) => setImmediate(resolve));
  const other = breaker();
  clock.now += 7_999;
  expect(await fail(other)).toBeInstanceOf(CircuitOpen);
  clock.now += 2;
  expect(await succeed(other)).toBe('ok');
});

test('when the store cannot be reached, calls go through (fail open) and the breaker says so', async () => {
  const { breaker, store, unavailable } = setup();
  store.down = true;
  const b = breaker();
  expect(await succeed(b)).toBe('ok');
  expect((await fail(b)).name).toBe('Sandbox.Timedout');
  expect(unavailable.length).toBeGreaterThanOrEqual(2);
  expect(unavailable.every((circuit) => circuit === 'DeliveryBook')).toBe(true);
});

describe('settings from the environment', () => {
  test('defaults, and the variables given, in their units', () => {
    expect(circuitSettings({})).toEqual(DEFAULT_CIRCUIT_SETTINGS);
    expect(
      circuitSettings({ CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_OPEN_SECONDS: '5', CIRCUIT_CACHE_MS: '0' }),
    ).toEqual({ ...DEFAULT_CIRCUIT_SETTINGS, failureThreshold: 2, openMs: 5_000, cacheMs: 0 });
  });

  test('a value out of range or not whole is refused, naming the variable', () => {
    expect(() => circuitSettings({ CIRCUIT_FAILURE_THRESHOLD: '0' })).toThrow(/CIRCUIT_FAILURE_THRESHOLD .* 1 to 100/);
    expect(() => circuitSettings({ CIRCUIT_OPEN_SECONDS: '1.5' })).toThrow(/CIRCUIT_OPEN_SECONDS/);
    expect(() => circuitSettings({ CIRCUIT_PROBE_SUCCESSES: 'many' })).toThrow(/CIRCUIT_PROBE_SUCCESSES/);
  });
});
