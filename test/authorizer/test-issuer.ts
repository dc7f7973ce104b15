import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Keycloak's signing side, for the verifier's tests: an RS256 key whose JWKS is served over HTTP on
 * loopback at Keycloak's path, and tokens signed with whatever claims a test needs.
 */
export const KID = 'test-key';
export const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

let server: Server | undefined;
let issuerUrl = '';

export const issuer = (): string => issuerUrl;

export const b64 = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

export const sign = (
  claims: Record<string, unknown>,
  options: { key?: KeyObject; kid?: string; alg?: string } = {},
) => {
  const header = { alg: options.alg ?? 'RS256', typ: 'JWT', kid: options.kid ?? KID };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = createSign('RSA-SHA256')
    .update(input)
    .sign(options.key ?? keys.privateKey);
  return `${input}.${b64(signature)}`;
};

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A customer's access token claims as Keycloak issues them, with `overrides` (undefined removes a claim). */
export const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const now = nowSeconds();
  const all: Record<string, unknown> = {
    iss: issuerUrl,
    aud: ['shop-api', 'account'],
    sub: 'user-1',
    azp: 'shop-cli',
    preferred_username: 'alice',
    realm_access: { roles: ['customer', 'offline_access'] },
    iat: now,
    exp: now + 300,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
};

/** Serves the JWKS and points the functions' configuration (ISSUER_URL, AUDIENCE) at it. */
export const startTestIssuer = async (): Promise<void> => {
  const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  const listening = createServer((req, res) => {
    if (req.url === '/realms/shop/protocol/openid-connect/certs') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  server = listening;
  issuerUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/realms/shop`;
  process.env.ISSUER_URL = issuerUrl;
  process.env.AUDIENCE = 'shop-api';
};

export const stopTestIssuer = (): Promise<void> =>
  new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
