import type { Browser, Page } from 'playwright-core';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../support/cloud-process';
import { browserTest, launchChromium } from './support/chromium';
import {
  addToBasket,
  callApi,
  chooseDelivery,
  pageUrl,
  screenshot,
  shownOrderId,
  signedIn,
  timeline,
  VIEWPORT,
  waitForStatus,
} from './support/shop-page';

// The shop page in Debian's Chromium, against a local cloud started as `npm start` starts it: the
// buyer's journeys end to end, through the page only (the API is called directly only to arrange
// what a buyer cannot, such as an admin emptying a shelf, and to check what the page claims).
// The tests share one cloud and run in order: the similar-order test repeats the first basket.

interface Order {
  orderId: string;
  status: string;
  items: { sku: string; quantity: number }[];
}

let cloud: CloudProcess;
let browser: Browser;
const pages: Page[] = [];
let firstOrderId = '';

beforeAll(async () => {
  [cloud, browser] = await Promise.all([startCloudProcess('shop-browser'), launchChromium()]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopCloudProcess(cloud?.child);
}, 60_000);

/** A page signed in as `user`, closed after the tests. */
const open = async (user: string): Promise<Page> => {
  const page = await signedIn(browser, cloud.web, user);
  pages.push(page);
  return page;
};

const balanceText = (page: Page) => page.getByTestId('balance').filter({ hasText: '$' }).innerText();
const dollars = (text: string) => Math.round(Number(text.replace(/[$,]/g, '')) * 100);
const ordersOf = (user: string) => callApi<Order[]>(cloud, user, 'GET', '/orders?limit=100');

browserTest(
  'the server serves the page and its config; a visitor who is not signed in sees the catalogue',
  async () => {
    const config = (await (await fetch(`${cloud.web}/config.json`)).json()) as Record<string, string>;
    expect(config).toMatchObject({
      api: `${cloud.api}/`,
      issuer: cloud.issuer,
      edge: cloud.edge,
      region: 'us-east-1',
      clientId: 'shop-web',
    });
    expect(config.stateMachineArn).toMatch(/^arn:aws:states:us-east-1:\d{12}:stateMachine:/);
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    pages.push(page);
    await page.goto(pageUrl(cloud.web));
    await page.getByRole('list', { name: 'Products' }).getByRole('listitem').first().waitFor();
    expect(await page.getByRole('button', { name: 'Sign in to order' }).isVisible()).toBe(true);
    await screenshot(page, 'signed-out');
  },
);

browserTest(
  'alice signs in, deposits, orders, and watches the timeline reach COMPLETED',
  async () => {
    const page = await open('alice');
    // Tokens stay in memory: nothing in localStorage or sessionStorage once the sign-in is complete.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    const before = dollars(await balanceText(page));
    await page.getByLabel('Deposit amount (USD)').fill('25.50');
    await page.getByRole('button', { name: 'Deposit' }).click();
    await page.getByText(`Deposited $25.50`).waitFor();
    expect(dollars(await balanceText(page))).toBe(before + 2550);

    await addToBasket(page, 'Earl Grey, 100 g');
    await addToBasket(page, 'Stoneware mug', 2);
    await chooseDelivery(page);
    expect(await page.getByTestId('basket-total').innerText()).toBe('$32.95');
    await screenshot(page, 'basket');
    await page.getByRole('button', { name: 'Place order' }).click();
    firstOrderId = await shownOrderId(page);
    await waitForStatus(page, 'COMPLETED');
    expect(await timeline(page)).toEqual([
      'PENDING',
      'PAYMENT_COMPLETED',
      'ITEMS_RESERVED',
      'DELIVERY_BOOKED',
      'COMPLETED',
    ]);
    await page.getByText('Order completed').waitFor();
    await screenshot(page, 'order-completed');

    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page
      .getByRole('table')
      .getByRole('link', { name: firstOrderId.slice(0, 8) })
      .waitFor();
    await screenshot(page, 'orders');
    await page.getByRole('link', { name: 'Notifications', exact: true }).click();
    await page
      .getByRole('list', { name: 'Notifications' })
      .getByText(`Your order ${firstOrderId} is confirmed`)
      .waitFor({ timeout: 20_000 });
    await screenshot(page, 'notifications');
  },
  180_000,
);

browserTest(
  'bob, with $0, orders and sees PAYMENT_DECLINED explained',
  async () => {
    const page = await open('bob');
    expect(await balanceText(page)).toBe('$0.00');
    await addToBasket(page, 'Sencha green tea, 100 g');
    await chooseDelivery(page, '2 Coffee Road');
    await page.getByRole('button', { name: 'Place order' }).click();
    await waitForStatus(page, 'CANCELLED');
    expect(await timeline(page)).toEqual(['PENDING', 'CANCELLED']);
    expect(await page.locator('li[data-status="CANCELLED"]').innerText()).toContain('Payment of $4.50 declined');
    const explained = page.getByRole('alert').filter({ hasText: 'Order cancelled: Payment declined' });
    await expect(explained.innerText()).resolves.toContain('Your balance did not cover the total');
    await screenshot(page, 'payment-declined');
  },
  120_000,
);

browserTest(
  'an order whose item ran out shows the refund in its timeline, as a compensation',
  async () => {
    const page = await open('alice');
    const before = dollars(await balanceText(page));
    await addToBasket(page, 'Limited edition tea caddy');
    await chooseDelivery(page);
    // The shelf empties behind the buyer's back: the catalogue's live availability says so.
    await callApi(cloud, 'admin', 'PUT', '/products/CAMERA-01', { stock: 0 });
    await page
      .getByRole('listitem', { name: 'Limited edition tea caddy' })
      .getByText('Sold out')
      .waitFor({ timeout: 15_000 });
    await page.getByText('Only 0 in stock now').waitFor();
    await page.getByRole('button', { name: 'Place order' }).click();
    await waitForStatus(page, 'CANCELLED');
    expect(await timeline(page)).toEqual(['PENDING', 'PAYMENT_COMPLETED', 'PAYMENT_REFUNDED', 'CANCELLED']);
    const refund = page.locator('li[data-status="PAYMENT_REFUNDED"]');
    await expect(refund.innerText()).resolves.toMatch(/Payment refunded[\s\S]*Compensation · undoes “Payment taken”/);
    await expect(
      page.getByRole('alert').filter({ hasText: 'Order cancelled: Out of stock' }).innerText(),
    ).resolves.toContain('refunded in full');
    await screenshot(page, 'out-of-stock');
    await page.getByRole('link', { name: 'Shop', exact: true }).click();
    expect(dollars(await balanceText(page))).toBe(before);
  },
  120_000,
);

browserTest(
  'a double-click places one order, and a retry after a lost answer is shown as the server’s replay',
  async () => {
    const page = await open('alice');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/orders'))
        posts.push(request.headers()['idempotency-key'] ?? '');
    });
    await addToBasket(page, 'Wildflower honey, 250 g', 2);
    await chooseDelivery(page);
    await page.getByRole('button', { name: 'Place order' }).dblclick();
    const honeyOrder = await shownOrderId(page);
    await waitForStatus(page, 'COMPLETED');
    expect(posts).toHaveLength(1);
    expect((await ordersOf('alice')).filter((o) => o.items.some((i) => i.sku === 'HONEY-01'))).toHaveLength(1);
    expect((await ordersOf('alice')).some((o) => o.orderId === honeyOrder)).toBe(true);

    // The first POST reaches the API, which makes the order, but its answer never reaches the page.
    let lost: { status: number; orderId: string; key: string } | undefined;
    await page.route('**/orders', async (route) => {
      if (route.request().method() !== 'POST' || lost) return route.fallback();
      const response = await route.fetch();
      lost = {
        status: response.status(),
        orderId: ((await response.json()) as Order).orderId,
        key: route.request().headers()['idempotency-key'] ?? '',
      };
      await route.abort('connectionreset');
    });
    await page.getByRole('link', { name: 'Shop', exact: true }).click();
    await addToBasket(page, 'Paper filters, 100 pcs', 3);
    await chooseDelivery(page);
    const key = await page.getByTestId('idempotency-key').innerText();
    await page.getByRole('button', { name: 'Place order' }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'The order was not placed' });
    await expect(failed.innerText()).resolves.toContain('could not be reached');
    await screenshot(page, 'network-error', failed);
    expect(lost).toEqual({ status: 201, orderId: expect.any(String) as string, key });

    await failed.getByRole('button', { name: 'Retry' }).click();
    expect(await shownOrderId(page)).toBe(lost!.orderId);
    await page.getByText('Already placed: the server replayed its answer').waitFor();
    expect(posts.slice(-2)).toEqual([key, key]);
    expect((await ordersOf('alice')).filter((o) => o.items.some((i) => i.sku === 'FILTER-01'))).toHaveLength(1);
    await waitForStatus(page, 'COMPLETED');
    await screenshot(page, 'replay');
  },
  180_000,
);

