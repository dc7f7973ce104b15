import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudProcess, startCloudProcess, stopCloudProcess, stopProcessGroup } from '../../support/cloud-process';
import { eventually } from '../../e2e/support';
import { edgeConfig, tokenFor, type User } from '../../reliability/support';
import { promtool, toolForTest } from '../../../local/support/tools';

// CloudWatch and Prometheus on a running local cloud: an order's metrics through the SDK and the
// query protocol, the CompensationFailures alarm after a compensation fails, and a real Prometheus
// scraping GET /metrics.

const TERMINAL = ['COMPLETED', 'CANCELLED', 'COMPENSATION_FAILED'];

let cloud: CloudProcess;
let cloudwatch: CloudWatchClient;
let outputs: Record<string, string>;
const tokens = new Map<User, string>();

beforeAll(async () => {
  // Retries at once, so that a compensation exhausts its retries in seconds.
  cloud = await startCloudProcess('cloudwatch', ['--retry-interval-scale', '0']);
  cloudwatch = new CloudWatchClient(edgeConfig(cloud));
  outputs = (await (await fetch(`${cloud.edge}/_local/outputs`)).json()) as Record<string, string>;
}, 300_000);

afterAll(async () => {
  cloudwatch?.destroy();
  await stopCloudProcess(cloud?.child);
}, 60_000);

