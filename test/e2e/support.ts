import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { Account, Order, Product, Slot } from './bodies';
import { assertMatchesContract } from './contract';

/** The target under test: any deployment of the stack, by URL. */
export const target = () => ({
  api: process.env.SHOP_API_URL!.replace(/\/$/, ''),
  issuer: process.env.SHOP_ISSUER_URL!.replace(/\/$/, ''),
  edge: process.env.SHOP_EDGE_URL,
});

export type User = 'alice' | 'bob' | 'admin';
const tokens = new Map<string, Promise<string>>();

/** An access token from the issuer, with the direct access grant of the `shop-cli` client. */
export const tokenFor = (user: User): Promise<string> => {
  if (!tokens.has(user)) {
    tokens.set(
      user,
      (async () => {
        const response = await fetch(`${target().issuer}/protocol/openid-connect/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'password', client_id: 'shop-cli', username: user, password: user }),
        });
        const body = (await response.json()) as { access_token?: string };
        if (!response.ok || !body.access_token)
          throw new Error(`No token for ${user}: HTTP ${response.status} ${JSON.stringify(body)}`);
        return body.access_token;
      })(),
    );
  }
  return tokens.get(user)!;
};

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A response body: its JSON, or the text when it is not JSON, or undefined when there is none. */
const bodyOf = (text: string): unknown => {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * One HTTP call to the API, as `user` (or anonymous), with a JSON body; the response is checked against
 * openapi.yaml. `T` is the body the caller expects (see bodies.ts), checked by that document.
 */
export const api = async <T = unknown>(
  method: string,
  path: string,
  options: { as?: User; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> => {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token ?? (options.as && (await tokenFor(options.as)));
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${target().api}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const body = bodyOf(await response.text());
  assertMatchesContract(method, path, response.status, response.headers.get('content-type'), body);
  return { status: response.status, body: body as T, headers: response.headers };
};

export const uniqueSku = (prefix = 'E2E') => `${prefix}-${randomUUID().slice(0, 8).toUpperCase()}`;
export const newKey = () => randomUUID();

/** A product of our own, so that tests share no stock and no similar orders. */
export const createProduct = async (price: number, stock: number) => {
  const sku = uniqueSku();
  const response = await api('PUT', `/products/${sku}`, {
    as: 'admin',
    body: { name: `Test product ${sku}`, price, stock },
  });
  if (response.status !== 200)
    throw new Error(`Could not create ${sku}: ${response.status} ${JSON.stringify(response.body)}`);
  return sku;
};

export const productAvailable = async (sku: string): Promise<number> => {
  const { body } = await api<Product[]>('GET', '/products');
  const product = body.find((p) => p.sku === sku);
  if (!product) throw new Error(`${sku} is not listed`);
  return product.available;
};

export const balanceOf = async (user: User): Promise<number> =>
  (await api<Account>('GET', '/billing/account', { as: user })).body.balance;

export const slots = async () => (await api<Slot[]>('GET', '/delivery/slots')).body;

/** The suites that book open slots: each books its own, so that one's bookings never move another's counts (they run at once). */
const SLOT_USERS = ['orders.test.ts', 'api.test.ts'];

/** An open slot with room, the same one for every test of a suite and another for each suite. */
export const openSlot = async () => {
  const open = (await slots()).filter((s) => s.remaining >= 5).sort((a, b) => a.slotId.localeCompare(b.slotId));
  const suite = SLOT_USERS.indexOf(basename(expect.getState().testPath ?? ''));
  // Another suite takes the slot after those of the suites named.
  const slot = open[suite >= 0 ? suite : SLOT_USERS.length];
  if (!slot) throw new Error('No delivery slot with room: is the demo data seeded?');
  return slot;
};

export const fullSlot = async () => {
  const slot = (await slots()).find((s) => s.remaining === 0);
  if (!slot) throw new Error('No full delivery slot: is the demo data seeded?');
  return slot;
};

const TERMINAL = new Set(['COMPLETED', 'CANCELLED', 'COMPENSATION_FAILED']);

/** Polls an order until it reaches any terminal status, or fails at the deadline. */
export const waitForOutcome = async (orderId: string, as: User, deadlineMs = 30_000) => {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { status, body } = await api<Order>('GET', `/orders/${orderId}`, { as });
    if (status !== 200) throw new Error(`GET /orders/${orderId} answered ${status}`);
    if (TERMINAL.has(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`Order ${orderId} is still ${body.status} after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** Polls until `check` returns a value, or fails at the deadline. */
export const eventually = async <T>(
  check: () => Promise<T | undefined>,
  what: string,
  deadlineMs = 15_000,
): Promise<T> => {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** POST /orders answers the order (201, or 200 on a replay); a caller that expects a refusal names its body. */
export const placeOrder = <T = Order>(
  as: User,
  items: { sku: string; quantity: number }[],
  slotId: string,
  key = newKey(),
) =>
  api<T>('POST', '/orders', {
    as,
    headers: { 'Idempotency-Key': key },
    body: { items, delivery: { slotId, address: '1 Test Street' } },
  });
