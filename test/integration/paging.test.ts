import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import fixture from '../events/list-orders.json';
import type { Notification } from '../../functions/notification/domain';
import { handler as listNotifications } from '../../functions/notification/list-notifications';
import type { Order } from '../../functions/order/domain';
import { handler as listOrders } from '../../functions/order/list-orders';
import { fakeContext } from '../support/lambda';
import { match } from '../support/matchers';
import { stores, uniqueUser } from '../support/shop';
import { createShopTables, deleteShopTables } from '../support/tables';
import { pendingOrder } from './fixtures';

/** GET /orders and GET /notifications through their handlers on DynamoDB Local: pages, tokens, refusals. */
const shop = stores();

beforeAll(createShopTables);
afterAll(deleteShopTables);

type Handler = (event: APIGatewayProxyEvent, context: ReturnType<typeof fakeContext>) => Promise<APIGatewayProxyResult>;

/** GET as `user`, with these query parameters. */
const get = async <T>(handler: Handler, user: string, query: Record<string, string> | null = null) => {
  const event = structuredClone(fixture) as unknown as APIGatewayProxyEvent;
  event.requestContext.authorizer = { ...event.requestContext.authorizer, sub: user, username: user };
  event.queryStringParameters = query;
  const response = await handler(event, fakeContext('list'));
  return {
    status: response.statusCode,
    body: JSON.parse(response.body) as T,
    nextToken: response.headers?.['Next-Token'] as string | undefined,
    headers: response.headers,
  };
};

/** Every page, following Next-Token until there is none. */
const allPages = async <T>(handler: Handler, user: string, limit: number) => {
  const pages: T[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await get<T[]>(handler, user, { limit: String(limit), ...(nextToken && { nextToken }) });
    expect(page.status).toBe(200);
    pages.push(page.body);
    nextToken = page.nextToken;
  } while (nextToken && pages.length < 20);
  return pages;
};

/** `count` orders of `user`, a second apart, oldest first. */
const ordersOf = async (user: string, count: number) => {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const order = pendingOrder(user, { sku: `SKU-${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, i)) });
    await shop.orders.create(order, `basket-${i}`);
    ids.push(order.orderId);
  }
  return ids;
};

describe('GET /orders', () => {
  test('pages newest first, each order once, the last page without a token', async () => {
    const user = uniqueUser('alice');
    const ids = await ordersOf(user, 5);

    const pages = await allPages<Order>(listOrders, user, 2);

    expect(pages.map((page) => page.map((o) => o.orderId))).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
  });

  test('a list that ends exactly at a page boundary has no empty last page', async () => {
    const user = uniqueUser('alice');
    await ordersOf(user, 4);

    const pages = await allPages<Order>(listOrders, user, 2);

    expect(pages.map((page) => page.length)).toEqual([2, 2]);
  });

  test('without a limit, a page is 50; the token is exposed to browsers', async () => {
    const user = uniqueUser('alice');
    await ordersOf(user, 1);

    const page = await get<Order[]>(listOrders, user);

    expect(page.body).toHaveLength(1);
    expect(page.nextToken).toBeUndefined();
    expect(page.headers).toMatchObject({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Next-Token',
    });
  });

  test("another user's token is a 400, and pages nothing of either user", async () => {
    const alice = uniqueUser('alice');
    const bob = uniqueUser('bob');
    await ordersOf(alice, 3);
    await ordersOf(bob, 3);
    const { nextToken } = await get<Order[]>(listOrders, alice, { limit: '1' });

    const stolen = await get<{ error: string; message: string }>(listOrders, bob, { nextToken: nextToken! });

    expect(stolen.status).toBe(400);
    expect(stolen.body).toEqual({ error: 'INVALID_NEXT_TOKEN', message: match.any(String) });
  });

  test.each([
    [{ limit: '0' }, 'INVALID_LIMIT'],
    [{ limit: 'all' }, 'INVALID_LIMIT'],
    [{ nextToken: 'junk' }, 'INVALID_NEXT_TOKEN'],
    [{ nextToken: Buffer.from('{"t":"x","c":{}}').toString('base64url') }, 'INVALID_NEXT_TOKEN'],
  ])('%p is a 400 %s in the error shape', async (query, code) => {
    const { status, body } = await get(listOrders, uniqueUser('alice'), query);
    expect(status).toBe(400);
    expect(body).toEqual({ error: code, message: match.any(String) });
  });
});

describe('GET /notifications', () => {
  test('pages newest first, each notification once; an orders token is refused', async () => {
    const user = uniqueUser('alice');
    const orderIds = await ordersOf(uniqueUser('other'), 3);
    for (const [i, orderId] of orderIds.entries()) {
      const notification: Notification = {
        notificationId: `${orderId}:COMPLETED`,
        orderId,
        status: 'COMPLETED',
        message: 'done',
        createdAt: new Date(Date.UTC(2026, 0, 2, 0, 0, i)).toISOString(),
      };
      await shop.notifications.add(user, notification);
    }

    const pages = await allPages<Notification>(listNotifications, user, 2);
    await ordersOf(user, 2);
    const ordersToken = (await get<Order[]>(listOrders, user, { limit: '1' })).nextToken;
    const crossed = await get(listNotifications, user, { nextToken: ordersToken! });

    expect(pages.map((page) => page.map((n) => n.orderId))).toEqual([[orderIds[2], orderIds[1]], [orderIds[0]]]);
    expect(crossed.status).toBe(400);
    expect(crossed.body).toEqual({ error: 'INVALID_NEXT_TOKEN', message: match.any(String) });
  });
});
