import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Forbidden, Unauthorized } from './errors';
import { header } from './http';
import { bearerToken, expired, tokenVerifier, type VerifiedIdentity } from './jwt';
import { logger } from './observability';

export type Identity = VerifiedIdentity;

/** The realm roles the routes ask for: every shopper is a `customer`; the catalogue's admins are `admin`. */
export type Role = 'customer' | 'admin';

let verify: ReturnType<typeof tokenVerifier> | undefined;

/** The verifier is built on first use, so public handlers need no issuer configuration. */
const verifier = () => (verify ??= tokenVerifier());

/** The authorizer's context (its values may arrive as strings: `exp` is read as a number either way). */
const fromAuthorizerContext = (event: APIGatewayProxyEvent): Identity | undefined => {
  const context: Record<string, unknown> | null | undefined = event.requestContext?.authorizer;
  const sub = context?.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const roles = typeof context?.roles === 'string' ? context.roles.split(',').filter(Boolean) : [];
  const username = typeof context?.username === 'string' ? context.username : sub;
  return { userId: sub, username, roles, expiresAt: Number(context?.exp) };
};

/** The bearer token, verified here: LocalStack's free tier creates authorizers but does not enforce them. */
const fromBearerToken = async (event: APIGatewayProxyEvent): Promise<Identity> => {
  const token = bearerToken(header(event, 'authorization'));
  if (!token) throw new Unauthorized();
  try {
    return await verifier()(token);
  } catch (error) {
    logger.info('Bearer token rejected', { reason: (error as Error).message });
    throw new Unauthorized('The bearer token is invalid or expired');
  }
};

/**
 * The caller, from the authorizer's context when API Gateway ran it, or else from the bearer token; it
 * must hold `role`. API Gateway caches the authorizer's answer by token for up to its TTL, so the
 * token's `exp` is checked here on every request: an expired token is refused whatever the cache.
 */
export const identityOf = async (event: APIGatewayProxyEvent, role: Role = 'customer'): Promise<Identity> => {
  const identity = fromAuthorizerContext(event) ?? (await fromBearerToken(event));
  if (expired(identity.expiresAt)) throw new Unauthorized('The bearer token has expired');
  if (!identity.roles.includes(role)) throw new Forbidden(`This needs the role ${role}`);
  return identity;
};