const api = async <T>(
  user: User | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  if (user && !tokens.has(user)) tokens.set(user, await tokenFor(cloud, user));
  const response = await fetch(`${cloud.api}${path}`, {
    method,
    headers: {
      ...headers,
      ...(user && { authorization: `Bearer ${tokens.get(user)}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
};

/** An order of a product of the test's own (`stock` units), to its end. */
const order = async (quantity: number, stock: number): Promise<{ orderId: string; status: string }> => {
  const sku = `CW-${randomUUID().slice(0, 8).toUpperCase()}`;
  expect((await api('admin', 'PUT', `/products/${sku}`, { name: `CloudWatch ${sku}`, price: 100, stock })).status).toBe(
    200,
  );
  const slot = (await api<{ slotId: string; remaining: number }[]>(undefined, 'GET', '/delivery/slots')).body.find(
    (s) => s.remaining > 5,
  )!;
  const created = await api<{ orderId: string }>(
    'alice',
    'POST',
    '/orders',
    { items: [{ sku, quantity }], delivery: { slotId: slot.slotId, address: '1 Metric Road' } },
    { 'idempotency-key': randomUUID() },
  );
  expect(created.status).toBe(201);
  return eventually(
    async () => {
      const { body } = await api<{ orderId: string; status: string }>(
        'alice',
        'GET',
        `/orders/${created.body.orderId}`,
      );
      return TERMINAL.includes(body.status) ? body : undefined;
    },
    `order ${created.body.orderId} to end`,
    90_000,
  );
};

const queries = (): MetricDataQuery[] => [
  {
    Id: 'completed',
    MetricStat: {
      Metric: {
        Namespace: 'ServerlessShop',
        MetricName: 'OrdersCompleted',
        Dimensions: [{ Name: 'service', Value: 'order' }],
      },
      Period: 3600,
      Stat: 'Sum',
    },
  },
  {
    Id: 'succeeded',
    MetricStat: {
      Metric: {
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsSucceeded',
        Dimensions: [{ Name: 'StateMachineArn', Value: outputs.StateMachineArn! }],
      },
      Period: 3600,
      Stat: 'Sum',
    },
  },
];

describe('metrics of an order', () => {
  test('OrdersCompleted (EMF) and ExecutionsSucceeded (AWS/States) count it, through the SDK and the query protocol alike', async () => {
    // One period of an hour around the test.
    const start = new Date(Date.now() - 30 * 60_000);
    const end = new Date(start.getTime() + 3600_000);
    const completed = await order(1, 100);
    const read = async () => {
      const { MetricDataResults = [] } = await cloudwatch.send(
        new GetMetricDataCommand({ StartTime: start, EndTime: end, MetricDataQueries: queries() }),
      );
      const values = MetricDataResults.map((r) => r.Values?.[0] ?? 0);
      return values.every((v) => v >= 1) ? values : undefined;
    };

    const sdk = await eventually(read, 'the order metrics', 60_000);
    const form = new URLSearchParams({
      Action: 'GetMetricData',
      Version: '2010-08-01',
      StartTime: start.toISOString(),
      EndTime: end.toISOString(),
    });
    queries().forEach((q, i) => {
      const prefix = `MetricDataQueries.member.${i + 1}`;
      const metric = q.MetricStat!.Metric!;
      Object.entries({
        Id: q.Id!,
        'MetricStat.Metric.Namespace': metric.Namespace!,
        'MetricStat.Metric.MetricName': metric.MetricName!,
        'MetricStat.Period': '3600',
        'MetricStat.Stat': 'Sum',
      }).forEach(([k, v]) => form.set(`${prefix}.${k}`, v));
      form.set(`${prefix}.MetricStat.Metric.Dimensions.member.1.Name`, metric.Dimensions![0]!.Name!);
      form.set(`${prefix}.MetricStat.Metric.Dimensions.member.1.Value`, metric.Dimensions![0]!.Value!);
    });
    const xml = await (
      await fetch(cloud.edge, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      })
    ).text();
    const again = await read();
    const queried = [...xml.matchAll(/<Values><member>([\d.]+)<\/member><\/Values>/g)].map((m) => Number(m[1]));

    expect(completed.status).toBe('COMPLETED');
    expect(again).toEqual(sdk);
    expect(queried).toEqual(sdk);
  });
});

describe('alarms', () => {
  test('a compensation that fails turns CompensationFailures to ALARM, with a history item', async () => {
    const rules = (await (
      await fetch(`${cloud.edge}/_local/chaos/faults`, {
        method: 'PATCH',
        body: JSON.stringify({ service: 'lambda', function: 'BillingRefund', error: { code: 'RefundBroken' } }),
      })
    ).json()) as { id: string }[];
    let ended: { status: string };
    try {
      // Paid for, then out of stock: the refund is the compensation that fails.
      ended = await order(2, 1);
    } finally {
      await fetch(`${cloud.edge}/_local/chaos/faults`, {
        method: 'DELETE',
        body: JSON.stringify(rules.map(({ id }) => ({ id }))),
      });
    }
    const alarm = await eventually(
      async () => {
        const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({}));
        const found = MetricAlarms.find((a) => a.MetricName === 'CompensationFailures');
        return found?.StateValue === 'ALARM' ? found : undefined;
      },
      'the alarm to go to ALARM',
      30_000,
    );
    const { AlarmHistoryItems = [] } = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({ AlarmName: alarm.AlarmName, HistoryItemType: 'StateUpdate' }),
    );
    const xml = await (
      await fetch(cloud.edge, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ Action: 'DescribeAlarms', Version: '2010-08-01', StateValue: 'ALARM' }),
      })
    ).text();

    expect(ended.status).toBe('COMPENSATION_FAILED');
    expect(alarm.StateReason).toMatch(
      /^Threshold Crossed: 1 datapoint \[1\.0 .*\] was greater than the threshold \(0\.0\)\.$/,
    );
    // The refund's errors (its first try and 10 retries) turn its function's Lambda errors alarm to ALARM too.
    expect([...xml.matchAll(/<AlarmName>([^<]+)<\/AlarmName>/g)].map((m) => m[1])).toEqual([
      alarm.AlarmName,
      expect.stringMatching(/^ServerlessShop-ObservabilityLambdaErrorsBillingRefund/),
    ]);
    expect(xml).toContain('<StateValue>ALARM</StateValue>');
    expect(AlarmHistoryItems[0]).toMatchObject({
      HistoryItemType: 'StateUpdate',
      HistorySummary: 'Alarm updated from OK to ALARM',
    });
    expect(readLog()).toMatch(/alarm \S*CompensationFailures\S*: OK -> ALARM/);
  }, 120_000);
});

const readLog = () => readFileSync(cloud.logFile, 'utf8');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

// The machine's Prometheus, found as the preflight finds it: missing, this file fails at once saying how
// to install it; left out with SHOP_SKIP_TOOLS=prometheus, the test is skipped with a warning.
const PROMETHEUS = toolForTest('prometheus');
const prometheusTest = PROMETHEUS ? test : test.skip;

describe('Prometheus', () => {
  prometheusTest(
    'a real Prometheus scrapes GET /metrics and finds the order counters; promtool check metrics passes',
    async () => {
      await order(1, 100);
      const dir = mkdtempSync(join(tmpdir(), 'shop-prometheus-'));
      const port = await freePort();
      const target = new URL(cloud.edge);
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: shop\n    static_configs:\n      - targets: ['127.0.0.1:${target.port}']\n`,
      );
      let prometheus: ChildProcess | undefined;
      try {
        prometheus = spawn(
          PROMETHEUS!.path,
          [
            `--config.file=${join(dir, 'prometheus.yml')}`,
            `--storage.tsdb.path=${join(dir, 'data')}`,
            `--web.listen-address=127.0.0.1:${port}`,
          ],
          { stdio: 'ignore', detached: true },
        );
        const query = async (expression: string) => {
          const response = await fetch(
            `http://127.0.0.1:${port}/api/v1/query?${new URLSearchParams({ query: expression }).toString()}`,
          ).catch(() => undefined);
          const body = (await response?.json().catch(() => undefined)) as
            { data?: { result?: { metric: Record<string, string>; value: [number, string] }[] } } | undefined;
          const result = body?.data?.result ?? [];
          return result.length > 0 ? result : undefined;
        };

        const completed = await eventually(
          () => query('shop_orders_completed_total'),
          'Prometheus to scrape the order counters',
          60_000,
        );
        const executions = await query('sum by (status) (shop_stepfunctions_executions_total)');
        const scrape = await (await fetch(`${cloud.edge}/metrics`)).text();
        const check = spawnSync(promtool(PROMETHEUS!), ['check', 'metrics'], { input: scrape, encoding: 'utf8' });

        expect(completed).toEqual([
          expect.objectContaining({
            metric: expect.objectContaining({
              __name__: 'shop_orders_completed_total',
              service: 'order',
              job: 'shop',
            }) as unknown,
          }),
        ]);
        expect(Number(completed[0]!.value[1])).toBeGreaterThanOrEqual(1);
        expect(executions?.map((r) => r.metric.status).sort()).toEqual(
          expect.arrayContaining(['started', 'succeeded']),
        );
        expect(scrape).not.toMatch(/order_id|user_id|request_id/);
        expect([check.status, check.stdout + check.stderr]).toEqual([0, '']);
      } finally {
        await stopProcessGroup(prometheus, { graceMs: 5000 });
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
