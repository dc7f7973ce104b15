import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  RedriveExecutionCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultRuleInput } from '../../local/chaos/faults';
import { eventually } from '../e2e/support';
import { edgeConfig } from './support';
import { ReliabilityShop } from './shop';

/**
 * The whole loop on the local cloud, as a person would run it: a refund that keeps failing leaves the
 * order COMPENSATION_FAILED (through the EventBridge rule on the saga's status changes) and tells the
 * buyer; once the fault is gone, RedriveExecution on the edge re-runs the refund; the cloud is killed
 * (kill -9) while the redriven refund is under way; after the restart the redriven execution goes on
 * and the order ends CANCELLED, with every invariant of the shop holding.
 */
jest.setTimeout(600_000);

const shop = new ReliabilityShop('redrive', mkdtempSync(join(tmpdir(), 'shop-redrive-')), [
  '--retry-interval-scale',
  '0.01',
]);
afterAll(() => shop.stop());

const chaos = async (method: 'POST' | 'DELETE', rules?: FaultRuleInput[]) => {
  const response = await fetch(`${shop.urls.edge}/_local/chaos/faults`, {
    method,
    ...(rules && { body: JSON.stringify(rules) }),
  });
  if (response.status !== 200) throw new Error(`chaos ${method} answered ${response.status}`);
};

/** Polls until `probe` answers, for up to two minutes. */
const until = <T>(what: string, probe: () => Promise<T | undefined>) => eventually(probe, what, 120_000);

interface Order {
  orderId: string;
  status: string;
  failureReason?: string;
  history: { status: string }[];
}

const sfn = () => new SFNClient(edgeConfig(shop.urls));
const orderOf = async (orderId: string) => (await shop.api<Order>('alice', 'GET', `/orders/${orderId}`)).body;
const notificationsOf = async (orderId: string) =>
  (await shop.api<{ orderId: string; status: string }[]>('alice', 'GET', '/notifications?limit=100')).body
    .filter((n) => n.orderId === orderId)
    .map((n) => n.status);

test('COMPENSATION_FAILED through the rule, then a redrive interrupted by kill -9 ends the order CANCELLED, every invariant holding', async () => {
  await shop.start();
  const baseline = await shop.invariants().snapshot();
  const scarce = await shop.product(700, 1);
  await shop.deposit('alice', 10_000);
  const [slot] = (await shop.slots()).filter((s) => s.remaining > 0);
  await chaos('POST', [{ service: 'lambda', function: 'BillingRefund', error: { code: 'Lambda.ServiceException' } }]);

  // Out of stock: the payment is refunded — or would be.
  const placed = await shop.api<Order>(
    'alice',
    'POST',
    '/orders',
    { items: [{ sku: scarce, quantity: 2 }], delivery: { slotId: slot!.slotId, address: '1 Redrive Road' } },
    { 'idempotency-key': `redrive-${Date.now()}` },
  );
  expect(placed.status).toBe(201);
  const { orderId } = placed.body;
  const stuck = await until('COMPENSATION_FAILED', async () => {
    const order = await orderOf(orderId);
    return order.status === 'COMPENSATION_FAILED' && (await notificationsOf(orderId)).length === 1 ? order : undefined;
  });
  const executionArn = `${(await shop.outputsOf()).StateMachineArn!.replace(':stateMachine:', ':execution:')}:${orderId}`;
  const client = sfn();
  const failed = await client.send(new DescribeExecutionCommand({ executionArn }));

  expect(stuck.failureReason).toBe('COMPENSATION_FAILED');
  expect(await notificationsOf(orderId)).toEqual(['COMPENSATION_FAILED']);
  expect(failed).toMatchObject({
    status: 'FAILED',
    error: 'Lambda.ServiceException',
    redriveCount: 0,
    redriveStatus: 'REDRIVABLE',
  });

  // The fault is gone; the redriven refund is slow, and the cloud dies under it.
  await chaos('DELETE');
  await chaos('POST', [{ service: 'lambda', function: 'BillingRefund', effect: 'latency', latencyMs: 5000, times: 1 }]);
  const { redriveDate } = await client.send(new RedriveExecutionCommand({ executionArn }));
  await until('the redriven refund', async () => {
    const { events = [] } = await client.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 5 }),
    );
    return events.some((e) => e.type === 'TaskScheduled') && events.some((e) => e.type === 'ExecutionRedriven')
      ? true
      : undefined;
  });
  client.destroy();
  await shop.kill();
  await shop.start(['--no-seed']);

  const after = sfn();
  // The redriven execution goes on after the restart (settle alone would stop at COMPENSATION_FAILED, a state of its own).
  const redriven = await until('the redriven execution to end', async () => {
    const described = await after.send(new DescribeExecutionCommand({ executionArn }));
    return described.status === 'RUNNING' ? undefined : described;
  });
  const violations = await shop.settle(baseline);
  const { events = [] } = await after.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  after.destroy();
  const order = await orderOf(orderId);

  expect(redriveDate).toBeInstanceOf(Date);
  expect(shop.logLines(/resumed interrupted execution/).length).toBeGreaterThan(0);
  expect(redriven).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE' });
  expect(events.filter((e) => e.type === 'ExecutionRedriven')).toHaveLength(1);
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  expect(order.status).toBe('CANCELLED');
  expect(order.failureReason).toBe('OUT_OF_STOCK');
  expect((await notificationsOf(orderId)).sort()).toEqual(['CANCELLED', 'COMPENSATION_FAILED']);
  // Money, stock, places, compensations and notifications: nothing lost or counted twice.
  expect(violations.map((v) => `${v.rule} ${v.subject}: ${v.message}`)).toEqual([]);
});
