import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { env, envOr } from './config';

export interface TokenVerifierConfig {
  issuer: string;
  audience: string;
  /** Where to fetch the JWKS; defaults to Keycloak's certs endpoint under the issuer. */
  jwksUri?: string;
}

export interface VerifiedIdentity {
  userId: string;
  username: string;
  roles: string[];
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}

/** Only RS256: Keycloak's default, and the only algorithm our realm signs with. */
const ALLOWED_ALGORITHMS = new Set(['RS256']);

/**
 * How far in the future a token's `iat` or `nbf` may be, in seconds: the issuer's clock may run a little
 * ahead of ours. Lambda and Keycloak hosts keep NTP time (well under a second apart); 30 s also covers a
 * laptop or VM clock that drifted, and stays small beside the realm's 900 s token lifespan.
 */
export const CLOCK_SKEW_SECONDS = 30;

/** True when `exp` is missing, or not in the future: a token is refused from its `exp` on (RFC 7519, 4.1.4). */
export const expired = (exp: unknown, nowSeconds = Date.now() / 1000): boolean =>
  typeof exp !== 'number' || !Number.isFinite(exp) || nowSeconds >= exp;

/**
 * The time checks aws-jwt-verify leaves to us. It checks `exp` and `nbf` only when they are present (with
 * its graceSeconds, our skew, on both) and `iat` not at all. Here `exp` is required and gets no grace,
 * and an `iat` beyond the skew is refused like a future `nbf`.
 */
const checkTimes = ({ payload }: { payload: JwtPayload }): void => {
  const now = Date.now() / 1000;
  if (expired(payload.exp, now)) throw new Error(payload.exp === undefined ? 'Token has no exp' : 'Token has expired');
  if (payload.iat !== undefined && payload.iat > now + CLOCK_SKEW_SECONDS)
    throw new Error('Token is issued in the future');
};

/**
 * aws-jwt-verify's default fetcher speaks HTTPS only; Keycloak in dev mode and the local issuer
 * serve plain HTTP, so the JWKS is fetched with the runtime's fetch, bounded in time and size.
 */
class JwksFetcher implements Fetcher {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`JWKS fetch failed with HTTP ${response.status}`);
    const body = await response.arrayBuffer();
    if (body.byteLength > 64 * 1024) throw new Error('JWKS response is too large');
    return body;
  }
}

export const keycloakJwksUri = (issuer: string): string => `${issuer.replace(/\/$/, '')}/protocol/openid-connect/certs`;

/**
 * Creates a verifier that checks the algorithm, the signature (against the cached JWKS), issuer,
 * audience, `exp` (required), `iat` and `nbf`, and returns the caller's identity from Keycloak's claims.
 */
export const createTokenVerifier = ({ issuer, audience, jwksUri }: TokenVerifierConfig) => {
  const verifier = JwtVerifier.create(
    {
      issuer,
      audience,
      jwksUri: jwksUri ?? keycloakJwksUri(issuer),
      graceSeconds: CLOCK_SKEW_SECONDS,
      customJwtCheck: checkTimes,
    },
    { jwksCache: new SimpleJwksCache({ fetcher: new JwksFetcher() }) },
  );

  return async (token: string): Promise<VerifiedIdentity> => {
    const { header } = decomposeUnverifiedJwt(token);
    if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.has(header.alg))
      throw new Error(`Algorithm ${String(header.alg)} is not allowed`);
    const payload = await verifier.verify(token);
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('Token has no subject');
    const realmAccess = payload.realm_access as { roles?: unknown } | undefined;
    const roles = Array.isArray(realmAccess?.roles)
      ? realmAccess.roles.filter((r): r is string => typeof r === 'string')
      : [];
    const username = typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub;
    return { userId: payload.sub, username, roles, expiresAt: payload.exp! };
  };
};

/**
 * The verifier for this deployment's issuer, configured from the environment the stack gives the
 * authorizer and the API functions alike: ISSUER_URL, AUDIENCE and, where the JWKS is not at
 * Keycloak's usual place, JWKS_URI. Each call builds a verifier (with its own JWKS cache): call it once.
 */
export const tokenVerifier = () =>
  createTokenVerifier({
    issuer: env('ISSUER_URL'),
    audience: env('AUDIENCE'),
    jwksUri: envOr('JWKS_URI', '') || undefined,
  });

/** The token of an `Authorization: Bearer <token>` value (scheme case-insensitive), or undefined. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
