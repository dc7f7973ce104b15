import type { HttpRequest, HttpResponse } from '../http/messages';
import { type Invoke, Authorizers } from './authorizer';
import { type ProxyEvent, proxyEvent } from './event';
import { BAD_REQUEST, isGatewayError, MISSING_TOKEN, proxyResponse, reword, TIMED_OUT, TOO_LARGE } from './responses';
import { matchRoute, type Route } from './router';
import { endStageSpan, type StageTracing, stageTracing, startStageSpan, tracedInvoke } from './tracing';
import type { ActiveSpan } from '../xray/tracer';

/** Lambda's limit on a synchronous invocation's event: a larger request cannot reach the function. */
const LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024;
import type { RestApiSpec } from './specs';

/** One request a stage answered, as API Gateway's metrics count it (AWS/ApiGateway). */
export interface ApiCallRecord {
  apiName: string;
  stage: string;
  method: string;
  status: number;
  latencyMs: number;
  /** How long the integration took, when the request reached one. */
  integrationLatencyMs?: number;
}

/** What a request's dispatch tells its caller: the integration's time, the resource path it matched. */
interface Timing {
  integrationMs?: number;
  route?: string;
}

/**
 * One deployed REST API stage, served locally. A request goes through the same pipeline as on API
 * Gateway: route (router.ts), MOCK integration (CORS preflight), Lambda authorizer (authorizer.ts),
 * the v1 proxy event (event.ts), the Lambda proxy integration, and API Gateway's own refusals
 * reworded by the API's gateway responses (responses.ts).
 */
export class RestApiGateway {
  private readonly authorizers: Authorizers;
  /** Told of every request the stage answers (the local CloudWatch's AWS/ApiGateway metrics). */
  onCall?: (call: ApiCallRecord) => void;
  /** How the stage traces (stage span, authorizer and integration spans); by default it passes headers through. */
  tracing: StageTracing;

  constructor(
    readonly spec: RestApiSpec,
    readonly stage: string,
    private readonly invoke: Invoke,
    private readonly account: { region: string; accountId: string },
    /** False runs no authorizer, as LocalStack's free tier does; the handlers then verify tokens themselves. */
    private readonly enforceAuthorizers = true,
    /** API Gateway's maximum integration timeout for a REST API: 29 s, then 504. */
    private readonly integrationTimeoutMs = 29_000,
  ) {
    this.authorizers = new Authorizers(invoke);
    this.tracing = stageTracing(undefined, spec, stage, account.region);
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    const timing: Timing = {};
    const span = startStageSpan(this.tracing, `${this.spec.name}/${this.stage}`, request);
    const answered = this.answer(await this.dispatch(request, timing, span));
    const response = endStageSpan(this.tracing, span, answered, timing.route);
    const latencyMs = performance.now() - started;
    this.onCall?.({
      apiName: this.spec.name,
      stage: this.stage,
      method: request.method,
      status: response.status,
      latencyMs,
      ...(timing.integrationMs !== undefined && { integrationLatencyMs: timing.integrationMs }),
    });
    return response;
  }

  /** A response as the client gets it: API Gateway's own refusals reworded by the API's gateway responses. */
  answer(response: HttpResponse): HttpResponse {
    return isGatewayError(response) ? reword(response, this.spec.gatewayResponses) : response;
  }

  private async dispatch(request: HttpRequest, timing: Timing, span: ActiveSpan): Promise<HttpResponse> {
    let route: Route | undefined;
    try {
      route = matchRoute(this.spec.resources, request.path);
    } catch {
      return BAD_REQUEST('The path has a malformed percent-encoding');
    }
    const method = route && (route.resource.methods.get(request.method) ?? route.resource.methods.get('ANY'));
    if (!route || !method) return MISSING_TOKEN();
    timing.route = route.resource.path;
    if (method.integration.type === 'MOCK') {
      return { status: method.integration.statusCode, headers: { ...method.integration.headers }, body: '' };
    }
    const event = proxyEvent(request, route, {
      accountId: this.account.accountId,
      apiId: this.spec.id,
      stage: this.stage,
    });
    if (this.enforceAuthorizers && method.authorizationType === 'CUSTOM' && method.authorizer) {
      const methodArn = `arn:aws:execute-api:${this.account.region}:${this.account.accountId}:${this.spec.id}/${this.stage}/${request.method}${request.path === '/' ? '/' : request.path}`;
      const outcome = await this.authorizers.authorize(
        method.authorizer,
        methodArn,
        event,
        tracedInvoke(this.invoke, this.tracing, span, 'authorizer'),
      );
      if ('response' in outcome) return outcome.response;
      event.requestContext.authorizer = outcome.context;
    }
    if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_PAYLOAD_LIMIT) return TOO_LARGE();
    return this.integrate(method.integration.functionArn, event, timing, span);
  }

  /** The Lambda proxy integration, bounded by API Gateway's integration timeout (the function goes on running). */
  private async integrate(
    functionArn: string,
    event: ProxyEvent,
    timing: Timing,
    span: ActiveSpan,
  ): Promise<HttpResponse> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<HttpResponse>(
      (resolve) => (timer = setTimeout(() => resolve(TIMED_OUT()), this.integrationTimeoutMs)),
    );
    const invoked = tracedInvoke(
      this.invoke,
      this.tracing,
      span,
      'integration',
    )(functionArn, event).then(proxyResponse);
    try {
      return await Promise.race([invoked, timeout]);
    } finally {
      clearTimeout(timer);
      timing.integrationMs = performance.now() - started;
    }
  }
}
