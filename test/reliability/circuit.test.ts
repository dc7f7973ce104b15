import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultRule } from '../../local/chaos/rules';
import type { Violation } from '../support/invariants';
import { edgeConfig } from './support';
import { type PlannedOrder, ReliabilityShop } from './shop';

/**
 * The saga's circuit breakers on a whole local cloud, driven as an operator would: the thresholds set
 * with `update-function-configuration`, faults from the chaos API, what happened read back from the
 * orders, the execution history, CloudWatch Logs and metrics, and the circuits table.
 *
 * Delivery's book action fails: after N failed attempts its circuit opens, and the next order is
 * compensated at its first attempt, without calling Delivery. With the fault gone, after T one prober
 * (held a few seconds, so that others arrive while it probes) closes the circuit, and of 50 concurrent
 * orders no other call probes. With the circuits table failing, the saga goes on (fail open) and says so.
 */
jest.setTimeout(600_000);

const N = 3;
// Long enough for the next order to reach its book step while the circuit is still open, on a busy machine.
const T_SECONDS = 8;
const shop = new ReliabilityShop('circuit', mkdtempSync(join(tmpdir(), 'shop-circuit-')), [
  '--retry-interval-scale',
  '0.2',
]);
afterAll(() => shop.stop());

let callParticipant: string;
/** Delivery's book function, as the step names it. */
let deliveryBook: string;
let sku: string;
let slots: string[];
let placed = 0;

const client = <C>(make: new (config: ReturnType<typeof edgeConfig>) => C) => new make(edgeConfig(shop.urls));

beforeAll(async () => {
  await shop.start();
  const sfn = client(SFNClient);
  const saga = await sfn.send(
    new DescribeStateMachineCommand({ stateMachineArn: (await shop.outputsOf()).StateMachineArn! }),
  );
  sfn.destroy();
  callParticipant = /arn:aws:lambda:[^"]+CallParticipant[^"]*/.exec(saga.definition!)![0];
  // The circuit's thresholds, as an operator tunes them on AWS: N failures, open for T, closed by one probe.
  const lambda = client(LambdaClient);
  const { Environment } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: callParticipant }));
  deliveryBook = Environment!.Variables!.DELIVERY_BOOK_FUNCTION!;
  await lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: callParticipant,
      Environment: {
        Variables: {
          ...Environment!.Variables,
          CIRCUIT_FAILURE_THRESHOLD: String(N),
          CIRCUIT_OPEN_SECONDS: String(T_SECONDS),
          CIRCUIT_PROBE_SUCCESSES: '1',
        },
      },
    }),
  );
  lambda.destroy();
  sku = await shop.product(1, 1_000_000);
  await shop.deposit('alice', 1_000_000);
  slots = (await shop.slots()).filter((slot) => slot.remaining >= 20).map((slot) => slot.slotId);
});

/** An order of alice's that would complete, unlike any other (its quantity), in a slot with room. */
const nextOrder = (): PlannedOrder => {
  placed++;
  return {
    user: 'alice',
    items: [{ sku, quantity: placed }],
    slotId: slots[placed % slots.length]!,
    key: `circuit-${placed}-${Date.now()}`,
  };
};

/** Places an order: its id. */
const place = async (): Promise<string> => {
  const planned = nextOrder();
  const created = await shop.api<{ orderId: string }>(
    'alice',
    'POST',
    '/orders',
    { items: planned.items, delivery: { slotId: planned.slotId, address: '1 Circuit Road' } },
    { 'idempotency-key': planned.key },
  );
  if (created.status !== 201) throw new Error(`POST /orders answered ${created.status}`);
  return created.body.orderId;
};

/**
 * Waits for an order's end: its id, status and reason. It polls as a patient client does, less often the
 * longer it waits (with jitter): 50 of them polling every 300 ms were most of the load on a 2-core machine.
 */
const ending = async (orderId: string) => {
  for (let pause = 300, deadline = Date.now() + 120_000; Date.now() < deadline; pause = Math.min(2_000, pause * 1.5)) {
    const { body } = await shop.api<{ status: string; failureReason?: string }>('alice', 'GET', `/orders/${orderId}`);
    if (body.status === 'COMPLETED' || body.status === 'CANCELLED' || body.status === 'COMPENSATION_FAILED')
      return { orderId, ...body };
    await new Promise((resolve) => setTimeout(resolve, pause * (0.75 + Math.random() / 2)));
  }
  throw new Error(`order ${orderId} did not end within 2 minutes`);
};

/** Places an order and waits for its end. */
const order = async () => ending(await place());

/**
 * Places `count` orders from `clients` connections at a time, and waits for all of their ends: the
 * sagas overlap as `count` concurrent orders do. The local cloud runs 4 of CreateOrder at once (AWS
 * would scale out), so 50 POSTs sent at once queue there, and with another suite on the same 2 cores
 * the last of them waited past API Gateway's 29 s and got a 504.
 */
