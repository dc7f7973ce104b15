import { match } from '../support/matchers';
import type { Account, ErrorBody, Notification, Order, Product, Slot } from './bodies';
import {
  api,
  type ApiResponse,
  createProduct,
  newKey,
  openSlot,
  placeOrder,
  target,
  tokenFor,
  uniqueSku,
  waitForOutcome,
} from './support';

// Every route of the contract, its validation and its access rules, over HTTP.

describe('public routes', () => {
  test('GET /products lists the catalogue', async () => {
    const { status, body } = await api<Product[]>('GET', '/products');
    expect(status).toBe(200);
    expect(body.length).toBeGreaterThanOrEqual(10);
    for (const product of body)
      expect(Object.keys(product).sort()).toEqual(['available', 'currency', 'name', 'price', 'sku']);
  });

  test('GET /delivery/slots lists slots with capacity and remaining places', async () => {
    const { status, body } = await api<Slot[]>('GET', '/delivery/slots');
    expect(status).toBe(200);
    expect(body.length).toBeGreaterThanOrEqual(7);
    for (const slot of body)
      expect(slot).toEqual({
        slotId: match.any(String),
        date: match.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        window: match.any(String),
        capacity: match.any(Number),
        remaining: match.any(Number),
      });
  });

  test('CORS preflight answers with the allowed headers', async () => {
    const response = await fetch(`${target().api}/orders`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
  });
});

describe('access', () => {
  test.each([
    ['GET', '/billing/account'],
    ['POST', '/billing/account/deposit'],
    ['POST', '/orders'],
    ['GET', '/orders'],
    ['GET', '/orders/00000000-0000-0000-0000-000000000000'],
    ['GET', '/notifications'],
    ['PUT', '/products/TEA-01'],
  ])('%s %s without a token is 401', async (method, path) => {
    const { status, body, headers } = await api(method, path);
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'UNAUTHORIZED', message: match.any(String) });
    expect(headers.get('access-control-allow-origin')).toBe('*');
  });

  test('a token that is not a valid JWT of the issuer is 401', async () => {
    const alice = await tokenFor('alice');
    const [header, payload] = alice.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url')}.${alice.split('.')[2]}`;
    expect((await api('GET', '/billing/account', { token: 'not-a-jwt' })).status).toBe(401);
    expect((await api('GET', '/billing/account', { token: forged })).status).toBe(401);
  });

  test('PUT /products/{sku} needs the admin role: 403 for a customer', async () => {
    const { status, body } = await api<ErrorBody>('PUT', `/products/${uniqueSku()}`, {
      as: 'alice',
      body: { name: 'x', price: 100, stock: 1 },
    });
    expect(status).toBe(403);
    expect(body.error).toBe('FORBIDDEN');
  });

  test("another user's order is 404, as is an unknown one", async () => {
    const sku = await createProduct(100, 5);
    const { slotId } = await openSlot();
    await api('POST', '/billing/account/deposit', { as: 'admin', body: { amount: 1000 } });
    const created = await placeOrder('admin', [{ sku, quantity: 1 }], slotId);
    await waitForOutcome(created.body.orderId, 'admin');

    expect((await api('GET', `/orders/${created.body.orderId}`, { as: 'admin' })).status).toBe(200);
    const foreign = await api<ErrorBody>('GET', `/orders/${created.body.orderId}`, { as: 'bob' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('NOT_FOUND');
    expect((await api('GET', '/orders/00000000-0000-0000-0000-000000000000', { as: 'bob' })).status).toBe(404);
    expect((await api<Order[]>('GET', '/orders', { as: 'bob' })).body.map((o) => o.orderId)).not.toContain(
      created.body.orderId,
    );
  });

  test('an unknown route is 404 in the error shape of the contract (API Gateway reworded)', async () => {
    const { status, body } = await api('GET', '/no-such-route', { as: 'alice' });
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'NOT_FOUND', message: match.any(String) });
  });
});

