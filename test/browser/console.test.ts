import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import type { Browser, Page } from 'playwright-core';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../support/cloud-process';
import { browserTest, launchChromium } from './support/chromium';
import { openConsole, screenshot, ShopDriver, until } from './support/console-page';

// The console in Debian's Chromium against a local cloud started as `npm start` starts it (retries
// sped up a hundredfold, so that a compensation exhausts its retries in seconds). Orders are placed
// through the public API; everything else is read and done through the console's pages, and checked
// against the AWS APIs on the edge.

let cloud: CloudProcess;
let browser: Browser;
let shop: ShopDriver;
let stateMachineArn = '';
const pages: Page[] = [];

beforeAll(async () => {
  [cloud, browser] = await Promise.all([
    startCloudProcess('console-browser', ['--retry-interval-scale', '0.01']),
    launchChromium(),
  ]);
  shop = new ShopDriver(cloud);
  stateMachineArn = ((await (await fetch(`${cloud.web}/config.json`)).json()) as { stateMachineArn: string })
    .stateMachineArn;
  await shop.deposit('alice', 1_000_000);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopCloudProcess(cloud?.child);
}, 60_000);

const open = async (route: string) => {
  const page = await openConsole(browser, cloud, route);
  pages.push(page);
  return page;
};

const sfn = () =>
  new SFNClient({
    endpoint: cloud.edge,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
const executionArnOf = (orderId: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
const historyOf = async (orderId: string): Promise<HistoryEvent[]> =>
  (await sfn().send(new GetExecutionHistoryCommand({ executionArn: executionArnOf(orderId), maxResults: 1000 })))
    .events ?? [];
const nodeStatus = (page: Page, state: string) =>
  page.locator(`svg [data-state="${state}"]`).getAttribute('data-status');

browserTest(
  'the executions list shows a completed order, linked to its execution and to the order',
  async () => {
    const orderId = await shop.placeOrder('alice', await shop.product(100));
    await shop.orderEnds('alice', orderId, 'COMPLETED');
    const page = await open('executions');
    const row = page.getByRole('table', { name: 'Executions' }).locator(`tr[data-execution="${orderId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await row.getByRole('link', { name: `Order ${orderId} in the shop` }).getAttribute('href')).toBe(
      `/#/orders/${orderId}`,
    );
    // Filtered to FAILED, the completed order is not listed.
    await page.getByLabel('Filter by status').selectOption('FAILED');
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Filter by status').selectOption('SUCCEEDED');
    await row.waitFor();
    await screenshot(page, 'executions');
    await row.getByRole('link', { name: orderId, exact: true }).click();
    await page.getByRole('img', { name: 'State machine graph' }).waitFor();
    expect(await nodeStatus(page, 'OrderCompleted')).toBe('succeeded');
    expect(await nodeStatus(page, 'RefundPayment')).toBe('not-reached');
  },
  120_000,
);

browserTest(
  'an out-of-stock order’s graph has the colours of its history: ReserveItems caught, RefundPayment succeeded, BookDelivery not reached',
  async () => {
    const orderId = await shop.placeOrder('alice', await shop.product(0));
    await shop.orderEnds('alice', orderId, 'CANCELLED');
    // What the history says, read here with the SDK.
    const history = await historyOf(orderId);
    const entered = history.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name);
    const failures = history.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
    expect(entered).toEqual(expect.arrayContaining(['ReserveItems', 'BeginCompensation', 'RefundPayment']));
    expect(entered).not.toContain('BookDelivery');
    expect(failures).toEqual(['OutOfStock']);

    const page = await open(`executions/${encodeURIComponent(executionArnOf(orderId))}`);
    await page.locator('svg [data-state="ReserveItems"]').waitFor();
    expect(await nodeStatus(page, 'ProcessPayment')).toBe('succeeded');
    expect(await nodeStatus(page, 'ReserveItems')).toBe('caught');
    expect(await nodeStatus(page, 'BeginCompensation')).toBe('succeeded');
    expect(await nodeStatus(page, 'RefundPayment')).toBe('succeeded');
    expect(await nodeStatus(page, 'BookDelivery')).toBe('not-reached');
    expect(await nodeStatus(page, 'OrderCompleted')).toBe('not-reached');
    // Every state the history entered is coloured; every other is not reached.
    const statuses = await page
      .locator('svg [data-state]')
      .evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-state'), n.getAttribute('data-status')]));
    for (const [state, status] of statuses)
      expect([state, status === 'not-reached']).toEqual([state, !entered.includes(state!)]);
    // The Catch that routed OutOfStock is drawn dashed, labelled, and on the path taken; the Next to MarkItemsReserved is not taken.
    const caught = page.locator('svg .edge[data-from="ReserveItems"][data-to="BeginCompensation"]');
    expect(await caught.getAttribute('data-kind')).toBe('catch');
    expect(await caught.getAttribute('data-taken')).toBe('true');
    expect(await caught.locator('text').textContent()).toContain('OutOfStock');
    expect(
      await page.locator('svg .edge[data-from="ReserveItems"][data-to="MarkItemsReserved"]').getAttribute('data-taken'),
    ).toBe('false');
    await page.getByRole('button', { name: 'Fit' }).click();
    await screenshot(page, 'graph', page.getByRole('tablist', { name: 'Views' }));

    // The step panel: the caught error and its cause.
    await page.locator('svg [data-state="ReserveItems"]').click();
    const step = page.getByRole('complementary', { name: 'Step ReserveItems' });
    expect(await step.getByRole('note', { name: 'Error' }).innerText()).toContain('OutOfStock');
    await screenshot(page, 'step', page.getByRole('tablist', { name: 'Views' }));

    // The table: one row per state entered, in order.
    await step.getByRole('button', { name: 'Close the step panel' }).click();
    await page.getByRole('tab', { name: 'Table view' }).click();
    const rows = page.getByRole('table', { name: 'States entered' }).locator('tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-state')))).toEqual(entered);
    expect(
      await rows.filter({ has: page.getByRole('button', { name: 'ReserveItems' }) }).getAttribute('data-status'),
    ).toBe('caught');
    await screenshot(page, 'table');

    // The events: the failure's cause, expanded.
    await page.getByRole('tab', { name: 'Event view' }).click();
    const failed = page.locator('li[data-event-type="TaskFailed"]');
    await failed.locator('summary').click();
    expect(await failed.getByLabel('TaskFailed cause').innerText()).toMatch(/.+/);
  },
  120_000,
);