browserTest(
  'a similar order within minutes is refused with a link to the existing one',
  async () => {
    expect(firstOrderId).not.toBe('');
    const page = await open('alice');
    await addToBasket(page, 'Stoneware mug', 2);
    await addToBasket(page, 'Earl Grey, 100 g');
    await chooseDelivery(page, 'Another address, same basket');
    await page.getByRole('button', { name: 'Place order' }).click();
    const warning = page.getByRole('status').filter({ hasText: 'Similar order already placed' });
    await expect(warning.innerText()).resolves.toContain(
      `A similar order ${firstOrderId} was placed less than 5 minutes ago`,
    );
    await screenshot(page, 'similar-order', warning);
    await warning.getByRole('link', { name: `View order ${firstOrderId.slice(0, 8)}` }).click();
    expect(await shownOrderId(page)).toBe(firstOrderId);
    await waitForStatus(page, 'COMPLETED');
  },
  120_000,
);

browserTest(
  'signing out forgets the tokens and ends the session at the issuer',
  async () => {
    const page = await open('bob');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in to order' }).waitFor();
    expect(new URL(page.url()).origin).toBe(new URL(pageUrl(cloud.web)).origin);
    // The issuer's session is gone too: signing in asks for the password again.
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Password').waitFor();
  },
  120_000,
);
