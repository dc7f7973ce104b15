import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createHmac } from 'node:crypto';
import { CLOCK_SKEW_SECONDS } from '../../functions/shared/jwt';
import { fakeContext } from '../support/lambda';
import { b64, claims, KID, keys, nowSeconds, otherKeys, sign, startTestIssuer, stopTestIssuer } from './test-issuer';

/** The authorizer and the handlers' own check, against a real JWKS served over HTTP on loopback. */
type AuthorizerModule = typeof import('../../functions/auth/authorizer');
type IdentityModule = typeof import('../../functions/shared/identity');
let authorize: (event: APIGatewayTokenAuthorizerEvent) => ReturnType<AuthorizerModule['handler']>;
let identityOf: IdentityModule['identityOf'];

const methodArn = 'arn:aws:execute-api:us-east-1:000000000000:api123/v1/GET/orders';
const tokenEvent = (token: string): APIGatewayTokenAuthorizerEvent => ({
  type: 'TOKEN',
  methodArn,
  authorizationToken: `Bearer ${token}`,
});

beforeAll(async () => {
  await startTestIssuer();
  // Loaded only now, since the modules read ISSUER_URL and AUDIENCE when they load
  // (jest.requireActual is Jest's typed require; nothing is mocked here).
  const { handler } = jest.requireActual<AuthorizerModule>('../../functions/auth/authorizer');
  authorize = (event) => handler(event, fakeContext('authorizer'));
  ({ identityOf } = jest.requireActual<IdentityModule>('../../functions/shared/identity'));
});
afterAll(stopTestIssuer);

test('a valid Keycloak token is allowed, with the identity and its expiry in the context', async () => {
  const token = claims();

  const result = await authorize(tokenEvent(sign(token)));

  expect(result.principalId).toBe('user-1');
  expect(result.policyDocument.Statement).toEqual([
    {
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: 'arn:aws:execute-api:us-east-1:000000000000:api123/v1/*/*',
    },
  ]);
  expect(result.context).toEqual({
    sub: 'user-1',
    username: 'alice',
    roles: 'customer,offline_access',
    exp: token.exp,
  });
});

test.each([
  ['iat', CLOCK_SKEW_SECONDS - 5],
  ['nbf', CLOCK_SKEW_SECONDS - 5],
])('a token whose %s is %i s ahead, within the clock skew, is allowed', async (claim, ahead) => {
  const result = await authorize(tokenEvent(sign(claims({ [claim]: nowSeconds() + ahead }))));

  expect(result.principalId).toBe('user-1');
});

const hs256WithPublicKey = () => {
  const header = b64({ alg: 'HS256', typ: 'JWT', kid: KID });
  const body = b64(claims());
  const secret = keys.publicKey.export({ format: 'pem', type: 'spki' });
  return `${header}.${body}.${createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url')}`;
};

