import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { match } from '../support/matchers';
import { api, newKey, target, uniqueSku } from './support';

// A token that is valid but not a shopper's, over HTTP: the `shop-service` client's service account
// (client credentials). Keycloak gives it the realm's default roles, and `customer` is no longer one.

interface RealmFile {
  realm: string;
  clients: { clientId: string; secret?: string }[];
}
const realm = JSON.parse(readFileSync(join(__dirname, '..', '..', 'keycloak', 'realm-shop.json'), 'utf8')) as RealmFile;
const { secret } = realm.clients.find((c) => c.clientId === 'shop-service')!;

/** What these tests read of a token's claims. */
interface Claims {
  aud: string | string[];
  azp: string;
  preferred_username: string;
  realm_access: { roles: string[] };
}
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Claims;

let serviceToken: string;

beforeAll(async () => {
  const response = await fetch(`${target().issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`shop-service:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token)
    throw new Error(`No service account token: HTTP ${response.status} ${JSON.stringify(body)}`);
  serviceToken = body.access_token;
});

test("a service account's token is for the API, with Keycloak's default roles and neither customer nor admin", () => {
  const claims = claimsOf(serviceToken);

  expect([claims.aud].flat()).toContain('shop-api');
  expect(claims).toMatchObject({ azp: 'shop-service', preferred_username: 'service-account-shop-service' });
  expect(claims.realm_access.roles).toEqual(
    expect.arrayContaining([`default-roles-${realm.realm}`, 'offline_access', 'uma_authorization']),
  );
  expect(claims.realm_access.roles).not.toContain('customer');
  expect(claims.realm_access.roles).not.toContain('admin');
});

test.each([
  ['GET', '/billing/account', undefined],
  ['POST', '/billing/account/deposit', { amount: 100 }],
  [
    'POST',
    '/orders',
    { items: [{ sku: 'TEA-01', quantity: 1 }], delivery: { slotId: 'any', address: '1 Test Street' } },
  ],
  ['GET', '/orders', undefined],
  ['GET', '/orders/00000000-0000-0000-0000-000000000000', undefined],
  ['GET', '/notifications', undefined],
  ['PUT', `/products/${uniqueSku()}`, { name: 'x', price: 100, stock: 1 }],
])("%s %s with a service account's token is 403 in the contract's error shape", async (method, path, body) => {
  const { status, body: error } = await api(method, path, {
    token: serviceToken,
    body,
    headers: { 'Idempotency-Key': newKey() },
  });

  expect(status).toBe(403);
  expect(error).toEqual({ error: 'FORBIDDEN', message: match.any(String) });
});