describe('billing', () => {
  test('deposit adds to the balance; the account exists with 0 on first use', async () => {
    const before = await api<Account>('GET', '/billing/account', { as: 'admin' });
    const deposit = await api<Account>('POST', '/billing/account/deposit', { as: 'admin', body: { amount: 1234 } });

    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ currency: 'USD', balance: match.any(Number) });
    expect(deposit.status).toBe(200);
    expect(deposit.body).toEqual({ userId: before.body.userId, balance: before.body.balance + 1234, currency: 'USD' });
  });

  test.each([[-5], [0], [12.5], ['100']])('deposit of %p is 400 and changes nothing', async (amount) => {
    const before = await api<Account>('GET', '/billing/account', { as: 'admin' });
    const { status, body } = await api('POST', '/billing/account/deposit', { as: 'admin', body: { amount } });
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'VALIDATION_FAILED', message: match.stringContaining('amount') });
    expect((await api<Account>('GET', '/billing/account', { as: 'admin' })).body.balance).toBe(before.body.balance);
  });
});

describe('catalogue administration', () => {
  test('an admin creates a product and changes its stock', async () => {
    const sku = uniqueSku();
    const created = await api<Product>('PUT', `/products/${sku}`, {
      as: 'admin',
      body: { name: 'Matcha, 30 g', price: 1800, stock: 7 },
    });
    const restocked = await api<Product>('PUT', `/products/${sku}`, { as: 'admin', body: { stock: 9 } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ sku, name: 'Matcha, 30 g', price: 1800, currency: 'USD', available: 7 });
    expect(restocked.body.available).toBe(9);
  });

  test('a new product without name and price is 400', async () => {
    const { status, body } = await api<ErrorBody>('PUT', `/products/${uniqueSku()}`, {
      as: 'admin',
      body: { stock: 3 },
    });
    expect(status).toBe(400);
    expect(body.error).toEqual(expect.any(String));
  });
});

describe('POST /orders validation', () => {
  const body = (sku: string, slotId: string) => ({
    items: [{ sku, quantity: 1 }],
    delivery: { slotId, address: '1 Test Street' },
  });

  test('without an Idempotency-Key it is 400', async () => {
    const { slotId } = await openSlot();
    const { status, body: error } = await api<ErrorBody>('POST', '/orders', {
      as: 'alice',
      body: body('TEA-01', slotId),
    });
    expect(status).toBe(400);
    expect(error.error).toBe('MISSING_IDEMPOTENCY_KEY');
  });

  test.each([
    ['malformed JSON', { rawBody: '{"items":' }, 'INVALID_JSON'],
    ['no items', { body: { items: [], delivery: { slotId: 'x', address: 'y' } } }, 'VALIDATION_FAILED'],
    [
      'a zero quantity',
      { body: { items: [{ sku: 'TEA-01', quantity: 0 }], delivery: { slotId: 'x', address: 'y' } } },
      'VALIDATION_FAILED',
    ],
  ])('with %s it is 400', async (_, payload, code) => {
    const { status, body: error } = await api('POST', '/orders', {
      as: 'alice',
      headers: { 'Idempotency-Key': newKey() },
      ...payload,
    });
    expect(status).toBe(400);
    expect(error).toEqual({ error: code, message: match.any(String) });
  });

  test('an unknown product is 400 and creates no order', async () => {
    const { slotId } = await openSlot();
    const sku = uniqueSku('NOPE');
    const { status, body: error } = await placeOrder<ErrorBody>('alice', [{ sku, quantity: 1 }], slotId);
    expect(status).toBe(400);
    expect(error.error).toBe('UNKNOWN_PRODUCT');
  });
});