const burst = async (count: number, clients: number) => {
  const ids: Promise<string>[] = [];
  let next = 0;
  const client = async () => {
    while (next < count) {
      next++;
      const id = place();
      ids.push(id);
      await id;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return Promise.all(ids.map(async (id) => ending(await id)));
};

const chaos = async (method: string, body?: unknown): Promise<FaultRule[]> =>
  (await (
    await fetch(`${shop.urls.edge}/_local/chaos/faults`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  ).json()) as FaultRule[];

/** An order's saga execution: named after the order. */
const executionOf = async (orderId: string) =>
  `${(await shop.outputsOf()).StateMachineArn!.replace(':stateMachine:', ':execution:')}:${orderId}`;

/** The circuit's record in its table. */
const circuitRecord = async (circuit: string) => {
  const documents = DynamoDBDocumentClient.from(client(DynamoDBClient));
  try {
    const { CircuitTableName } = await shop.outputsOf();
    const { Item } = await documents.send(
      new GetCommand({
        TableName: CircuitTableName,
        Key: { pk: `CIRCUIT#${circuit}`, sk: 'CIRCUIT' },
        ConsistentRead: true,
      }),
    );
    return Item as { state: string; openedAt?: number } | undefined;
  } finally {
    documents.destroy();
  }
};

/** The call-participant step's log lines with this message, as `aws logs filter-log-events` finds them. */
const stepLines = async (message: string) => {
  const logs = client(CloudWatchLogsClient);
  try {
    const name = callParticipant.split(':').pop()!;
    const { events = [] } = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: `/aws/lambda/${name}`,
        filterPattern: `{ $.message = "${message}" }`,
        limit: 10_000,
      }),
    );
    return events.map((event) => JSON.parse(event.message!) as Record<string, unknown>);
  } finally {
    logs.destroy();
  }
};

const transitions = async (circuit: string) =>
  (await stepLines('Circuit state changed'))
    .filter((line) => line.circuit === circuit)
    .map((line) => `${String(line.from)}→${String(line.to)}`);

/** The attempts of the order's BookDelivery state: every TaskScheduled from its entry to its exit. */
const bookings = async (executionArn: string): Promise<HistoryEvent[]> => {
  const sfn = client(SFNClient);
  try {
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const entered = events.findIndex(
      (event) => event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === 'BookDelivery',
    );
    const exited = events.findIndex(
      (event, i) =>
        i > entered && event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name === 'BookDelivery',
    );
    const within = events.slice(entered, exited < 0 ? undefined : exited);
    return entered < 0 ? [] : within.filter((event) => event.type === 'TaskScheduled');
  } finally {
    sfn.destroy();
  }
};

const report = (violations: Violation[]) => violations.map((v) => `${v.rule} ${v.subject}: ${v.message}`);

test('Delivery down: after N failed attempts the circuit opens, and the next order is compensated at its first attempt without calling Delivery', async () => {
  const baseline = await shop.invariants().snapshot();
  const [fault] = await chaos('POST', [
    { service: 'lambda', function: 'DeliveryBook', error: { code: 'Lambda.ServiceException', statusCode: 503 } },
  ]);

  // Its first N attempts fail, the N-th opens the circuit, and its last attempt is refused.
  const first = await order();
  const openedAfter = (await chaos('GET')).find((rule) => rule.id === fault!.id)!.injected;
  const next = await order();
  const injected = (await chaos('GET')).find((rule) => rule.id === fault!.id)!.injected;
  const scheduled = await bookings(await executionOf(next.orderId));

  expect([first.status, first.failureReason]).toEqual(['CANCELLED', 'SERVICE_UNAVAILABLE']);
  expect(openedAfter).toBe(N);
  expect([next.status, next.failureReason]).toEqual(['CANCELLED', 'SERVICE_UNAVAILABLE']);
  // One attempt, and Delivery was not called: no fault was drawn for it.
  expect(scheduled).toHaveLength(1);
  expect(injected).toBe(N);
  expect(await circuitRecord('DeliveryBook')).toMatchObject({ state: 'OPEN' });
  expect(await transitions('DeliveryBook')).toEqual(['CLOSED→OPEN']);
  expect((await stepLines('Call refused: the circuit is open')).length).toBeGreaterThanOrEqual(2);
  // Compensated: the payment refunded, the stock released, one notification each.
  expect(report(await shop.settle(baseline))).toEqual([]);
});