browserTest(
  'the dashboard, drawn from its body, shows OrdersCompleted rise after an order',
  async () => {
    const page = await open('dashboard');
    const widget = page.locator('section[data-widget="Orders"]');
    const completed = widget.locator('li[data-metric="OrdersCompleted"]');
    await completed.waitFor({ state: 'attached' });
    // The layout is the body's: Orders at x 0, "Orders cancelled, by reason" beside it at x 12.
    expect(await widget.evaluate((el) => getComputedStyle(el).gridColumnStart)).toBe('1');
    expect(
      await page
        .locator('section[data-widget="Orders cancelled, by reason"]')
        .evaluate((el) => getComputedStyle(el).gridColumnStart),
    ).toBe('13');
    expect(await page.getByRole('img', { name: 'Chart: Orders' }).locator('canvas').count()).toBeGreaterThan(0);
    const before = Number(await completed.getAttribute('data-total'));

    const orderId = await shop.placeOrder('alice', await shop.product(100));
    await shop.orderEnds('alice', orderId, 'COMPLETED');
    const after = await until('OrdersCompleted to rise on the dashboard', async () => {
      const total = Number(await completed.getAttribute('data-total'));
      return total > before ? total : undefined;
    });
    expect(after).toBe(before + 1);
    await page.getByRole('radio', { name: '5 min' }).click();
    await until('the 5 min range to show the order', async () =>
      Number(await completed.getAttribute('data-total')) >= 1 ? true : undefined,
    );
    await screenshot(page, 'dashboard');
  },
  120_000,
);

const compensationAlarm = (page: Page) =>
  page.getByRole('table', { name: 'Alarms' }).locator('tr[data-alarm*="CompensationFailures"]');
let stuckOrderId = '';