describe('paging GET /orders and GET /notifications', () => {
  /** Every page of a list as `as`, `limit` at a time, following Next-Token (bounded). */
  const pagesOf = async <T>(path: string, as: 'admin' | 'bob', limit: number, most = 10) => {
    const pages: T[][] = [];
    let token: string | null = null;
    do {
      const query: string = `?limit=${limit}${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`;
      const { status, body, headers }: ApiResponse<T[]> = await api<T[]>('GET', `${path}${query}`, { as });
      expect(status).toBe(200);
      expect(headers.get('access-control-expose-headers')).toContain('Next-Token');
      pages.push(body);
      token = headers.get('next-token');
    } while (token && pages.length < most);
    return pages;
  };

  beforeAll(async () => {
    // Three orders of admin's, so that there are pages to turn.
    const sku = await createProduct(10, 30);
    const { slotId } = await openSlot();
    await api('POST', '/billing/account/deposit', { as: 'admin', body: { amount: 1000 } });
    for (const quantity of [1, 2, 3]) {
      const created = await placeOrder('admin', [{ sku, quantity }], slotId);
      await waitForOutcome(created.body.orderId, 'admin');
    }
  });

  test('pages of one are newest first, each order once, and the first pages agree with one page of two', async () => {
    const pages = await pagesOf<Order>('/orders', 'admin', 1, 3);
    const firstTwo = await api<Order[]>('GET', '/orders?limit=2', { as: 'admin' });

    expect(pages.every((page) => page.length === 1)).toBe(true);
    const ids = pages.flat().map((o) => o.orderId);
    expect(new Set(ids).size).toBe(ids.length);
    const createdAts = pages.flat().map((o) => o.createdAt);
    expect(createdAts).toEqual([...createdAts].sort().reverse());
    expect(firstTwo.body.map((o) => o.orderId)).toEqual(ids.slice(0, 2));
  });

  test('notifications page the same way', async () => {
    const pages = await pagesOf<Notification>('/notifications', 'admin', 1, 3);
    const ids = pages.flat().map((n) => n.notificationId);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('a token given to another user is a 400, and shows nothing of theirs', async () => {
    const first = await api<Order[]>('GET', '/orders?limit=1', { as: 'admin' });
    const token = first.headers.get('next-token');
    expect(token).toEqual(match.stringMatching(/^[A-Za-z0-9_-]+$/));

    const { status, body } = await api<ErrorBody>('GET', `/orders?nextToken=${token}`, { as: 'bob' });

    expect(status).toBe(400);
    expect(body).toEqual({ error: 'INVALID_NEXT_TOKEN', message: match.any(String) });
  });

  test.each([
    ['/orders?limit=0', 'INVALID_LIMIT'],
    ['/orders?limit=101', 'INVALID_LIMIT'],
    ['/orders?limit=abc', 'INVALID_LIMIT'],
    ['/orders?nextToken=not-a-token', 'INVALID_NEXT_TOKEN'],
    ['/notifications?limit=-1', 'INVALID_LIMIT'],
    ['/notifications?nextToken=%7B%7D', 'INVALID_NEXT_TOKEN'],
  ])('GET %s is a 400 %s', async (path, code) => {
    const { status, body } = await api('GET', path, { as: 'bob' });
    expect(status).toBe(400);
    expect(body).toEqual({ error: code, message: match.any(String) });
  });
});

const describeWithEdge = target().edge ? describe : describe.skip;

describeWithEdge('the API, LocalStack-style through the edge', () => {
  test('/restapis/{apiId}/v1/_user_request_/… serves the same routes and authorizer', async () => {
    const { item } = (await (await fetch(`${target().edge}/restapis`)).json()) as {
      item: { id: string; name: string }[];
    };
    const apiId = item.find((a) => a.name === 'serverless-shop')!.id;
    const base = `${target().edge}/restapis/${apiId}/v1/_user_request_`;

    const products = await fetch(`${base}/products`);
    const anonymous = await fetch(`${base}/billing/account`);
    const account = await fetch(`${base}/billing/account`, {
      headers: { authorization: `Bearer ${await tokenFor('alice')}` },
    });

    expect(products.status).toBe(200);
    expect(((await products.json()) as unknown[]).length).toBeGreaterThanOrEqual(10);
    expect(anonymous.status).toBe(401);
    expect(account.status).toBe(200);
  });
});