test('the fault cleared: after T a single prober closes the circuit, and of 50 concurrent orders no other call probes', async () => {
  const baseline = await shop.invariants().snapshot();
  await chaos('POST', []);
  const { openedAt } = (await circuitRecord('DeliveryBook'))!;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, openedAt! + T_SECONDS * 1000 - Date.now())));
  // Delivery's book has not run yet: the first test's fault stood in front of it. A call it refuses (no
  // booking) warms it, so that the probe waits for the 4 s below, not also for a cold start under 50 orders' load.
  const lambda = client(LambdaClient);
  const warmed = await lambda.send(
    new InvokeCommand({ FunctionName: deliveryBook, Payload: new TextEncoder().encode('{}') }),
  );
  lambda.destroy();
  expect(warmed.FunctionError).toBe('Unhandled');
  // The probe's call to Delivery is held 4 s (well within the step's 9 s), so that other orders reach their book step while it probes.
  await chaos('POST', [{ service: 'lambda', function: 'DeliveryBook', effect: 'latency', latencyMs: 4000, times: 1 }]);

  const orders = await burst(50, 8);
  const [held] = await chaos('GET');

  const outcomes = orders.map((o) => [o.status, o.failureReason].filter(Boolean).join(' '));
  expect(outcomes.filter((o) => o !== 'COMPLETED' && o !== 'CANCELLED SERVICE_UNAVAILABLE')).toEqual([]);
  expect(outcomes).toContain('COMPLETED');
  expect(held!.injected).toBe(1);
  expect((await stepLines('Circuit probe: this call tests whether the participant is back')).length).toBe(1);
  expect(await transitions('DeliveryBook')).toEqual(['CLOSED→OPEN', 'OPEN→HALF_OPEN', 'HALF_OPEN→CLOSED']);
  expect(await circuitRecord('DeliveryBook')).toMatchObject({ state: 'CLOSED' });
  // Each transition was put on EventBridge's default bus, none refused.
  expect(await stepLines('Circuit state change not announced')).toEqual([]);
  expect(report(await shop.settle(baseline))).toEqual([]);
});

test('the circuits table failing: the saga goes on (fail open), and says so in a log line and a metric', async () => {
  const { CircuitTableName } = await shop.outputsOf();
  await chaos('POST', [
    { service: 'dynamodb', table: CircuitTableName, error: { code: 'InternalServerError', statusCode: 500 } },
  ]);
  // Past the breaker's cache period, its next call reads the table.
  await new Promise((resolve) => setTimeout(resolve, 2_500));

  const done = await order();
  await chaos('DELETE', []);

  expect(done.status).toBe('COMPLETED');
  const unavailable = await stepLines('Circuit store unavailable: the call goes through (fail open)');
  expect(unavailable.map((line) => line.circuit)).toEqual(
    expect.arrayContaining(['BillingPay', 'WarehouseReserve', 'DeliveryBook']),
  );
  const cloudwatch = client(CloudWatchClient);
  const { Metrics = [] } = await cloudwatch.send(
    new ListMetricsCommand({ Namespace: 'ServerlessShop', MetricName: 'CircuitStoreUnavailable' }),
  );
  cloudwatch.destroy();
  expect(Metrics.flatMap((metric) => metric.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`)).toEqual(
    expect.arrayContaining(['Circuit=BillingPay', 'Circuit=DeliveryBook']),
  );
});

test('a probe whose answer is lost: the circuit opens again, and the booking the probe made is undone once', async () => {
  const baseline = await shop.invariants().snapshot();
  await chaos('POST', [
    { service: 'lambda', function: 'DeliveryBook', error: { code: 'Lambda.ServiceException', statusCode: 503 } },
  ]);
  expect((await order()).failureReason).toBe('SERVICE_UNAVAILABLE');
  // Delivery books the place, and its answer never comes: the probe times out.
  await chaos('POST', [{ service: 'lambda', function: 'DeliveryBook', effect: 'timeout', times: 1 }]);
  const { openedAt } = (await circuitRecord('DeliveryBook'))!;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, openedAt! + T_SECONDS * 1000 - Date.now())));

  const probed = await order();
  const [lost] = await chaos('GET');
  await chaos('DELETE', []);

  expect(lost!.injected).toBe(1);
  expect([probed.status, probed.failureReason]).toEqual(['CANCELLED', 'SERVICE_UNAVAILABLE']);
  expect((await transitions('DeliveryBook')).slice(-3)).toEqual(['CLOSED→OPEN', 'OPEN→HALF_OPEN', 'HALF_OPEN→OPEN']);
  const { body } = await shop.api<{ history: { status: string }[] }>('alice', 'GET', `/orders/${probed.orderId}`);
  expect(body.history.map((h) => h.status)).toEqual(expect.arrayContaining(['DELIVERY_CANCELLED', 'ITEMS_RELEASED']));
  // The place the probe took is given back, the payment refunded: nothing lost, nothing twice.
  expect(report(await shop.settle(baseline))).toEqual([]);
});
