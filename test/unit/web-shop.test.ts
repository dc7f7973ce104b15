import { createHash } from 'node:crypto';
import { ApiError, NetworkError, type Answer } from '../../web/shop/api';
import { Auth } from '../../web/shop/auth';
import { formatMoney, parseDollars } from '../../web/shop/format';
import { OrderIntents } from '../../web/shop/intent';
import { codeChallenge, jwtClaims, randomToken } from '../../web/shop/pkce';
import type { Order, OrderRequest } from '../../web/shop/types';
import { REASONS, reasonFor } from '../../web/shop/words';

// The shop page's logic that needs no DOM: money, the idempotency of an intent to buy, PKCE, the
// token refresh, the reasons in words.

const request = (sku = 'TEA-01', quantity = 1): OrderRequest => ({
  items: [{ sku, quantity }],
  delivery: { slotId: 's1', address: 'a' },
});
const order = (orderId: string) => ({ orderId }) as Order;
const answer = (status: number, orderId: string): Answer<Order> => ({
  status,
  body: order(orderId),
  headers: new Headers(),
});

describe('money', () => {
  test.each([
    ['12', 1200],
    ['12.5', 1250],
    ['$1,234.56', 123456],
    [' 0.01 ', 1],
  ])('%s dollars are %d cents', (text, cents) => expect(parseDollars(text)).toEqual({ cents }));

  test.each(['', '0', '0.00', '1.234', 'abc', '-5', '1e3', '2000000'])('%j is refused in words', (text) => {
    expect(parseDollars(text)).toEqual({
      error: expect.stringMatching(/^(Enter an amount|The amount must be|Deposit at most)/) as string,
    });
  });

  test('cents are shown as dollars', () => {
    expect(formatMoney(2550)).toBe('$25.50');
    expect(formatMoney(123456)).toBe('$1,234.56');
  });
});

