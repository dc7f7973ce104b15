import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Forbidden, Unauthorized } from './errors';
import { header } from './http';
import { bearerToken, tokenVerifier, type VerifiedIdentity } from './jwt';
import { logger } from './observability';

export type Identity = VerifiedIdentity;

let verify: ReturnType<typeof tokenVerifier> | undefined;

/** The verifier is built on first use, so public handlers need no issuer configuration. */
const verifier = () => (verify ??= tokenVerifier());

const fromAuthorizerContext = (event: APIGatewayProxyEvent): Identity | undefined => {
  const context: Record<string, unknown> | null | undefined = event.requestContext?.authorizer;
  const sub = context?.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const roles = typeof context?.roles === 'string' ? context.roles.split(',').filter(Boolean) : [];
  const username = typeof context?.username === 'string' ? context.username : sub;
  return { userId: sub, username, roles };
};

/**
 * The caller, from the authorizer's context when API Gateway ran it, or else from the bearer token,
 * verified here (LocalStack's free tier creates authorizers but does not enforce them).
 */
export const identityOf = async (event: APIGatewayProxyEvent): Promise<Identity> => {
  const fromContext = fromAuthorizerContext(event);
  if (fromContext) return fromContext;
  const token = bearerToken(header(event, 'authorization'));
  if (!token) throw new Unauthorized();
  try {
    return await verifier()(token);
  } catch (error) {
    logger.info('Bearer token rejected', { reason: (error as Error).message });
    throw new Unauthorized('The bearer token is invalid or expired');
  }
};

export const requireRole = (identity: Identity, role: string): void => {
  if (!identity.roles.includes(role)) throw new Forbidden(`This needs the role ${role}`);
};
