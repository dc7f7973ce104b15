import { randomUUID } from 'node:crypto';
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import type { Browser, Page } from 'playwright-core';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../support/cloud-process';
import { browserTest, launchChromium } from './support/chromium';
import { centresOf, downloadOf, runVariablesMachine, tableFit } from './console-execution';
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

browserTest(
  'the Circuits page: each participant action’s circuit, as its calls last reported it, closed after a completed order',
  async () => {
    const orderId = await shop.placeOrder('alice', await shop.product(100));
    await shop.orderEnds('alice', orderId, 'COMPLETED');
    const page = await open('circuits');
    const table = page.getByRole('table', { name: 'Circuits' });

    const circuits = await until('the three circuits to be listed', async () => {
      const rows = await table
        .locator('tr[data-circuit]')
        .evaluateAll((trs) =>
          trs.map(
            (tr) =>
              `${tr.getAttribute('data-circuit')} ${tr.querySelector('[data-status]')?.getAttribute('data-status')}`,
          ),
        )
        .catch(() => []);
      return rows.length === 3 ? rows : undefined;
    });

    expect(circuits).toEqual(['BillingPay CLOSED', 'DeliveryBook CLOSED', 'WarehouseReserve CLOSED']);
    expect(await page.getByRole('link', { name: 'CircuitOpen alarm' }).getAttribute('href')).toBe('#/alarms');
    await screenshot(page, 'circuits');
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

/** One out-of-stock order for the execution page's tests below (placed once, on first use). */
let outOfStock: Promise<string> | undefined;
const outOfStockOrder = () =>
  (outOfStock ??= (async () => {
    const orderId = await shop.placeOrder('alice', await shop.product(0));
    await shop.orderEnds('alice', orderId, 'CANCELLED');
    return orderId;
  })());
/** The execution's page, loaded afresh (in `page`, else in a new one), once its graph is drawn. */
const openExecution = async (executionArn: string, page?: Page) => {
  const route = `executions/${encodeURIComponent(executionArn)}`;
  const opened = page ?? (await open(route));
  if (page) await page.goto(`${cloud.web}/console/#/${route}`);
  await opened
    .locator('svg .node[data-state]')
    .first()
    .waitFor()
    .catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nThe page said: ${await opened.locator('body').innerText()}`);
    });
  return opened;
};
const json = (text: string | null | undefined) => JSON.parse(text ?? 'null') as unknown;

browserTest(
  'a saga step’s data flow is TestState’s replay of its history: its Arguments, its recorded result, and the output it had; a caught step shows the variables its Catch assigned; its Retry tab lists its attempt',
  async () => {
    // Prepare
    const orderId = await outOfStockOrder();
    const history = await historyOf(orderId);
    const paid = history.findIndex((e) => e.stateEnteredEventDetails?.name === 'ProcessPayment');
    const result = history.slice(paid).find((e) => e.type === 'TaskSucceeded')!.taskSucceededEventDetails!.output;
    const output = history.slice(paid).find((e) => e.type === 'TaskStateExited')!.stateExitedEventDetails!.output;
    const page = await openExecution(executionArnOf(orderId));
    // Act
    await page.locator('svg [data-state="ProcessPayment"]').click();
    const step = page.getByRole('complementary', { name: 'Step ProcessPayment' });
    await step.getByRole('tab', { name: 'Data flow' }).click();
    const flow = step.getByRole('list', { name: 'Data flow' });
    await flow.waitFor();
    // Assess: the saga's JSONata steps, in order, and the values the execution had
    expect(await flow.getAttribute('data-language')).toBe('JSONata');
    expect(
      await flow.locator('li[data-step]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-step'))),
    ).toEqual(['Input', 'Arguments', 'Result', 'Output']);
    // The step calls BillingPay through its circuit: the circuit-breaking step, with the payment's input.
    const args = json(await flow.getByLabel('Arguments', { exact: true }).textContent()) as {
      FunctionName: string;
      Payload: { circuit: string; input: { orderId: string } };
    };
    expect(args.FunctionName).toContain('CallParticipant');
    expect(args.Payload.circuit).toBe('BillingPay');
    expect(args.Payload.input.orderId).toBe(orderId);
    expect(json(await flow.getByLabel('Result', { exact: true }).textContent())).toEqual(json(result));
    expect(json(await flow.getByLabel('Output', { exact: true }).textContent())).toEqual(json(output));
    await screenshot(page, 'step-data-flow', page.getByRole('tablist', { name: 'Views' }));

    await step.getByRole('tab', { name: 'Variables' }).click();
    expect(await step.getByRole('tabpanel').innerText()).toContain('This state assigned no variables.');

    await page.locator('svg [data-state="ReserveItems"]').click();
    const reserve = page.getByRole('complementary', { name: 'Step ReserveItems' });
    // Its Catch for OutOfStock assigned the reason and where undoing starts
    await reserve.getByRole('tab', { name: 'Variables' }).click();
    const assigned = reserve.getByRole('table', { name: 'Variables assigned' });
    expect(await assigned.locator('tr[data-variable="reason"] pre').innerText()).toBe('"OUT_OF_STOCK"');
    expect(await assigned.locator('tr[data-variable="undoFrom"] pre').innerText()).toBe('"RefundPayment"');
    await reserve.getByRole('tab', { name: 'Retry' }).click();
    const attempt = reserve.getByRole('list', { name: 'Attempts' }).locator('li[data-attempt="1"]');
    expect(await attempt.getAttribute('data-outcome')).toBe('failed');
    expect(await attempt.innerText()).toContain('OutOfStock');
    // OutOfStock's retrier (MaxAttempts 0) matched: no retry, no wait
    expect(await attempt.innerText()).toContain('Retry #0');
    expect(await reserve.locator('[data-wait-ms]').count()).toBe(0);
  },
  120_000,
);

browserTest(
  'a JSONata machine with Variables: a step shows what it assigned and what was in scope; the failure banner’s “Show step” selects the failing step in the graph and the table',
  async () => {
    // Prepare
    const executionArn = await runVariablesMachine(sfn(), randomUUID().slice(0, 8));
    const page = await openExecution(executionArn);
    // Act
    await page.locator('svg [data-state="ApplyDiscount"]').click();
    const step = page.getByRole('complementary', { name: 'Step ApplyDiscount' });
    await step.getByRole('tab', { name: 'Variables' }).click();
    // Assess: ApplyDiscount assigned total and discounted; PriceOrder's orderId and total were in scope
    const assigned = step.getByRole('table', { name: 'Variables assigned' });
    const inScope = step.getByRole('table', { name: 'Variables in scope' });
    expect(await assigned.locator('tr[data-variable="total"] pre').innerText()).toBe('27');
    expect(await assigned.locator('tr[data-variable="discounted"] pre').innerText()).toBe('true');
    expect(
      await inScope
        .locator('tr[data-variable]')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-variable'))),
    ).toEqual(['orderId', 'total']);
    expect(await inScope.locator('tr[data-variable="total"] pre').innerText()).toBe('30');
    await screenshot(page, 'step-variables', page.getByRole('tablist', { name: 'Views' }));

    const banner = page.getByRole('alert', { name: 'Execution failed' });
    expect(await banner.innerText()).toContain('States.QueryEvaluationError');
    expect(await banner.getAttribute('data-failed-state')).toBe('ShipOrder');
    await screenshot(page, 'failure-banner', banner);
    await banner.getByRole('button', { name: 'Show step' }).click();
    const failing = page.getByRole('complementary', { name: 'Step ShipOrder' });
    await failing.waitFor();
    expect(await page.locator('svg [data-state="ShipOrder"]').getAttribute('aria-pressed')).toBe('true');
    expect(await nodeStatus(page, 'ShipOrder')).toBe('failed');
    // ShipOrder saw every variable assigned before it
    await failing.getByRole('tab', { name: 'Variables' }).click();
    expect(
      await failing
        .getByRole('table', { name: 'Variables in scope' })
        .locator('tr[data-variable="total"] pre')
        .innerText(),
    ).toBe('27');
    await page.getByRole('tab', { name: 'Table view' }).click();
    const row = page.getByRole('table', { name: 'States entered' }).locator('tr[data-state="ShipOrder"]');
    expect(await row.getAttribute('class')).toContain('selected');
    // And back: a row clicked in the table is the graph's selection
    await page.getByRole('table', { name: 'States entered' }).getByRole('button', { name: 'PriceOrder' }).click();
    await page.getByRole('tab', { name: 'Graph view' }).click();
    expect(await page.locator('svg [data-state="PriceOrder"]').getAttribute('aria-pressed')).toBe('true');
  },
  120_000,
);

browserTest(
  'Test state from the step panel: the recorded input and result answer SUCCEEDED and the next state; a mocked PaymentDeclined is CAUGHT_ERROR into the fence; JSON that is not JSON is refused',
  async () => {
    // Prepare
    const page = await openExecution(executionArnOf(await outOfStockOrder()));
    await page.locator('svg [data-state="ProcessPayment"]').click();
    const step = page.getByRole('complementary', { name: 'Step ProcessPayment' });
    await step.getByRole('tab', { name: 'Test state' }).click();
    const form = step.getByRole('form', { name: 'Test state' });
    const answer = form.getByRole('region', { name: 'Test result' });
    // Act: the recorded result, at DEBUG
    await form.getByRole('button', { name: 'Run test' }).click();
    // Assess
    await answer.waitFor();
    expect(await answer.getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await answer.locator('[data-next-state]').innerText()).toBe('MarkPaymentCompleted');
    expect(await answer.getByRole('list', { name: 'Data flow' }).locator('li').count()).toBe(4);
    await page.getByRole('tablist', { name: 'Views' }).evaluate((tabs) => tabs.scrollIntoView({ block: 'start' }));
    await answer.scrollIntoViewIfNeeded();
    await screenshot(page, 'test-state');

    // A mocked error: the Catch for PaymentDeclined routes it to the fence, the order going on as its output
    await form.getByLabel('Mock', { exact: true }).selectOption('error');
    await form.getByLabel('Mocked error').fill('PaymentDeclined');
    await form.getByLabel('Mocked cause').fill('card refused');
    await form.getByRole('button', { name: 'Run test' }).click();
    await form.getByRole('region', { name: 'Test result' }).and(form.locator('[data-status="CAUGHT_ERROR"]')).waitFor();
    expect(await answer.locator('[data-next-state]').innerText()).toBe('BeginCompensation');
    expect(json(await answer.getByLabel('Test output').textContent())).toMatchObject({
      orderId: expect.any(String) as unknown,
    });

    await form.getByLabel('State input', { exact: true }).fill('{"orderId": ');
    expect(await form.getByRole('status', { name: 'State input check' }).innerText()).toContain('Not valid JSON');
    expect(await form.getByRole('button', { name: 'Run test' }).isDisabled()).toBe(true);
  },
  120_000,
);

browserTest(
  'the saga’s graph at Fit: the happy path is one straight column, the compensations beside it; Export PNG saves a PNG of the whole graph',
  async () => {
    const page = await openExecution(executionArnOf(await outOfStockOrder()));
    await page.getByRole('button', { name: 'Fit' }).click();
    const happyPath = [
      'ProcessPayment',
      'MarkPaymentCompleted',
      'ReserveItems',
      'MarkItemsReserved',
      'BookDelivery',
      'OrderCompleted',
    ];
    const centres = await centresOf(page, happyPath);
    // One column, to the pixel (elk's positions are fractional)
    expect(Math.max(...centres) - Math.min(...centres)).toBeLessThanOrEqual(1);
    for (const compensation of await centresOf(page, ['RefundPayment', 'ReleaseItems', 'CancelDelivery']))
      expect(compensation).toBeGreaterThan(centres[0]! + 100);

    const { name, bytes } = await downloadOf(page, page.getByRole('button', { name: 'Export PNG' }));
    expect(name).toMatch(/\.png$/);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: twice the size of the exported SVG, the whole graph
    const svg = (await downloadOf(page, page.getByRole('button', { name: 'Export SVG' }))).bytes.toString();
    const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1]);
    expect(width).toBeGreaterThan(300);
    expect(bytes.readUInt32BE(16)).toBe(Math.ceil(width * 2));
    expect(bytes.length).toBeGreaterThan(10_000);
  },
  120_000,
);

browserTest(
  'the table view at 1280×800: every timeline fits, with the step panel open too',
  async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await openExecution(executionArnOf(await outOfStockOrder()), await context.newPage());
    pages.push(page);
    await page.getByRole('tab', { name: 'Table view' }).click();
    await page.getByRole('table', { name: 'States entered' }).waitFor();
    for (const open of [false, true]) {
      if (open)
        await page.getByRole('table', { name: 'States entered' }).getByRole('button', { name: 'ReserveItems' }).click();
      const fit = await tableFit(page);
      expect(fit.bars).toBeGreaterThan(3);
      expect([open, fit.panelOverflow, fit.pageOverflow]).toEqual([open, 0, 0]);
      expect(fit.pastEdge).toBeLessThanOrEqual(0);
      expect(fit.narrowest).toBeGreaterThan(80);
    }
    await screenshot(page, 'table-step');
  },
  120_000,
);
