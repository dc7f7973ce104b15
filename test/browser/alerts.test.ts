import { CloudWatchClient, DescribeAlarmHistoryCommand } from '@aws-sdk/client-cloudwatch';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../support/cloud-process';
import { browserTest, launchChromium } from './support/chromium';
import { openConsole, screenshot, ShopDriver, until } from './support/console-page';

// Alerts end to end: a fault added in the console's Faults panel makes sagas fail (the refund
// compensation breaks), the alarms fire (Lambda errors of the refund, CompensationFailures, and the
// composite "shop unhealthy"), their SNS actions run, the change reaches a webhook receiver as a
// Slack body (`--alert-webhook`), and the console's Alerts inbox shows it with its links.

interface SlackBody {
  text: string;
  blocks: { type: string; text?: { text: string }; elements?: { url?: string; text?: { text: string } }[] }[];
}

let cloud: CloudProcess;
let browser: Browser;
let shop: ShopDriver;
let receiver: Server;
const received: SlackBody[] = [];
const pages: Page[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as SlackBody);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slack`;
  [cloud, browser] = await Promise.all([
    // Retries sped up a hundredfold, so that the refund exhausts its retries in seconds.
    startCloudProcess('alerts-browser', ['--retry-interval-scale', '0.01', '--alert-webhook', hook]),
    launchChromium(),
  ]);
  shop = new ShopDriver(cloud);
  await shop.deposit('alice', 1_000_000);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopCloudProcess(cloud?.child);
  await new Promise((resolve) => receiver?.close(resolve));
}, 60_000);

const open = async (route: string) => {
  const page = await openConsole(browser, cloud, route);
  pages.push(page);
  return page;
};

/** The first body the receiver got for this alarm going to ALARM. */
const alarmBody = (name: string) => received.find((b) => b.text.includes(name) && b.text.includes('→ ALARM)'));

browserTest(
  'a fault from the Faults panel makes sagas fail: the alarms fire, publish to the alerts topic, reach the webhook as a Slack body, and show in the Alerts inbox',
  async () => {
    const faults = await open('faults');
    const form = faults.getByRole('form', { name: 'Add a fault' });
    await form.getByLabel('Function', { exact: true }).fill('BillingRefund');
    await form.getByLabel('Effect', { exact: true }).selectOption('error');
    await form.getByLabel('Error code', { exact: true }).fill('Lambda.ServiceException');
    await form.getByRole('button', { name: 'Add fault' }).click();
    await faults
      .getByRole('table', { name: 'Fault rules' })
      .locator('tr[data-rule]')
      .filter({ hasText: 'BillingRefund' })
      .waitFor();

    // Paid for, then out of stock: the refund is the compensation that fails, and the saga with it.
    const orderId = await shop.placeOrder('alice', await shop.product(0));
    await shop.orderEnds('alice', orderId, 'COMPENSATION_FAILED');

    const unhealthy = await until(
      'the webhook to get shop-unhealthy in ALARM',
      () => Promise.resolve(alarmBody('shop-unhealthy')),
      90_000,
    );
    const refundErrors = await until(
      'the webhook to get the refund function’s errors alarm',
      () => Promise.resolve(alarmBody('LambdaErrorsBillingRefund')),
      30_000,
    );
    expect(unhealthy.text).toMatch(/^:rotating_light: ALARM: ServerlessShop-shop-unhealthy \(OK → ALARM\)$/);
    expect(unhealthy.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(unhealthy.blocks[1]!.text!.text).toMatch(/transitioned to ALARM at /);
    const [dashboardLink, executionsLink] = unhealthy.blocks[3]!.elements!.map((e) => e.url!);
    expect(dashboardLink).toMatch(new RegExp(`^${cloud.web}/console/#/dashboard/window=\\d+\\.\\.\\d+$`));
    expect(executionsLink).toMatch(new RegExp(`^${cloud.web}/console/#/executions/window=\\d+\\.\\.\\d+$`));
    expect(refundErrors.blocks[1]!.text!.text).toMatch(
      /Threshold Crossed: 1 datapoint \[\d+\.0 .*\] was greater than or equal to the threshold \(5\.0\)/,
    );
    // No message for the alarms' first OK at the start.
    expect(received.filter((b) => b.text.includes('INSUFFICIENT_DATA → OK'))).toEqual([]);

    // The alarm action published CloudWatch's notification to the alerts topic on the local SNS.
    const outputs = (await (await fetch(`${cloud.edge}/_local/outputs`)).json()) as Record<string, string>;
    const cloudwatch = new CloudWatchClient({
      endpoint: cloud.edge,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { AlarmHistoryItems = [] } = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: 'ServerlessShop-shop-unhealthy',
        AlarmTypes: ['CompositeAlarm'],
        HistoryItemType: 'Action',
      }),
    );
    cloudwatch.destroy();
    expect(AlarmHistoryItems.map((h) => h.HistorySummary)).toContain(
      `Successfully executed action ${outputs.AlertsTopicArn}`,
    );

    // The Alerts inbox: the composite's change, unread, with its links.
    const alerts = await open('alerts');
    const item = alerts
      .getByRole('list', { name: 'Alerts' })
      .locator('li[data-alarm="ServerlessShop-shop-unhealthy"][data-state="ALARM"]');
    await item.first().waitFor({ timeout: 30_000 });
    expect(await item.first().getAttribute('data-unread')).toBe('true');
    expect(
      await alerts
        .getByRole('list', { name: 'Alerts' })
        .locator('li[data-alarm*="LambdaErrorsBillingRefund"][data-state="ALARM"]')
        .count(),
    ).toBe(1);
    await screenshot(alerts, 'alerts');
    await item.first().getByRole('button', { name: 'Mark read' }).click();
    await alerts
      .locator('li[data-alarm="ServerlessShop-shop-unhealthy"][data-state="ALARM"][data-unread="false"]')
      .waitFor();
    expect(await alerts.getByRole('heading', { name: /Alerts \(\d+ unread\)/ }).count()).toBe(1);

    // Its link to the executions of that window lists the failed saga.
    await item.first().getByRole('link', { name: 'Executions in that window' }).click();
    const row = alerts.getByRole('table', { name: 'Executions' }).locator(`tr[data-execution="${orderId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('FAILED');
    expect(alerts.url()).toMatch(/#\/executions\/window%3D\d+\.\.\d+$/);

    // The Alarms page shows the composite with its rule.
    const alarmsPage = await open('alarms');
    const composite = alarmsPage
      .getByRole('table', { name: 'Alarms' })
      .locator('tr[data-alarm="ServerlessShop-shop-unhealthy"]');
    await composite.waitFor();
    expect(await composite.getAttribute('data-state')).toBe('ALARM');
    expect(await composite.innerText()).toMatch(/composite: \(ALARM\(ServerlessShop-Observability\w+\) OR /);

    await faults.getByRole('button', { name: 'Clear all faults' }).click();
    await faults.getByText('No fault rules').waitFor();
  },
  240_000,
);
