import { LambdaClient } from '@aws-sdk/client-lambda';
import { Readable } from 'node:stream';
import { CircuitBreaker, type CircuitTransition } from '../../functions/order/circuit';
import {
  classify,
  invokeParticipant,
  makeCallParticipant,
  ParticipantError,
  ParticipantTimeout,
  SETTLE_MARGIN_MS,
  withDeadline,
} from '../../functions/order/participant-call';
import { fakeContext } from '../support/lambda';
import { MemoryCircuitStore } from '../support/memory-circuit-store';

/** A Lambda API that answers every Invoke as given: the SDK's own parsing of Lambda's answers is exercised. */
const lambdaAnswering = (statusCode: number, body: unknown, headers: Record<string, string> = {}) =>
  new LambdaClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    maxAttempts: 1,
    requestHandler: {
      handle: () =>
        Promise.resolve({
          response: {
            statusCode,
            headers: { 'content-type': 'application/json', ...headers },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        }),
    },
  });

test('a result is answered as the participant returned it', async () => {
  const lambda = lambdaAnswering(200, { orderId: 'o-1', booked: true });
  expect(await invokeParticipant(lambda, 'book', { orderId: 'o-1' })).toEqual({ orderId: 'o-1', booked: true });
});

test('a function error is raised again under its errorType: a business answer does not count', async () => {
  const lambda = lambdaAnswering(
    200,
    { errorType: 'DeliveryUnavailable', errorMessage: 'slot full' },
    { 'x-amz-function-error': 'Unhandled' },
  );
  const error = (await invokeParticipant(lambda, 'book', {}).catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(ParticipantError);
  expect([error.name, error.message]).toEqual(['DeliveryUnavailable', 'slot full']);
  expect(classify(error)).toBe('answer');
});

test('a timeout, a crash, a throttle and a 5xx count as failures', async () => {
  const timedOut = lambdaAnswering(
    200,
    { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 10.00 seconds' },
    { 'x-amz-function-error': 'Unhandled' },
  );
  const throttled = lambdaAnswering(
    429,
    { message: 'Rate exceeded' },
    { 'x-amzn-errortype': 'TooManyRequestsException' },
  );
  const failing = lambdaAnswering(503, { message: 'down' }, { 'x-amzn-errortype': 'ServiceException' });
  const errors = await Promise.all(
    [timedOut, throttled, failing].map((lambda) =>
      invokeParticipant(lambda, 'book', {}).then(
        () => new Error('answered'),
        (e: unknown) => e as Error,
      ),
    ),
  );
  expect(errors.map((e) => e.name)).toEqual(['Sandbox.Timedout', 'TooManyRequestsException', 'ServiceException']);
  expect(errors.map(classify)).toEqual(['failure', 'failure', 'failure']);
  expect(classify(new ParticipantError('Runtime.ExitError', 'exited'))).toBe('failure');
});

test('a participant slower than the deadline is given up: its call aborted, ParticipantTimeout, a failure', async () => {
  let aborted = false;
  const error = (await withDeadline(
    'book',
    50,
    (signal) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => (aborted = true));
        setTimeout(resolve, 5_000).unref();
      }),
  ).catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(ParticipantTimeout);
  expect([error.name, error.message]).toEqual([
    'ParticipantTimeout',
    'book did not answer within 50 ms, the time the step had left',
  ]);
  expect(aborted).toBe(true);
  expect(classify(error)).toBe('failure');
  // In time, the answer or the participant's own error is the call's.
  expect(await withDeadline('book', 1_000, () => Promise.resolve('booked'))).toBe('booked');
  await expect(
    withDeadline('book', 1_000, () => Promise.reject(new ParticipantError('OutOfStock', 'none'))),
  ).rejects.toThrow('none');
});

test("a probe whose participant outlasts the step settles the circuit before the step's time is up: no lease is left held", async () => {
  const store = new MemoryCircuitStore();
  const now = Date.now();
  store.records.set('DeliveryBook', {
    circuit: 'DeliveryBook',
    state: 'OPEN',
    failures: 3,
    openedAt: now - 60_000,
    probeSuccesses: 0,
    changedAt: now - 60_000,
    version: 1,
  });
  const transitions: CircuitTransition[] = [];
  const breaker = new CircuitBreaker(
    store,
    { failureThreshold: 3, openMs: 30_000, probeSuccesses: 1, cacheMs: 0, probeLeaseMs: 60_000 },
    { onTransition: (t) => void transitions.push(t) },
  );
  const signals: AbortSignal[] = [];
  const step = makeCallParticipant(
    breaker,
    (_name, _input, signal) => {
      signals.push(signal);
      return new Promise(() => undefined);
    },
    { BillingPay: 'pay', WarehouseReserve: 'reserve', DeliveryBook: 'book' },
  );
  // The step has 200 ms more than it keeps for the circuit's bookkeeping.
  const context = fakeContext('CircuitsCallParticipant', SETTLE_MARGIN_MS + 200);
  const started = Date.now();
  const error = (await step({ circuit: 'DeliveryBook', input: { orderId: 'o-1' } }, context).catch(
    (e: unknown) => e,
  )) as Error;

  expect(error.name).toBe('ParticipantTimeout');
  expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  expect(signals.map((signal) => signal.aborted)).toEqual([true]);
  expect(transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['OPEN→HALF_OPEN', 'HALF_OPEN→OPEN']);
  expect(store.records.get('DeliveryBook')).toMatchObject({ state: 'OPEN' });
  expect(store.records.get('DeliveryBook')!.probe).toBeUndefined();
});
