import type { HttpRequest, HttpResponse } from '../http/server';
import { type Invoke, Authorizers } from './authorizer';
import { proxyEvent } from './event';
import { isGatewayError, MISSING_TOKEN, proxyResponse, reword } from './responses';
import { matchRoute } from './router';
import type { RestApiSpec } from './specs';

/**
 * One deployed REST API stage, served locally. A request goes through the same pipeline as on API
 * Gateway: route (router.ts), MOCK integration (CORS preflight), Lambda authorizer (authorizer.ts),
 * the v1 proxy event (event.ts), the Lambda proxy integration, and API Gateway's own refusals
 * reworded by the API's gateway responses (responses.ts).
 */
export class RestApiGateway {
  private readonly authorizers: Authorizers;

  constructor(
    readonly spec: RestApiSpec,
    readonly stage: string,
    private readonly invoke: Invoke,
    private readonly account: { region: string; accountId: string },
    /** False runs no authorizer, as LocalStack's free tier does; the handlers then verify tokens themselves. */
    private readonly enforceAuthorizers = true,
  ) {
    this.authorizers = new Authorizers(invoke);
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    const response = await this.dispatch(request);
    return isGatewayError(response) ? reword(response, this.spec.gatewayResponses) : response;
  }

  private async dispatch(request: HttpRequest): Promise<HttpResponse> {
    const route = matchRoute(this.spec.resources, request.path);
    const method = route && (route.resource.methods.get(request.method) ?? route.resource.methods.get('ANY'));
    if (!route || !method) return MISSING_TOKEN();
    if (method.integration.type === 'MOCK') {
      return { status: method.integration.statusCode, headers: { ...method.integration.headers }, body: '' };
    }
    const event = proxyEvent(request, route, { accountId: this.account.accountId, apiId: this.spec.id, stage: this.stage });
    if (this.enforceAuthorizers && method.authorizationType === 'CUSTOM' && method.authorizer) {
      const methodArn = `arn:aws:execute-api:${this.account.region}:${this.account.accountId}:${this.spec.id}/${this.stage}/${request.method}${request.path === '/' ? '/' : request.path}`;
      const outcome = await this.authorizers.authorize(method.authorizer, methodArn, event);
      if ('response' in outcome) return outcome.response;
      event.requestContext.authorizer = outcome.context;
    }
    return proxyResponse(await this.invoke(method.integration.functionArn, event));
  }
}
