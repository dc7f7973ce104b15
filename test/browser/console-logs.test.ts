import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import type { Browser, Page } from 'playwright-core';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../support/cloud-process';
import { browserTest, launchChromium } from './support/chromium';
import { openConsole, screenshot, ShopDriver, until } from './support/console-page';

// The console's logs in Debian's Chromium against a local cloud: a saga step's Logs tab shows that
// invocation's lines (found by the request id its task result carries), its link opens the Logs page
// on them, and the Logs page's live tail shows the next order's lines as they come.

let cloud: CloudProcess;
let browser: Browser;
let shop: ShopDriver;
let stateMachineArn = '';
const pages: Page[] = [];

beforeAll(async () => {
  [cloud, browser] = await Promise.all([
    startCloudProcess('console-logs', ['--retry-interval-scale', '0.01']),
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

const clientConfig = () => ({
  endpoint: cloud.edge,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const sfn = () => new SFNClient(clientConfig());
const executionArnOf = (orderId: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
const historyOf = async (orderId: string): Promise<HistoryEvent[]> =>
  (await sfn().send(new GetExecutionHistoryCommand({ executionArn: executionArnOf(orderId), maxResults: 1000 })))
    .events ?? [];

/**
 * A completed order, the Lambda request id of its ProcessPayment task (from the task's result), and
 * that of the BillingPay invocation the task made through its circuit (from the step's log line).
 */
const paidOrder = async () => {
  const sku = await shop.product(10);
  const orderId = await shop.placeOrder('alice', sku);
  await shop.orderEnds('alice', orderId, 'COMPLETED');
  const history = await historyOf(orderId);
  const paid = history.findIndex((e) => e.stateEnteredEventDetails?.name === 'ProcessPayment');
  const after = history.slice(paid);
  const result = after.find((e) => e.type === 'TaskSucceeded')!.taskSucceededEventDetails!.output!;
  const requestId = (JSON.parse(result) as { SdkResponseMetadata: { RequestId: string } }).SdkResponseMetadata
    .RequestId;
  const scheduled = JSON.parse(
    after.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!.parameters!,
  ) as {
    FunctionName: string;
  };
  const logs = new CloudWatchLogsClient(clientConfig());
  const { events = [] } = await logs.send(
    new FilterLogEventsCommand({
      logGroupName: `/aws/lambda/${scheduled.FunctionName.split(':function:')[1]!}`,
      filterPattern: `"${requestId}" "Participant invoked"`,
    }),
  );
  logs.destroy();
  const line = JSON.parse(events[0]!.message!.slice(events[0]!.message!.indexOf('{'))) as {
    participant: { requestId: string };
  };
  return { orderId, requestId, payRequestId: line.participant.requestId };
};

browserTest(
  "a step's Logs tab shows its invocation's lines; its link opens the Logs page on that request; the live tail shows the next order's lines",
  async () => {
    // Prepare
    const { orderId, requestId, payRequestId } = await paidOrder();
    const page = await openConsole(browser, cloud, `executions/${encodeURIComponent(executionArnOf(orderId))}`);
    pages.push(page);
    // Act: the ProcessPayment step's Logs tab
    await page.locator('svg [data-state="ProcessPayment"]').click();
    const step = page.getByRole('complementary', { name: 'Step ProcessPayment' });
    await step.getByRole('tab', { name: 'Logs' }).click();
    const attempt = step.getByRole('region', { name: 'Attempt 1 logs' });
    await attempt.getByRole('table', { name: 'Log events' }).first().waitFor();
    // Assess: START to REPORT of that request, and nothing of another
    const messages = await attempt
      .getByRole('table', { name: 'Log events' })
      .first()
      .locator('tbody tr td:last-child')
      .allInnerTexts();
    expect(messages[0]).toBe(`START RequestId: ${requestId} Version: $LATEST`);
    expect(messages.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: `));
    expect(messages.every((m) => m.includes(requestId))).toBe(true);
    // The step calls BillingPay through its circuit: that invocation's lines follow, by its own request id.
    const invoked = attempt.getByRole('region', { name: 'Attempt 1 participant logs' });
    const payLink = invoked.getByRole('link', { name: `request ${payRequestId}` });
    expect(payRequestId).not.toBe(requestId);
    const payMessages = await invoked.locator('tbody tr td:last-child').allInnerTexts();
    expect(payMessages[0]).toBe(`START RequestId: ${payRequestId} Version: $LATEST`);
    expect(payMessages.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${payRequestId}\\tDuration: `));
    expect(payMessages.every((m) => m.includes(payRequestId))).toBe(true);
    await screenshot(page, 'step-logs', page.getByRole('tablist', { name: 'Step details' }));

    // Act: to the Logs page, on the payment's request
    await payLink.click();
    const logs = page.getByRole('region', { name: 'Logs', exact: true });
    await until("the request's lines on the Logs page", async () =>
      (await logs.locator('tbody tr').count()) >= payMessages.length ? true : undefined,
    );
    // Assess: the filter pattern is the request id, the group the function's
    expect(await logs.getByRole('searchbox').inputValue()).toBe(`"${payRequestId}"`);
    expect(await logs.getByLabel('Log group').inputValue()).toMatch(/^\/aws\/lambda\/ServerlessShop-BillingPay/);
    expect(await logs.locator('tbody tr td:last-child').allInnerTexts()).toEqual(payMessages);
    await screenshot(page, 'logs-page');

    // Act: every line of the group, live; then a second order
    await logs.getByRole('searchbox').fill('"START RequestId"');
    await logs.getByRole('button', { name: 'Search' }).click();
    await logs.getByRole('button', { name: 'Live tail' }).click();
    const next = await paidOrder();
    // Assess: its START line arrives without a reload
    await until("the next order's START line in the live tail", async () =>
      (await logs.locator('tbody tr td:last-child').allInnerTexts()).includes(
        `START RequestId: ${next.payRequestId} Version: $LATEST`,
      )
        ? true
        : undefined,
    );
    expect(await logs.getByRole('button', { name: 'Pause live tail' }).getAttribute('aria-pressed')).toBe('true');
  },
  240_000,
);