browserTest(
  'a fault added in the Faults panel makes the refund fail: the order ends COMPENSATION_FAILED and the alarm goes red',
  async () => {
    const page = await open('faults');
    const form = page.getByRole('form', { name: 'Add a fault' });
    await form.getByLabel('Function', { exact: true }).fill('BillingRefund');
    await form.getByLabel('Effect', { exact: true }).selectOption('error');
    await form.getByLabel('Error code', { exact: true }).fill('Lambda.ServiceException');
    await form.getByRole('button', { name: 'Add fault' }).click();
    const rule = page
      .getByRole('table', { name: 'Fault rules' })
      .locator('tr[data-rule]')
      .filter({ hasText: 'BillingRefund' });
    await rule.waitFor();
    expect(await rule.innerText()).toContain('Lambda.ServiceException');
    const rules = (await (await fetch(`${cloud.edge}/_local/chaos/faults`)).json()) as {
      function?: string;
      effect: string;
    }[];
    expect(rules).toEqual([expect.objectContaining({ function: 'BillingRefund', effect: 'error' })]);
    await screenshot(page, 'faults');

    const alarms = await open('alarms');
    await compensationAlarm(alarms).waitFor();
    expect(await compensationAlarm(alarms).getAttribute('data-state')).not.toBe('ALARM');
    stuckOrderId = await shop.placeOrder('alice', await shop.product(0));
    await shop.orderEnds('alice', stuckOrderId, 'COMPENSATION_FAILED');
    await until(
      'the CompensationFailures alarm to go red',
      async () => ((await compensationAlarm(alarms).getAttribute('data-state')) === 'ALARM' ? true : undefined),
      90_000,
    );
    expect(
      await compensationAlarm(alarms)
        .locator('.badge')
        .evaluate((el) => getComputedStyle(el).color),
    ).toBe('rgb(209, 50, 18)');
    await compensationAlarm(alarms).getByRole('button').click();
    await alarms
      .getByLabel(/^History of /)
      .getByText(/ALARM/)
      .first()
      .waitFor();
    await screenshot(alarms, 'alarms');
    // The dashboard shows the alarm's state too.
    const dashboard = await open('dashboard');
    await dashboard
      .getByRole('list', { name: 'Alarm status' })
      .locator('[data-alarm*="CompensationFailures"][data-state="ALARM"]')
      .waitFor();

    const execution = await open(`executions/${encodeURIComponent(executionArnOf(stuckOrderId))}`);
    await execution.locator('svg [data-state="RefundPayment"][data-status="failed"]').waitFor();
    expect(
      Number(await execution.locator('svg [data-state="RefundPayment"]').getAttribute('data-retries')),
    ).toBeGreaterThan(0);
    expect(await nodeStatus(execution, 'ReserveItems')).toBe('caught');
    await screenshot(execution, 'compensation-failed', execution.getByRole('tablist', { name: 'Views' }));
  },
  240_000,
);

browserTest(
  'the fault cleared, Redrive resumes the execution at the failed refund: it finishes its compensations and the order ends CANCELLED',
  async () => {
    expect(stuckOrderId).not.toBe('');
    const faults = await open('faults');
    await faults.getByRole('button', { name: 'Clear all faults' }).click();
    await faults.getByText('No fault rules').waitFor();
    expect(await (await fetch(`${cloud.edge}/_local/chaos/faults`)).json()).toEqual([]);

    const page = await open(`executions/${encodeURIComponent(executionArnOf(stuckOrderId))}`);
    const summary = page.getByRole('region', { name: 'Execution' });
    await summary.locator('.badge[data-status="FAILED"]').waitFor();
    expect(await summary.locator('[data-redrive-count]').getAttribute('data-redrive-count')).toBe('0');
    await page.getByRole('button', { name: 'Redrive' }).click();
    await summary.locator('.badge[data-status="SUCCEEDED"]').waitFor({ timeout: 60_000 });
    expect(await summary.locator('[data-redrive-count]').getAttribute('data-redrive-count')).toBe('1');
    await page.locator('svg [data-state="RefundPayment"][data-status="succeeded"]').waitFor();
    expect(await nodeStatus(page, 'OrderCancelled')).toBe('succeeded');
    // The order was COMPENSATION_FAILED: the redriven saga's CancelOrder moves it on to CANCELLED.
    await until(
      'the order to be CANCELLED',
      async () => ((await shop.status('alice', stuckOrderId)) === 'CANCELLED' ? true : undefined),
      30_000,
    );
    const history = await historyOf(stuckOrderId);
    expect(history.filter((e) => e.type === 'ExecutionRedriven')).toHaveLength(1);
    await screenshot(page, 'redriven', page.getByRole('tablist', { name: 'Views' }));
  },
  180_000,
);

browserTest(
  'Start: the input editor refuses JSON that is not JSON',
  async () => {
    const page = await open('start');
    const input = page.getByLabel('Input');
    await input.fill('{"orderId": ');
    expect(await page.getByRole('status').innerText()).toContain('Not valid JSON');
    expect(await page.getByRole('button', { name: 'Start execution' }).isDisabled()).toBe(true);
    await input.fill('{"orderId": "x"}');
    expect(await page.getByRole('status').innerText()).toBe('Valid JSON');
    expect(await page.getByRole('button', { name: 'Start execution' }).isEnabled()).toBe(true);
  },
  60_000,
);
