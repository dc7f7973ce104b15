import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { CloudProcess } from '../../support/cloud-process';
import { apiToken, callApi, IMAGES, VIEWPORT } from './shop-page';

export interface Order {
  orderId: string;
  status: string;
  failureReason?: string;
}

/** Polls `probe` every 250 ms until it answers, failing after `timeoutMs` with what it waited for. */
export const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
};

/** The console at `#/<route>` in a fresh context at the screenshots' viewport. */
export const openConsole = async (browser: Browser, cloud: CloudProcess, route: string): Promise<Page> => {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(`${cloud.web}/console/#/${route}`);
  return page;
};

/** Saves `docs/images/console-<name>.png` at the fixed viewport, from the top of the page or with `at` at its top. */
export const screenshot = async (page: Page, name: string, at?: Locator): Promise<void> => {
  mkdirSync(IMAGES, { recursive: true });
  if (at) await at.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(IMAGES, `console-${name}.png`) });
};

/**
 * The shop as the tests drive it through its public API (as bench/lib/client.ts does): a product of
 * its own per test, money for alice, an order on the first slot with room, and the order's end.
 */
export class ShopDriver {
  constructor(private readonly cloud: CloudProcess) {}

  /** A new product (unique sku) with this stock, as the admin adds it. */
  async product(stock: number, price = 100): Promise<string> {
    const sku = `CONSOLE-${randomUUID().slice(0, 8).toUpperCase()}`;
    await callApi(this.cloud, 'admin', 'PUT', `/products/${sku}`, { name: `Console test ${sku}`, price, stock });
    return sku;
  }

  deposit(user: string, amount: number): Promise<unknown> {
    return callApi(this.cloud, user, 'POST', '/billing/account/deposit', { amount });
  }

  async placeOrder(user: string, sku: string, quantity = 1): Promise<string> {
    const slots = await callApi<{ slotId: string; remaining: number }[]>(this.cloud, user, 'GET', '/delivery/slots');
    const slot = slots.find((s) => s.remaining > 0);
    if (!slot) throw new Error('No delivery slot has room');
    const response = await fetch(`${this.cloud.api}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await apiToken(this.cloud.issuer, user)}`,
        'content-type': 'application/json',
        'idempotency-key': `console-${randomUUID()}`,
      },
      body: JSON.stringify({
        items: [{ sku, quantity }],
        delivery: { slotId: slot.slotId, address: '1 Console Street' },
      }),
    });
    if (response.status !== 201) throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as Order).orderId;
  }

  async status(user: string, orderId: string): Promise<string> {
    return (await callApi<Order>(this.cloud, user, 'GET', `/orders/${orderId}`)).status;
  }

  /** Waits until the order reaches one of `statuses` (or any end, which then fails the wait). */
  async orderEnds(user: string, orderId: string, status: string, timeoutMs = 90_000): Promise<Order> {
    return until(
      `order ${orderId} to be ${status}`,
      async () => {
        const order = await callApi<Order>(this.cloud, user, 'GET', `/orders/${orderId}`);
        if (order.status === status) return order;
        if (['COMPLETED', 'CANCELLED', 'COMPENSATION_FAILED'].includes(order.status))
          throw new Error(`Order ${orderId} ended ${order.status}, not ${status}`);
        return undefined;
      },
      timeoutMs,
    );
  }
}
