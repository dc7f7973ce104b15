import { randomBytes, randomUUID } from 'node:crypto';
import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import type { Browser, Page } from 'playwright-core';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../support/cloud-process';
import { browserTest, launchChromium } from './support/chromium';
import { openConsole, screenshot, ShopDriver, until } from './support/console-page';
import { signedIn } from './support/shop-page';

// The console's trace views in Debian's Chromium against a local cloud started as `npm start` starts
// it. An order is placed through the public API; its trace is one the test sends to the edge's
// `/v1/traces` by OTLP/HTTP JSON, as a function's exporter does (API stage → function → DynamoDB,
// a payment that faults), annotated with the order's id; the console finds it through X-Ray's API,
// and what it shows is checked against BatchGetTraces read here with the SDK.

let cloud: CloudProcess;
let browser: Browser;
let shop: ShopDriver;
let stateMachineArn = '';
const pages: Page[] = [];

beforeAll(async () => {
  [cloud, browser] = await Promise.all([startCloudProcess('console-traces-browser'), launchChromium()]);
  shop = new ShopDriver(cloud);
  stateMachineArn = ((await (await fetch(`${cloud.web}/config.json`)).json()) as { stateMachineArn: string })
    .stateMachineArn;
  await shop.deposit('alice', 1_000_000);
}, 300_000);

afterAll(async () => {
  await Promise.all(pages.map((page) => page.context().close()));
  await browser?.close();
  await stopCloudProcess(cloud?.child);
}, 60_000);

const open = async (route: string) => {
  const page = await openConsole(browser, cloud, route);
  pages.push(page);
  return page;
};

