import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';

/** The viewport every screenshot is taken at, so that the README's images line up. */
export const VIEWPORT = { width: 1280, height: 860 };
/**
 * Where screenshots go: a temporary folder, so that a test run leaves the tree as it was;
 * `npm run screenshots` sets SCREENSHOTS_DIR to docs/images, whose images the README shows.
 */
export const IMAGES = process.env.SCREENSHOTS_DIR
  ? resolve(process.env.SCREENSHOTS_DIR)
  : join(tmpdir(), 'serverless-shop-screenshots');

/**
 * The shop page's address as a browser opens it: on 127.0.0.1, which the realm lets `shop-web`
 * redirect to on any port (the cloud picks a free one for the tests).
 */
export const pageUrl = (web: string): string => `${web.replace('//localhost:', '//127.0.0.1:')}/`;

/** A fresh browser context (no issuer session, nothing stored) with the shop page open, signed in as `user`. */
export const signedIn = async (browser: Browser, web: string, user: string): Promise<Page> => {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(pageUrl(web));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // The issuer's login form (Keycloak's field names), then back to the shop with a code.
  await page.getByLabel('Username or email').fill(user);
  await page.getByLabel('Password').fill(user);
  await page.getByRole('button', { name: 'Sign In' }).click();
  await page.getByText(`Signed in as ${user}`).waitFor();
  return page;
};

/** Puts `count` of a product in the basket, by its name as the catalogue shows it. */
export const addToBasket = async (page: Page, name: string, count = 1): Promise<void> => {
  for (let i = 0; i < count; i++) await page.getByRole('button', { name: `Add ${name} to basket` }).click();
  await page.getByRole('spinbutton', { name: `Quantity of ${name}` }).waitFor();
};

/** Chooses the first delivery slot with places left, and an address. */
export const chooseDelivery = async (page: Page, address = '1 Tea Lane, Springfield'): Promise<void> => {
  await page.locator('fieldset.slots input[type=radio]:not([disabled])').first().check();
  await page.getByLabel('Delivery address').fill(address);
};

/** The id of the order the page shows (`#/orders/{id}`). */
export const shownOrderId = async (page: Page): Promise<string> => {
  await page.waitForURL(/#\/orders\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).hash.replace('#/orders/', ''));
};

/** Waits until the order's page shows it ended with `status`. */
export const waitForStatus = async (page: Page, status: string, timeout = 60_000): Promise<void> => {
  await page.getByRole('list', { name: 'Order timeline' }).locator(`li[data-status="${status}"]`).waitFor({ timeout });
};

/** The statuses the order's timeline lists, in order. */
export const timeline = (page: Page): Promise<string[]> =>
  page
    .getByRole('list', { name: 'Order timeline' })
    .locator('li[data-status]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-status') ?? ''));

/** Saves `docs/images/shop-<name>.png`, from the top of the page, or with `at` in view. */
export const screenshot = async (page: Page, name: string, at?: Locator): Promise<void> => {
  mkdirSync(IMAGES, { recursive: true });
  if (at) await at.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  else await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(IMAGES, `shop-${name}.png`) });
};

/** A token for the API from the issuer's password grant (client `shop-cli`), as curl gets one. */
export const apiToken = async (issuer: string, user: string): Promise<string> => {
  const response = await fetch(`${issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'shop-cli', username: user, password: user }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`No token for ${user}: ${JSON.stringify(body)}`);
  return body.access_token;
};

/** A call to the shop API as `user`, for what the tests arrange or check behind the page. */
export const callApi = async <T>(
  cloud: { api: string; issuer: string },
  user: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> => {
  const response = await fetch(`${cloud.api}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await apiToken(cloud.issuer, user)}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
};