describe('one Idempotency-Key per intent', () => {
  let keys = 0;
  const newKey = () => `key-${++keys}`;

  test('a second submission while the first is in flight sends nothing and shares its answer', async () => {
    let resolve!: (a: Answer<Order>) => void;
    const send = jest.fn((_r: OrderRequest, _k: string) => new Promise<Answer<Order>>((r) => (resolve = r)));
    const intents = new OrderIntents(send, newKey);
    const first = intents.submit(request());
    const second = intents.submit(request());
    expect(intents.pending).toBe(true);
    resolve(answer(201, 'o1'));
    expect(await first).toEqual({ kind: 'created', order: order('o1') });
    expect(await second).toEqual(await first);
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('a retry after a network error carries the same key, and a 200 is reported as a replay', async () => {
    const send = jest
      .fn<Promise<Answer<Order>>, [OrderRequest, string]>()
      .mockRejectedValueOnce(new NetworkError('lost'))
      .mockResolvedValueOnce(answer(200, 'o2'));
    const intents = new OrderIntents(send, newKey);
    expect(await intents.submit(request())).toEqual({ kind: 'failed', message: 'lost', retry: true });
    expect(await intents.submit(request())).toEqual({ kind: 'replayed', order: order('o2') });
    expect(send.mock.calls[0]![1]).toBe(send.mock.calls[1]![1]);
  });

  test('a request still in flight on the server (409) and a 5xx keep the key; a refusal and a success end the intent', async () => {
    const send = jest
      .fn<Promise<Answer<Order>>, [OrderRequest, string]>()
      .mockRejectedValueOnce(new ApiError(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'busy'))
      .mockRejectedValueOnce(new ApiError(502, 'HTTP_502', 'down'))
      .mockRejectedValueOnce(new ApiError(400, 'BAD_REQUEST', 'no'))
      .mockResolvedValueOnce(answer(201, 'o3'))
      .mockResolvedValueOnce(answer(201, 'o4'));
    const intents = new OrderIntents(send, newKey);
    for (let i = 0; i < 5; i++) await intents.submit(request());
    const used = send.mock.calls.map(([, key]) => key);
    expect(used[1]).toBe(used[0]);
    expect(used[2]).toBe(used[0]);
    expect(new Set([used[2], used[3], used[4]]).size).toBe(3);
  });

  test('another basket is another intent, with its own key', () => {
    const intents = new OrderIntents(jest.fn(), newKey);
    const key = intents.keyFor(request('TEA-01', 1));
    expect(intents.keyFor(request('TEA-01', 1))).toBe(key);
    expect(intents.keyFor(request('TEA-01', 2))).not.toBe(key);
  });

  test('a similar order (409 DUPLICATE_ORDER) is reported with the existing order', async () => {
    const duplicate = new ApiError(409, 'DUPLICATE_ORDER', 'A similar order o0 was placed less than 5 minutes ago', {
      order: { orderId: 'o0' },
    });
    const intents = new OrderIntents(jest.fn().mockRejectedValue(duplicate), newKey);
    expect(await intents.submit(request())).toEqual({
      kind: 'duplicate',
      message: duplicate.message,
      existingId: 'o0',
    });
  });
});

describe('PKCE and tokens', () => {
  test('the S256 challenge is BASE64URL(SHA-256(verifier)), as Node computes it', async () => {
    const verifier = randomToken(32);
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await codeChallenge(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });

  test("a JWT's claims are read, UTF-8 included; garbage reads as none", () => {
    const payload = Buffer.from(JSON.stringify({ preferred_username: 'zoë' })).toString('base64url');
    expect(jwtClaims(`h.${payload}.s`)).toEqual({ preferred_username: 'zoë' });
    expect(jwtClaims('not a token')).toEqual({});
  });
});

describe('the session', () => {
  const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
  const json = (body: unknown, status = 200) => Promise.resolve(new Response(JSON.stringify(body), { status }));
  let grants: URLSearchParams[];

  beforeEach(() => {
    jest.useFakeTimers();
    grants = [];
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const mockIssuer = (tokenAnswers: (() => Promise<Response>)[]) =>
    jest.spyOn(globalThis, 'fetch').mockImplementation((url, init) => {
      const href = url instanceof Request ? url.url : url.toString();
      if (href.endsWith('/.well-known/openid-configuration'))
        return json({ authorization_endpoint: 'http://i/auth', token_endpoint: 'http://i/token' });
      grants.push(new URLSearchParams(init?.body as URLSearchParams));
      return tokenAnswers.shift()!();
    });

  test('the access token is refreshed before it expires, with the refresh token, and kept in memory', async () => {
    mockIssuer([
      () => json({ access_token: jwt({ preferred_username: 'alice' }), refresh_token: 'r1', expires_in: 120 }),
      () => json({ access_token: 'a2', refresh_token: 'r2', expires_in: 120 }),
    ]);
    const auth = new Auth('http://i', 'shop-web', 'http://page/');
    await auth.completeLogin('code', 'verifier');
    expect(grants[0]!.get('grant_type')).toBe('authorization_code');
    expect(grants[0]!.get('code_verifier')).toBe('verifier');
    expect(auth.username).toBe('alice');
    await jest.advanceTimersByTimeAsync(59_000);
    expect(grants).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(grants[1]!.get('grant_type')).toBe('refresh_token');
    expect(grants[1]!.get('refresh_token')).toBe('r1');
    expect(await auth.accessToken()).toBe('a2');
    expect(auth.username).toBe('alice');
  });

  test('a refresh the issuer refuses ends the session', async () => {
    mockIssuer([
      () => json({ access_token: jwt({ preferred_username: 'bob' }), refresh_token: 'r1', expires_in: 20 }),
      () => json({ error: 'invalid_grant' }, 400),
    ]);
    const auth = new Auth('http://i', 'shop-web', 'http://page/');
    await auth.completeLogin('code', 'verifier');
    const ended = jest.fn();
    auth.subscribe(ended);
    // 20 s left: under the 30 s margin, so asking for the token refreshes first.
    expect(await auth.accessToken()).toBeUndefined();
    expect(auth.username).toBeUndefined();
    expect(ended).toHaveBeenCalled();
  });
});

describe('reasons in words', () => {
  test('every failure reason the API names has a title and an explanation', () => {
    for (const reason of [
      'PAYMENT_DECLINED',
      'OUT_OF_STOCK',
      'DELIVERY_UNAVAILABLE',
      'SERVICE_UNAVAILABLE',
      'COMPENSATION_FAILED',
    ] as const) {
      expect(REASONS[reason].title).not.toBe('');
      expect(REASONS[reason].detail.length).toBeGreaterThan(20);
    }
    expect(reasonFor('OUT_OF_STOCK')?.title).toBe('Out of stock');
    expect(reasonFor('NEW_REASON_CODE')?.title).toBe('New reason code');
    expect(reasonFor(undefined)).toBeUndefined();
  });
});
