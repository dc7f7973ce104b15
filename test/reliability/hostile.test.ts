import fc from 'fast-check';
import { startCloudProcess, stopCloudProcess, type CloudProcess } from '../support/cloud-process';
import { difference, fingerprint, tokenFor } from './support';

/**
 * Property-based hostile input over every route of the API, its headers and bodies (fast-check):
 * whatever is sent, the answer is never a 5xx, every refusal is a 4xx in the contract's error shape
 * (`{ error, message }`), no request that is refused changes anything stored, and the cloud goes on
 * serving. State-changing routes get only inputs their contract refuses; read routes may answer 200.
 */
jest.setTimeout(600_000);

let cloud: CloudProcess;
let tokens: Record<'alice' | 'admin', string>;
beforeAll(async () => {
  cloud = await startCloudProcess('hostile');
  tokens = { alice: await tokenFor(cloud, 'alice'), admin: await tokenFor(cloud, 'admin') };
});
afterAll(() => stopCloudProcess(cloud?.child));

/** Strings a hostile client sends: path tricks, encodings, injections, control characters, long runs. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '..',
    '../..',
    '%',
    '%%',
    '%zz',
    '%00',
    '%2F',
    '//',
    '/\\',
    '\\',
    '[',
    '{',
    '}',
    '$',
    "' OR 1=1 --",
    '<script>',
    '${jndi:x}',
    '__proto__',
    'constructor',
    'null',
    'undefined',
    '-1',
    '1e309',
    'NaN',
  ),
  fc.string({ minLength: 200, maxLength: 3000 }),
);

/** Mostly a valid token, so that bodies reach the handlers' validation; else none, or junk. */
const authorization = fc.oneof(
  { arbitrary: fc.constantFrom('alice', 'admin').map((user) => `Bearer ${tokens[user]}`), weight: 6 },
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: nasty.map((junk) => `Bearer ${junk}`), weight: 1 },
  { arbitrary: nasty, weight: 1 },
  {
    arbitrary: fc.constantFrom('Bearer ', 'Basic YWxpY2U6YWxpY2U=', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.'),
    weight: 1,
  },
);

/** JSON bodies a route's schema refuses: wrong types, missing or extra members, limits crossed. */
const badJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
  fc.record({
    amount: fc.oneof(
      fc.constant(0),
      fc.integer({ max: -1 }),
      fc.double({ noInteger: true }),
      fc.string(),
      fc.constant(null),
      fc.constant(1e15),
    ),
  }),
  fc.record({
    items: fc.oneof(
      fc.constant([]),
      fc.array(
        fc.record({ sku: nasty, quantity: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1001 }), fc.string()) }),
        { minLength: 1, maxLength: 3 },
      ),
    ),
    delivery: fc.anything({ maxDepth: 2 }),
  }),
  fc.record({
    items: fc.array(fc.record({ sku: fc.constantFrom('TEA-01', 'MUG-01'), quantity: fc.constant(1) }), {
      minLength: 1,
      maxLength: 2,
    }),
    delivery: fc.record({
      slotId: nasty,
      address: fc.oneof(fc.constant(''), fc.string({ minLength: 301, maxLength: 400 })),
    }),
  }),
  fc.record({
    stock: fc.oneof(fc.integer({ max: -1 }), fc.string(), fc.double({ noInteger: true })),
    price: fc.anything({ maxDepth: 1 }),
  }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'), fc.jsonValue({ maxDepth: 2 })),
);

const rawBody = fc.oneof(
  badJson.map((value) => JSON.stringify(value) ?? 'null'),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"amount":', '[', '\u0000', '{"a":1}{"b":2}', 'true', '"text"'),
);

/** One request: a route of the contract, with a path parameter, query, headers and a body drawn above. */
const hostileRequest = fc.record({
  route: fc.constantFrom(
    { method: 'GET', path: '/products', reads: true },
    { method: 'PUT', path: '/products/{p}', reads: false },
    { method: 'GET', path: '/delivery/slots', reads: true },
    { method: 'GET', path: '/billing/account', reads: true },
    { method: 'POST', path: '/billing/account/deposit', reads: false },
    { method: 'POST', path: '/orders', reads: false },
    { method: 'GET', path: '/orders', reads: true },
    { method: 'GET', path: '/orders/{p}', reads: true },
    { method: 'GET', path: '/notifications', reads: true },
    { method: 'DELETE', path: '/orders/{p}', reads: false },
    { method: 'PATCH', path: '/billing/account', reads: false },
  ),
  param: nasty,
  query: fc.array(
    fc.tuple(fc.constantFrom('limit', 'nextToken', 'from', 'userId', nasty as unknown as string), nasty),
    { maxLength: 3 },
  ),
  authorization,
  idempotencyKey: fc.option(nasty, { nil: undefined }),
  contentType: fc.constantFrom(
    undefined,
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-16',
  ),
  body: fc.option(rawBody, { nil: undefined }),
});

test('hostile requests over every route: never a 5xx, refusals in the error shape, nothing stored changes', async () => {
  const before = await fingerprint(cloud);
  const seen = new Map<number, number>();

  await fc.assert(
    fc.asyncProperty(
      hostileRequest,
      async ({ route, param, query, authorization: auth, idempotencyKey, contentType, body }) => {
        const path = route.path.replace('{p}', encodeURIComponent(param));
        const search = new URLSearchParams(query).toString();
        const headers: Record<string, string> = {};
        // A header is bytes: UTF-8 goes on the wire as it is; control characters no HTTP client sends are left out.
        const printable = (c: string) => c === '\t' || (c >= ' ' && c !== '\u007f');
        const safe = (value: string) =>
          Buffer.from([...value].map((c) => (printable(c) ? c : ' ')).join(''), 'utf8').toString('latin1');
        if (auth !== undefined) headers.authorization = safe(auth);
        if (idempotencyKey !== undefined) headers['idempotency-key'] = safe(idempotencyKey);
        if (contentType) headers['content-type'] = contentType;
        const response = await fetch(`${cloud.api}${path}${search ? `?${search}` : ''}`, {
          method: route.method,
          headers,
          body: route.method === 'GET' ? undefined : body,
        });
        const text = await response.text();
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
          expect(typeof parsed.error).toBe('string');
          expect(typeof parsed.message).toBe('string');
        } else {
          expect(route.reads).toBe(true);
        }
      },
    ),
    {
      numRuns: Number(process.env.HOSTILE_RUNS ?? 400),
      seed: process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : undefined,
    },
  );

  const after = await fingerprint(cloud);
  const alive = await fetch(`${cloud.api}/products`);
  process.stdout.write(
    `hostile input: ${[...seen]
      .sort()
      .map(([status, count]) => `${count}×${status}`)
      .join(', ')}\n`,
  );
  expect(difference(before, after)).toEqual({ added: [], removed: [] });
  expect(alive.status).toBe(200);
});
