import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { Authorizers } from '../../local/apigateway/authorizer';
import type { ProxyEvent } from '../../local/apigateway/event';
import type { AuthorizerSpec } from '../../local/apigateway/specs';
import type { InvokeResult } from '../../local/lambda/invocation';
import { fakeContext, lambdaError } from '../support/lambda';
import { claims, nowSeconds, sign, startTestIssuer, stopTestIssuer } from './test-issuer';

// API Gateway caches a TOKEN authorizer's answer by token for the authorizer's TTL (the stack's
// resultsCacheTtl, 300 s), so a cached Allow can outlive the token. The local API Gateway's cache
// (local/apigateway/authorizer.ts) with our real authorizer in front of the handlers' identity check:
// no request is served on an expired token, whatever the cache holds.

type AuthorizerModule = typeof import('../../functions/auth/authorizer');
type IdentityModule = typeof import('../../functions/shared/identity');
let identityOf: IdentityModule['identityOf'];
let authorizerCalls = 0;
let authorizers: Authorizers;

const spec: AuthorizerSpec = {
  id: 'JwtAuthorizer',
  name: 'JwtAuthorizer',
  type: 'TOKEN',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Authorizer',
  identitySources: ['method.request.header.Authorization'],
  ttlSeconds: 300,
};
const methodArn = 'arn:aws:execute-api:us-east-1:000000000000:api123/v1/GET/billing/account';

beforeAll(async () => {
  await startTestIssuer();
  const { handler } = jest.requireActual<AuthorizerModule>('../../functions/auth/authorizer');
  ({ identityOf } = jest.requireActual<IdentityModule>('../../functions/shared/identity'));
  // The authorizer function, invoked in this process, answering as Lambda does (a throw is a function error).
  authorizers = new Authorizers(async (_arn, event): Promise<InvokeResult> => {
    authorizerCalls += 1;
    const requestId = `req-${authorizerCalls}`;
    try {
      return {
        requestId,
        durationMs: 0,
        payload: await handler(event as APIGatewayTokenAuthorizerEvent, fakeContext('Authorizer')),
      };
    } catch (error) {
      return { requestId, durationMs: 0, functionError: 'Unhandled', payload: lambdaError(error) };
    }
  });
});
afterAll(stopTestIssuer);
afterEach(() => jest.useRealTimers());

/** One request through the gateway's authorizer step, then the handler's identity check, as the local cloud runs them. */
const request = async (token: string) => {
  const event = { headers: { authorization: `Bearer ${token}` }, requestContext: {} } as unknown as ProxyEvent;
  const outcome = await authorizers.authorize(spec, methodArn, event);
  if ('response' in outcome) return { gateway: outcome.response.status };
  const proxyEvent = {
    headers: event.headers,
    requestContext: { authorizer: outcome.context },
  } as unknown as APIGatewayProxyEvent;
  return identityOf(proxyEvent).then(
    (identity) => ({ served: identity.userId }),
    (error: { statusCode: number }) => ({ handler: error.statusCode }),
  );
};

/** Moves the clock (Date only: the JWKS server and its timeouts keep real time). */
const travelTo = (epochSeconds: number) => {
  jest.useFakeTimers({
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  jest.setSystemTime(epochSeconds * 1000);
};

test('a token that expires while its Allow is cached is refused by the handler, and by the authorizer once the cache expires', async () => {
  const start = nowSeconds();
  const token = sign(claims({ sub: 'cached-user', iat: start, exp: start + 60 }));
  authorizerCalls = 0;

  const fresh = await request(token);
  const cachedUntil = nowSeconds() + 1 + spec.ttlSeconds;
  travelTo(start + 61);
  const expiredButCached = await request(token);
  const callsWhileCached = authorizerCalls;
  travelTo(cachedUntil);
  const afterTheCache = await request(token);

  expect(fresh).toEqual({ served: 'cached-user' });
  expect(expiredButCached).toEqual({ handler: 401 });
  expect(callsWhileCached).toBe(1);
  expect(afterTheCache).toEqual({ gateway: 401 });
  expect(authorizerCalls).toBe(2);
});

test('a service-account token is cached as an Allow too, and refused by the customer routes with 403', async () => {
  const token = sign(
    claims({
      sub: 'service-1',
      preferred_username: 'service-account-shop-service',
      realm_access: { roles: ['default-roles-shop', 'offline_access', 'uma_authorization'] },
    }),
  );

  await expect(request(token)).resolves.toEqual({ handler: 403 });
});