const xray = () =>
  new XRayClient({
    endpoint: cloud.edge,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
const attrs = (values: Record<string, string | number | boolean>) =>
  Object.entries(values).map(([key, value]) => ({
    key,
    value:
      typeof value === 'string'
        ? { stringValue: value }
        : typeof value === 'boolean'
          ? { boolValue: value }
          : { intValue: String(value) },
  }));

interface SentTrace {
  traceId: string;
  xrayId: string;
  functionName: string;
  requestId: string;
}

/**
 * An order's trace sent by OTLP/HTTP JSON: the API stage's SERVER span (annotated with the order
 * id), the function's span under it (a failed invocation), its DynamoDB PutItem, and a billing call
 * that faults with an exception event. Times are now, so that the execution's window holds them.
 */
const sendOrderTrace = async (orderId: string): Promise<SentTrace> => {
  const traceId = `${Math.floor(Date.now() / 1000).toString(16)}${hex(12)}`;
  const [api, fn, ddb, pay] = [hex(8), hex(8), hex(8), hex(8)];
  const functionName = `shop-OrderCreate-${randomUUID().slice(0, 6)}`;
  const requestId = randomUUID();
  const t = Date.now() - 1_000;
  const span = (
    spanId: string,
    parent: string | undefined,
    name: string,
    kind: number,
    from: number,
    to: number,
    extra: object,
  ) => ({
    traceId,
    spanId,
    ...(parent && { parentSpanId: parent }),
    name,
    kind,
    startTimeUnixNano: nanos(t + from),
    endTimeUnixNano: nanos(t + to),
    ...extra,
  });
  const body = {
    resourceSpans: [
      {
        resource: { attributes: attrs({ 'service.name': 'shop-api/prod', 'cloud.platform': 'aws_api_gateway' }) },
        scopeSpans: [
          {
            scope: { name: 'console-traces-test' },
            spans: [
              span(api, undefined, 'POST /orders', 2, 0, 400, {
                attributes: attrs({
                  'http.request.method': 'POST',
                  'http.response.status_code': 201,
                  'annotation.orderId': orderId,
                }),
              }),
            ],
          },
        ],
      },
      {
        resource: {
          attributes: attrs({
            'service.name': functionName,
            'cloud.platform': 'aws_lambda',
            'faas.name': functionName,
          }),
        },
        scopeSpans: [
          {
            scope: { name: '@opentelemetry/instrumentation-aws-lambda' },
            spans: [
              span(fn, api, functionName, 2, 20, 380, {
                status: { code: 2, message: 'The payment failed' },
                attributes: attrs({
                  'aws.request_id': requestId,
                  'faas.invocation_id': requestId,
                  'annotation.orderId': orderId,
                }),
              }),
              span(ddb, fn, 'DynamoDB.PutItem', 3, 40, 90, {
                attributes: attrs({ 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'PutItem' }),
              }),
              span(pay, fn, 'billing.charge', 1, 100, 350, {
                status: { code: 2, message: 'Billing is down' },
                events: [
                  {
                    name: 'exception',
                    timeUnixNano: nanos(t + 340),
                    attributes: attrs({
                      'exception.type': 'BillingUnavailable',
                      'exception.message': 'Billing is down',
                    }),
                  },
                ],
              }),
            ],
          },
        ],
      },
    ],
  };
  const response = await fetch(`${cloud.edge}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return { traceId, xrayId: `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`, functionName, requestId };
};

/** Every segment and subsegment of a trace as BatchGetTraces answers it. */
const spanCount = async (xrayId: string): Promise<number> => {
  const answer = await xray().send(new BatchGetTracesCommand({ TraceIds: [xrayId] }));
  const count = (doc: { subsegments?: unknown[] }): number =>
    1 + (doc.subsegments ?? []).reduce<number>((sum, sub) => sum + count(sub as { subsegments?: unknown[] }), 0);
  return (answer.Traces?.[0]?.Segments ?? []).reduce(
    (sum, segment) => sum + count(JSON.parse(segment.Document ?? '{}') as { subsegments?: unknown[] }),
    0,
  );
};

const rows = (page: Page) => page.getByRole('treegrid', { name: 'Trace waterfall' }).locator('tbody tr');
/** Waits until the waterfall shows `count` rows (it renders after the click that changes them). */
const rowsBecome = (page: Page, count: number) =>
  until(`${count} rows`, async () => ((await rows(page).count()) === count ? true : undefined), 10_000);

/** On the Trace tab, the trace of this test (an instrumented cloud may hold another for the same order). */
const chooseTrace = async (page: Page, xrayId: string) => {
  const waterfall = page.locator('.waterfall');
  await waterfall.waitFor();
  const picker = page.getByLabel('Choose the trace');
  if (await picker.count()) await picker.selectOption(xrayId);
  await page.locator(`.waterfall[data-trace-id="${xrayId}"]`).waitFor();
};

let sent: SentTrace;
let orderId = '';

browserTest(
  'the execution’s Trace tab: the order’s waterfall, collapsed and expanded, searched, a fault’s exception, a Lambda’s logs',
  async () => {
    // Prepare: an order that completes, and its trace, found by its order id through X-Ray's API.
    orderId = await shop.placeOrder('alice', await shop.product(100));
    await shop.orderEnds('alice', orderId, 'COMPLETED');
    sent = await sendOrderTrace(orderId);
    const summaries = await xray().send(
      new GetTraceSummariesCommand({
        StartTime: new Date(Date.now() - 60_000),
        EndTime: new Date(Date.now() + 1_000),
        FilterExpression: `annotation.orderId = "${orderId}"`,
      }),
    );
    expect(summaries.TraceSummaries?.map((s) => s.Id)).toContain(sent.xrayId);
    const expected = await spanCount(sent.xrayId);
    expect(expected).toBeGreaterThanOrEqual(4);

    // Act: the execution page, Trace tab.
    const arn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
    const page = await open(`executions/${encodeURIComponent(arn)}`);
    await page.getByRole('tab', { name: 'Trace' }).click();
    await chooseTrace(page, sent.xrayId);

    // Assess: the header says what BatchGetTraces holds; one row per span.
    expect(await page.locator(`code[data-trace-id="${sent.xrayId}"]`).count()).toBe(1);
    expect(await page.locator('[data-span-count]').getAttribute('data-span-count')).toBe(String(expected));
    expect(await rows(page).count()).toBe(expected);
    const fault = rows(page).filter({ has: page.getByRole('button', { name: 'Span billing.charge' }) });
    expect(await fault.getAttribute('data-outcome')).toBe('fault');
    await screenshot(page, 'trace', page.getByRole('tablist', { name: 'Views' }));

    // Collapse the root: only it is left; expand it: every span is back.
    await page.getByRole('button', { name: 'Collapse shop-api/prod' }).click();
    await rowsBecome(page, 1);
    await page.getByRole('button', { name: 'Expand shop-api/prod' }).click();
    await rowsBecome(page, expected);

    // Search: PutItem finds the DynamoDB call, marked, with the path to it.
    await page.getByLabel('Search spans').fill('putitem');
    await until(
      'one match',
      async () => ((await page.locator('tr[data-match="true"]').count()) === 1 ? true : undefined),
      10_000,
    );
    expect(await page.locator('tr[data-match="true"] mark').first().innerText()).toBe('PutItem');
    expect(await rows(page).count()).toBeLessThan(expected);
    await screenshot(page, 'trace-search', page.getByRole('tablist', { name: 'Views' }));
    await page.getByLabel('Search spans').fill('');

    // A span clicked: the fault's exception in its events.
    await page.getByRole('button', { name: 'Span billing.charge' }).click();
    const details = page.getByRole('complementary', { name: 'Span billing.charge' });
    expect(await details.getByRole('list', { name: 'Events' }).innerText()).toContain('Billing is down');
    await screenshot(page, 'trace-span', page.getByRole('tablist', { name: 'Views' }));

    // The function's span links to its invocation's logs.
    await page
      .getByRole('button', { name: `Span ${sent.functionName}` })
      .first()
      .click();
    const fn = page.getByRole('complementary', { name: `Span ${sent.functionName}` });
    expect(await fn.getByRole('link', { name: 'its logs' }).getAttribute('href')).toBe(
      `#/logs/${encodeURIComponent(`/aws/lambda/${sent.functionName}`)}/${encodeURIComponent(sent.requestId)}`,
    );
  },
  180_000,
);

browserTest(
  'the service map of the last 15 minutes and the recent traces, each opening its waterfall',
  async () => {
    const page = await open('traces');
    const map = page.getByRole('img', { name: 'Service map' });
    await map.locator('[data-service="shop-api/prod"]').waitFor();
    await map.locator(`[data-service="${sent.functionName}"]`).waitFor();
    expect(Number(await map.locator('[data-service="shop-api/prod"]').getAttribute('data-requests'))).toBeGreaterThan(
      0,
    );
    expect(await map.locator(`[data-service="${sent.functionName}"]`).getAttribute('data-health')).toBe('fault');
    expect(await map.locator('.service-edge').count()).toBeGreaterThan(0);
    const row = page.getByRole('table', { name: 'Recent traces' }).locator(`tr[data-trace-id="${sent.xrayId}"]`);
    await row.waitFor();
    await screenshot(page, 'service-map');
    await row.getByRole('link', { name: sent.xrayId }).click();
    await page.locator(`.waterfall[data-trace-id="${sent.xrayId}"]`).waitFor();
    expect(await page.locator('[data-span-count]').getAttribute('data-span-count')).toBe(
      String(await spanCount(sent.xrayId)),
    );
  },
  120_000,
);

browserTest(
  'the shop’s order links to its trace in the console',
  async () => {
    const page = await signedIn(browser, cloud.web, 'alice');
    pages.push(page);
    await page.goto(`${page.url().split('#')[0]}#/orders/${orderId}`);
    const link = page.getByRole('link', { name: 'Trace in the console ↗' });
    expect(await link.getAttribute('href')).toBe(`console/#/traces/order/${orderId}`);
    await link.click();
    await page.waitForURL(/\/console\/#\/traces\/order\//);
    await chooseTrace(page, sent.xrayId);
    expect(await rows(page).count()).toBe(await spanCount(sent.xrayId));
  },
  120_000,
);
