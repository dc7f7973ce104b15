import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { bearerToken, tokenVerifier } from '#shared/jwt';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/handler';

const verify = tokenVerifier();

/** Allows every method of the stage, so a cached decision serves all routes for the token's lifetime. */
const stageWildcard = (methodArn: string): string => {
  // arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path}
  const [apiArn, stage] = methodArn.split('/') as [string, string];
  return `${apiArn}/${stage}/*/*`;
};

/**
 * API Gateway TOKEN authorizer: verifies the Keycloak access token and passes the identity to the
 * handlers. Throwing "Unauthorized" is how API Gateway is told to answer 401.
 */
export const handler = taskHandler(
  async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const token = bearerToken(event.authorizationToken);
    if (!token) throw new Error('Unauthorized');
    try {
      const identity = await verify(token);
      return {
        principalId: identity.userId,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageWildcard(event.methodArn) }],
        },
        // The token's exp goes with the identity: API Gateway serves this answer from its cache for up to
        // the authorizer's TTL, possibly past the token's expiry, and the handlers refuse it then.
        context: {
          sub: identity.userId,
          username: identity.username,
          roles: identity.roles.join(','),
          exp: identity.expiresAt,
        },
      };
    } catch (error) {
      logger.info('Token rejected', { reason: (error as Error).message });
      throw new Error('Unauthorized', { cause: error });
    }
  },
);