const rejected: [string, () => string][] = [
  ['expired', () => sign(claims({ exp: nowSeconds() - 60 }))],
  ['at its exp', () => sign(claims({ exp: nowSeconds() }))],
  ['without exp', () => sign(claims({ exp: undefined }))],
  ['issued in the future, beyond the clock skew', () => sign(claims({ iat: nowSeconds() + CLOCK_SKEW_SECONDS + 60 }))],
  [
    'not valid before a time beyond the clock skew',
    () => sign(claims({ nbf: nowSeconds() + CLOCK_SKEW_SECONDS + 60 })),
  ],
  ['from another issuer', () => sign(claims({ iss: 'http://evil.example/realms/shop' }))],
  ['for another audience', () => sign(claims({ aud: 'account' }))],
  ["with alg 'none'", () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
  ['HS256-signed with the public key', hs256WithPublicKey],
  [
    'with a tampered payload',
    () => {
      const [header, , signature] = sign(claims()).split('.');
      return `${header}.${b64(claims({ sub: 'admin' }))}.${signature}`;
    },
  ],
  ['signed by an unknown key id', () => sign(claims(), { key: otherKeys.privateKey, kid: 'unknown-kid' })],
  ['signed by another key under our key id', () => sign(claims(), { key: otherKeys.privateKey })],
  ['not a JWT at all', () => 'not-a-jwt'],
];

test.each(rejected)('a token %s is rejected as Unauthorized', async (_, token) => {
  await expect(authorize(tokenEvent(token()))).rejects.toThrow('Unauthorized');
});

test('a missing or non-Bearer header is rejected', async () => {
  await expect(authorize({ type: 'TOKEN', methodArn, authorizationToken: '' })).rejects.toThrow('Unauthorized');
  await expect(authorize({ type: 'TOKEN', methodArn, authorizationToken: `Basic ${sign(claims())}` })).rejects.toThrow(
    'Unauthorized',
  );
});

/** The realm roles of a `shop-service` client-credentials token, as Keycloak 26 issues it. */
const SERVICE_ACCOUNT_ROLES = ['default-roles-shop', 'offline_access', 'uma_authorization'];

const apiEvent = (headers: Record<string, string>, authorizer?: Record<string, unknown>) =>
  ({ headers, requestContext: { authorizer } }) as unknown as APIGatewayProxyEvent;

describe('handlers verify the token themselves when no authorizer ran (LocalStack free tier)', () => {
  test('a valid bearer token gives the identity', async () => {
    const token = claims();

    await expect(identityOf(apiEvent({ authorization: `Bearer ${sign(token)}` }))).resolves.toEqual({
      userId: 'user-1',
      username: 'alice',
      roles: ['customer', 'offline_access'],
      expiresAt: token.exp,
    });
  });

  test.each(rejected)('a token %s is answered 401', async (_, token) => {
    await expect(identityOf(apiEvent({ Authorization: `Bearer ${token()}` }))).rejects.toMatchObject({
      statusCode: 401,
    });
  });

  test('no token is answered 401', async () => {
    await expect(identityOf(apiEvent({}))).rejects.toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });
});

describe("the authorizer's context, which API Gateway may serve from its cache after the token expired", () => {
  test('is trusted while its exp is ahead, with exp as a number or as the string API Gateway may pass on', async () => {
    const exp = nowSeconds() + 60;

    for (const given of [exp, String(exp)]) {
      await expect(
        identityOf(apiEvent({}, { sub: 'u2', username: 'bob', roles: 'customer', exp: given })),
      ).resolves.toEqual({
        userId: 'u2',
        username: 'bob',
        roles: ['customer'],
        expiresAt: exp,
      });
    }
  });

  test.each([
    ['has passed', nowSeconds() - 1],
    ['is now', nowSeconds()],
    ['is missing', undefined],
    ['is not a number', 'soon'],
  ])("is answered 401 when the token's exp %s", async (_, exp) => {
    const event = apiEvent({}, { sub: 'u2', username: 'bob', roles: 'customer', exp });

    await expect(identityOf(event)).rejects.toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });
});

describe('roles: customer routes ask for customer, PUT /products for admin', () => {
  test("a service account's token (client credentials: Keycloak's default roles, no customer) is 403 on customer routes", async () => {
    const serviceToken = sign(
      claims({
        sub: 'service-1',
        azp: 'shop-service',
        preferred_username: 'service-account-shop-service',
        realm_access: { roles: SERVICE_ACCOUNT_ROLES },
      }),
    );
    const context = {
      sub: 'service-1',
      username: 'service-account-shop-service',
      roles: SERVICE_ACCOUNT_ROLES.join(','),
      exp: nowSeconds() + 60,
    };

    await expect(identityOf(apiEvent({ authorization: `Bearer ${serviceToken}` }))).rejects.toMatchObject({
      statusCode: 403,
      code: 'FORBIDDEN',
    });
    await expect(identityOf(apiEvent({}, context))).rejects.toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
  });

  test('a customer is 403 where admin is asked for; an admin passes', async () => {
    const customer = sign(claims());
    const admin = sign(claims({ realm_access: { roles: ['admin', 'customer'] } }));

    await expect(identityOf(apiEvent({ authorization: `Bearer ${customer}` }), 'admin')).rejects.toMatchObject({
      statusCode: 403,
      code: 'FORBIDDEN',
    });
    await expect(identityOf(apiEvent({ authorization: `Bearer ${admin}` }), 'admin')).resolves.toMatchObject({
      roles: ['admin', 'customer'],
    });
  });

  test('an expired token is 401 before its roles are looked at', async () => {
    const context = { sub: 'service-1', roles: SERVICE_ACCOUNT_ROLES.join(','), exp: nowSeconds() - 1 };

    await expect(identityOf(apiEvent({}, context))).rejects.toMatchObject({ statusCode: 401 });
  });
});

test('the fake context helper is wired for handlers', () => {
  expect(fakeContext('x').getRemainingTimeInMillis()).toBeGreaterThan(0);
});
