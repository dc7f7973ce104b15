import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeContext } from '../support/lambda';

/** The authorizer and the handlers' own check, against a real JWKS served over HTTP on loopback. */
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'test-key';
let server: Server;
let issuer: string;
type AuthorizerModule = typeof import('../../functions/auth/authorizer');
type IdentityModule = typeof import('../../functions/shared/identity');
let authorize: (event: APIGatewayTokenAuthorizerEvent) => ReturnType<AuthorizerModule['handler']>;
let identityOf: IdentityModule['identityOf'];

const b64 = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

const sign = (claims: Record<string, unknown>, options: { key?: KeyObject; kid?: string; alg?: string } = {}) => {
  const header = { alg: options.alg ?? 'RS256', typ: 'JWT', kid: options.kid ?? KID };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(options.key ?? keys.privateKey);
  return `${input}.${b64(signature)}`;
};

const claims = (overrides: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    aud: ['shop-api', 'account'],
    sub: 'user-1',
    azp: 'shop-cli',
    preferred_username: 'alice',
    realm_access: { roles: ['customer', 'offline_access'] },
    iat: now,
    exp: now + 300,
    ...overrides,
  };
};

const methodArn = 'arn:aws:execute-api:us-east-1:000000000000:api123/v1/GET/orders';
const tokenEvent = (token: string): APIGatewayTokenAuthorizerEvent => ({ type: 'TOKEN', methodArn, authorizationToken: `Bearer ${token}` });

beforeAll(async () => {
  const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    if (req.url === '/realms/shop/protocol/openid-connect/certs') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/shop`;
  process.env.ISSUER_URL = issuer;
  process.env.AUDIENCE = 'shop-api';
  // Loaded only now, since the modules read ISSUER_URL and AUDIENCE when they load
  // (jest.requireActual is Jest's typed require; nothing is mocked here).
  const { handler } = jest.requireActual<AuthorizerModule>('../../functions/auth/authorizer');
  authorize = (event) => handler(event, fakeContext('authorizer'));
  ({ identityOf } = jest.requireActual<IdentityModule>('../../functions/shared/identity'));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

test('a valid Keycloak token is allowed, with the identity in the context', async () => {
  const result = await authorize(tokenEvent(sign(claims())));

  expect(result.principalId).toBe('user-1');
  expect(result.policyDocument.Statement).toEqual([
    { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:000000000000:api123/v1/*/*' },
  ]);
  expect(result.context).toEqual({ sub: 'user-1', username: 'alice', roles: 'customer,offline_access' });
});

const hs256WithPublicKey = () => {
  const header = b64({ alg: 'HS256', typ: 'JWT', kid: KID });
  const body = b64(claims());
  const secret = keys.publicKey.export({ format: 'pem', type: 'spki' });
  return `${header}.${body}.${createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url')}`;
};

const rejected: [string, () => string][] = [
  ['expired', () => sign(claims({ exp: Math.floor(Date.now() / 1000) - 60 }))],
  ['from another issuer', () => sign(claims({ iss: 'http://evil.example/realms/shop' }))],
  ['for another audience', () => sign(claims({ aud: 'account' }))],
  ["with alg 'none'", () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
  ['HS256-signed with the public key', hs256WithPublicKey],
  ['with a tampered payload', () => {
    const [header, , signature] = sign(claims()).split('.');
    return `${header}.${b64(claims({ sub: 'admin' }))}.${signature}`;
  }],
  ['signed by an unknown key id', () => sign(claims(), { key: otherKeys.privateKey, kid: 'unknown-kid' })],
  ['signed by another key under our key id', () => sign(claims(), { key: otherKeys.privateKey })],
  ['not a JWT at all', () => 'not-a-jwt'],
];

test.each(rejected)('a token %s is rejected as Unauthorized', async (_, token) => {
  await expect(authorize(tokenEvent(token()))).rejects.toThrow('Unauthorized');
});

test('a missing or non-Bearer header is rejected', async () => {
  await expect(authorize({ type: 'TOKEN', methodArn, authorizationToken: '' })).rejects.toThrow('Unauthorized');
  await expect(authorize({ type: 'TOKEN', methodArn, authorizationToken: `Basic ${sign(claims())}` })).rejects.toThrow('Unauthorized');
});

describe('handlers verify the token themselves when no authorizer ran (LocalStack free tier)', () => {
  const apiEvent = (headers: Record<string, string>, authorizer?: Record<string, string>) =>
    ({ headers, requestContext: { authorizer } }) as unknown as APIGatewayProxyEvent;

  test('a valid bearer token gives the identity', async () => {
    await expect(identityOf(apiEvent({ authorization: `Bearer ${sign(claims())}` }))).resolves.toEqual({
      userId: 'user-1',
      username: 'alice',
      roles: ['customer', 'offline_access'],
    });
  });

  test('an authorizer context is trusted as it is', async () => {
    await expect(identityOf(apiEvent({}, { sub: 'u2', username: 'bob', roles: 'customer' }))).resolves.toEqual({ userId: 'u2', username: 'bob', roles: ['customer'] });
  });

  test.each(rejected)('a token %s is answered 401', async (_, token) => {
    await expect(identityOf(apiEvent({ Authorization: `Bearer ${token()}` }))).rejects.toMatchObject({ statusCode: 401 });
  });

  test('no token is answered 401', async () => {
    await expect(identityOf(apiEvent({}))).rejects.toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });
});

test('the fake context helper is wired for handlers', () => {
  expect(fakeContext('x').getRemainingTimeInMillis()).toBeGreaterThan(0);
});
