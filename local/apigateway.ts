import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { InvokeResult } from './lambda/runtime';
import type { StackModel } from './template';

interface AuthorizerSpec {
  id: string;
  name: string;
  type: 'TOKEN' | 'REQUEST';
  functionArn: string;
  identitySources: string[];
  ttlSeconds: number;
  validationExpression?: RegExp;
}

interface MethodSpec {
  httpMethod: string;
  authorizationType: string;
  authorizer?: AuthorizerSpec;
  integration: { type: 'AWS_PROXY'; functionArn: string } | { type: 'MOCK'; statusCode: number; headers: Record<string, string> };
}

interface ResourceSpec {
  id: string;
  /** `/orders/{orderId}` */
  path: string;
  segments: string[];
  methods: Map<string, MethodSpec>;
}

/** An AWS::ApiGateway::GatewayResponse: how API Gateway words one kind of its own refusals. */
export interface GatewayResponseSpec {
  status?: number;
  headers: Record<string, string>;
  template?: string;
}

export interface RestApiSpec {
  id: string;
  name: string;
  stages: string[];
  resources: ResourceSpec[];
  /** By response type: UNAUTHORIZED, ACCESS_DENIED, DEFAULT_4XX … */
  gatewayResponses: Map<string, GatewayResponseSpec>;
}

export interface HttpRequest {
  method: string;
  /** The path below the stage, e.g. `/orders/123`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}

export type Invoke = (functionArn: string, event: unknown) => Promise<InvokeResult>;

const functionArnOf = (uri: unknown): string => {
  const match = /\/functions\/(.+)\/invocations$/.exec(String(uri));
  if (!match) throw new Error(`Unsupported integration URI ${String(uri)}`);
  return match[1]!;
};

/** The REST APIs of the template: resources by path, methods, integrations, authorizers and stages. */
export const restApiSpecs = (model: StackModel): RestApiSpec[] =>
  model.ofType('AWS::ApiGateway::RestApi').map(([apiLogicalId]) => {
    const apiId = model.ref(apiLogicalId);
    const belongs = (p: Record<string, any>) => model.resolve(p.RestApiId) === apiId;
    const authorizers = new Map<string, AuthorizerSpec>();
    for (const [logicalId, resource] of model.ofType('AWS::ApiGateway::Authorizer')) {
      const p = resource.Properties ?? {};
      if (!belongs(p)) continue;
      const type = String(p.Type);
      if (type !== 'TOKEN' && type !== 'REQUEST') throw new Error(`Authorizer ${logicalId}: type ${type} is not supported locally`);
      authorizers.set(model.ref(logicalId), {
        id: model.ref(logicalId),
        name: String(model.resolve(p.Name ?? logicalId)),
        type,
        functionArn: functionArnOf(model.resolve(p.AuthorizerUri)),
        identitySources: String(p.IdentitySource ?? '').split(',').map((s) => s.trim()).filter(Boolean),
        ttlSeconds: Number(p.AuthorizerResultTtlInSeconds ?? 300),
        ...(p.IdentityValidationExpression && { validationExpression: new RegExp(`^(?:${p.IdentityValidationExpression})$`) }),
      });
    }
    const rootId = String(model.getAtt(apiLogicalId, 'RootResourceId'));
    const parts = new Map<string, { parent: string; part: string }>();
    for (const [logicalId, resource] of model.ofType('AWS::ApiGateway::Resource')) {
      const p = resource.Properties ?? {};
      if (belongs(p)) parts.set(model.ref(logicalId), { parent: String(model.resolve(p.ParentId)), part: String(p.PathPart) });
    }
    const pathOf = (id: string): string => {
      if (id === rootId) return '';
      const entry = parts.get(id);
      if (!entry) throw new Error(`API resource ${id} is not in the template`);
      return `${pathOf(entry.parent)}/${entry.part}`;
    };
    const resources = new Map<string, ResourceSpec>();
    const resourceFor = (id: string) => {
      let spec = resources.get(id);
      if (!spec) {
        const path = pathOf(id) || '/';
        spec = { id, path, segments: path.split('/').filter(Boolean), methods: new Map() };
        resources.set(id, spec);
      }
      return spec;
    };
    for (const [logicalId, resource] of model.ofType('AWS::ApiGateway::Method')) {
      const p = resource.Properties ?? {};
      if (!belongs(p)) continue;
      const integration = p.Integration ?? {};
      const authorizerId = p.AuthorizerId ? String(model.resolve(p.AuthorizerId)) : undefined;
      let spec: MethodSpec['integration'];
      if (integration.Type === 'AWS_PROXY') spec = { type: 'AWS_PROXY', functionArn: functionArnOf(model.resolve(integration.Uri)) };
      else if (integration.Type === 'MOCK') {
        const response = (integration.IntegrationResponses ?? [])[0] ?? {};
        const headers = Object.fromEntries(
          Object.entries<string>(response.ResponseParameters ?? {})
            .filter(([key]) => key.startsWith('method.response.header.'))
            .map(([key, value]) => [key.slice('method.response.header.'.length), String(value).replace(/^'(.*)'$/, '$1')]),
        );
        spec = { type: 'MOCK', statusCode: Number(response.StatusCode ?? 200), headers };
      } else throw new Error(`Method ${logicalId}: integration type ${String(integration.Type)} is not supported locally`);
      const resourceId = p.ResourceId ? String(model.resolve(p.ResourceId)) : rootId;
      resourceFor(resourceId).methods.set(String(p.HttpMethod), {
        httpMethod: String(p.HttpMethod),
        authorizationType: String(p.AuthorizationType ?? 'NONE'),
        ...(authorizerId && { authorizer: authorizers.get(authorizerId) }),
        integration: spec,
      });
    }
    const stages = model
      .ofType('AWS::ApiGateway::Stage')
      .filter(([, r]) => belongs(r.Properties ?? {}))
      .map(([, r]) => String(model.resolve(r.Properties!.StageName)));
    const gatewayResponses = new Map<string, GatewayResponseSpec>();
    for (const [, resource] of model.ofType('AWS::ApiGateway::GatewayResponse')) {
      const p = resource.Properties ?? {};
      if (!belongs(p)) continue;
      const parameters = (model.resolve(p.ResponseParameters ?? {}) ?? {}) as Record<string, string>;
      const headers = Object.fromEntries(
        Object.entries(parameters)
          .filter(([name]) => name.startsWith('gatewayresponse.header.'))
          .map(([name, value]) => [name.slice('gatewayresponse.header.'.length).toLowerCase(), String(value).replace(/^'(.*)'$/, '$1')]),
      );
      const templates = (model.resolve(p.ResponseTemplates ?? {}) ?? {}) as Record<string, string>;
      gatewayResponses.set(String(p.ResponseType), {
        ...(p.StatusCode !== undefined && { status: Number(model.resolve(p.StatusCode)) }),
        headers,
        template: templates['application/json'],
      });
    }
    return { id: apiId, name: model.physicalName(apiLogicalId), stages, resources: [...resources.values()], gatewayResponses };
  });

/** One of API Gateway's own refusals, before the API's gateway responses reword it. */
interface GatewayError extends HttpResponse {
  gateway: { type: string; message: string | null };
}

/** API Gateway's own error responses, with its default bodies. */
const gatewayError = (type: string, status: number, key: 'message' | 'Message', message: string | null, errorType: string): GatewayError => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType },
  body: JSON.stringify({ [key]: message }),
  gateway: { type, message },
});
const MISSING_TOKEN = () => gatewayError('MISSING_AUTHENTICATION_TOKEN', 403, 'message', 'Missing Authentication Token', 'MissingAuthenticationTokenException');
const UNAUTHORIZED = () => gatewayError('UNAUTHORIZED', 401, 'message', 'Unauthorized', 'UnauthorizedException');
const DENIED = () => gatewayError('ACCESS_DENIED', 403, 'Message', 'User is not authorized to access this resource with an explicit deny', 'AccessDeniedException');
const NOT_ALLOWED = () => gatewayError('ACCESS_DENIED', 403, 'Message', 'User is not authorized to access this resource', 'AccessDeniedException');
const AUTHORIZER_FAILED = () => gatewayError('AUTHORIZER_CONFIGURATION_ERROR', 500, 'message', null, 'AuthorizerConfigurationException');
const BAD_GATEWAY = () => gatewayError('DEFAULT_5XX', 502, 'message', 'Internal server error', 'InternalServerErrorException');
const TIMED_OUT = () => gatewayError('INTEGRATION_TIMEOUT', 504, 'message', 'Endpoint request timed out', 'IntegrationTimeout');

const isGatewayError = (response: HttpResponse): response is GatewayError => 'gateway' in response;

/** IAM-style wildcard matching of `execute-api` ARNs: `*` any run, `?` one character. */
const arnMatches = (pattern: string, arn: string): boolean =>
  new RegExp(`^${pattern.split(/(\*|\?)/).map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('')}$`).test(arn);

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

/** Evaluates an authorizer's policy for one method ARN: an explicit Deny wins, else an Allow is needed. */
export const evaluatePolicy = (policy: { Statement?: PolicyStatement | PolicyStatement[] } | undefined, methodArn: string): 'allow' | 'deny' | 'implicit-deny' => {
  const statements = [policy?.Statement ?? []].flat();
  const applies = (s: PolicyStatement) =>
    [s.Action ?? []].flat().some((a) => a === '*' || a === 'execute-api:*' || a === 'execute-api:Invoke') && [s.Resource ?? []].flat().some((r) => arnMatches(r, methodArn));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return 'deny';
  if (statements.some((s) => s.Effect === 'Allow' && applies(s))) return 'allow';
  return 'implicit-deny';
};

const single = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
const multi = (headers: IncomingHttpHeaders): Record<string, string[]> =>
  Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v : [String(v)]]));

/**
 * One deployed REST API stage, served locally: routes from the template (literal segments before
 * `{param}`, `{proxy+}` greedy), MOCK integrations (CORS preflight), Lambda proxy integrations with
 * the v1 event, and Lambda authorizers with TOKEN or REQUEST semantics, their IAM policy evaluated
 * and their result cached for the configured TTL.
 */
export class RestApiGateway {
  private readonly cache = new Map<string, { expires: number; policy: any; principalId: string; context: Record<string, unknown> }>();

  constructor(
    readonly spec: RestApiSpec,
    readonly stage: string,
    private readonly invoke: Invoke,
    private readonly account: { region: string; accountId: string },
    /** False runs no authorizer, as LocalStack's free tier does; the handlers then verify tokens themselves. */
    private readonly enforceAuthorizers = true,
  ) {}

  private route(path: string): { resource: ResourceSpec; params: Record<string, string> } | undefined {
    const segments = path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
    let best: { resource: ResourceSpec; params: Record<string, string>; score: number } | undefined;
    for (const resource of this.spec.resources) {
      const params: Record<string, string> = {};
      let score = 0;
      let matched = true;
      for (let i = 0; i < resource.segments.length; i++) {
        const pattern = resource.segments[i]!;
        const greedy = /^\{(.+)\+\}$/.exec(pattern);
        if (greedy) {
          if (i >= segments.length) matched = false;
          else params[greedy[1]!] = segments.slice(i).join('/');
          score += 1;
          break;
        }
        const segment = segments[i];
        if (segment === undefined) matched = false;
        else if (/^\{.+\}$/.test(pattern)) {
          params[pattern.slice(1, -1)] = segment;
          score += 10;
        } else if (pattern === segment) score += 100;
        else matched = false;
        if (!matched) break;
      }
      const greedyLast = /\+\}$/.test(resource.segments.at(-1) ?? '');
      if (!matched || (!greedyLast && resource.segments.length !== segments.length)) continue;
      if (!best || score > best.score) best = { resource, params, score };
    }
    return best;
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    const response = await this.dispatch(request);
    return isGatewayError(response) ? this.reword(response) : response;
  }

  /**
   * Applies the API's gateway response for this kind of refusal (or its DEFAULT_4XX/5XX): status,
   * headers, and the body template with the `$context` values API Gateway fills in.
   */
  private reword({ gateway, ...response }: GatewayError): HttpResponse {
    const custom = this.spec.gatewayResponses.get(gateway.type) ?? this.spec.gatewayResponses.get(response.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
    if (!custom) return response;
    const body =
      custom.template === undefined
        ? response.body
        : custom.template
            .replaceAll('$context.error.messageString', JSON.stringify(gateway.message))
            .replaceAll('$context.error.message', gateway.message ?? '')
            .replaceAll('$context.error.responseType', gateway.type)
            .replaceAll('$context.requestId', randomUUID());
    return { status: custom.status ?? response.status, headers: { ...response.headers, ...custom.headers }, body };
  }

  private async dispatch(request: HttpRequest): Promise<HttpResponse> {
    const found = this.route(request.path);
    const method = found && (found.resource.methods.get(request.method) ?? found.resource.methods.get('ANY'));
    if (!found || !method) return MISSING_TOKEN();
    const requestId = randomUUID();
    const methodArn = `arn:aws:execute-api:${this.account.region}:${this.account.accountId}:${this.spec.id}/${this.stage}/${request.method}${request.path === '/' ? '/' : request.path}`;
    const requestContext = {
      accountId: this.account.accountId,
      apiId: this.spec.id,
      resourceId: found.resource.id,
      resourcePath: found.resource.path,
      stage: this.stage,
      requestId,
      extendedRequestId: requestId,
      httpMethod: request.method,
      path: `/${this.stage}${request.path}`,
      protocol: 'HTTP/1.1',
      requestTime: new Date().toUTCString(),
      requestTimeEpoch: Date.now(),
      domainName: String(request.headers.host ?? 'localhost'),
      identity: { sourceIp: request.sourceIp, userAgent: String(request.headers['user-agent'] ?? '') },
    };
    const queryEntries = [...request.query.entries()];
    const event = {
      resource: found.resource.path,
      path: request.path,
      httpMethod: request.method,
      headers: single(request.headers),
      multiValueHeaders: multi(request.headers),
      queryStringParameters: queryEntries.length ? Object.fromEntries(queryEntries) : null,
      multiValueQueryStringParameters: queryEntries.length
        ? queryEntries.reduce<Record<string, string[]>>((acc, [k, v]) => ({ ...acc, [k]: [...(acc[k] ?? []), v] }), {})
        : null,
      pathParameters: Object.keys(found.params).length ? found.params : null,
      stageVariables: null,
      requestContext: requestContext as Record<string, unknown>,
      body: request.body.length ? request.body.toString('utf8') : null,
      isBase64Encoded: false,
    };

    if (method.integration.type === 'MOCK') {
      return { status: method.integration.statusCode, headers: { ...method.integration.headers }, body: '' };
    }
    if (this.enforceAuthorizers && method.authorizationType === 'CUSTOM' && method.authorizer) {
      const outcome = await this.authorize(method.authorizer, methodArn, event);
      if ('response' in outcome) return outcome.response;
      event.requestContext.authorizer = outcome.context;
    }
    const result = await this.invoke(method.integration.functionArn, event);
    return this.proxyResponse(result);
  }

  private async authorize(authorizer: AuthorizerSpec, methodArn: string, event: Record<string, any>): Promise<{ context: Record<string, unknown> } | { response: HttpResponse }> {
    const lookup = (source: string): string | undefined => {
      const header = /^method\.request\.header\.(.+)$/i.exec(source);
      if (header) return event.headers[header[1]!.toLowerCase()];
      const query = /^method\.request\.querystring\.(.+)$/i.exec(source);
      if (query) return event.queryStringParameters?.[query[1]!];
      return undefined;
    };
    const identity = authorizer.identitySources.map(lookup);
    if (identity.some((value) => value === undefined || value === '')) return { response: UNAUTHORIZED() };
    if (authorizer.type === 'TOKEN' && authorizer.validationExpression && !authorizer.validationExpression.test(identity[0]!)) return { response: UNAUTHORIZED() };

    const cacheKey = `${authorizer.id}\n${identity.join('\n')}`;
    const now = Date.now();
    let decision = authorizer.ttlSeconds > 0 ? this.cache.get(cacheKey) : undefined;
    if (!decision || decision.expires <= now) {
      const authorizerEvent =
        authorizer.type === 'TOKEN'
          ? { type: 'TOKEN', authorizationToken: identity[0], methodArn }
          : { type: 'REQUEST', methodArn, ...event, requestContext: event.requestContext };
      const result = await this.invoke(authorizer.functionArn, authorizerEvent);
      if (result.functionError) {
        const message = (result.payload as { errorMessage?: string })?.errorMessage;
        return { response: message === 'Unauthorized' ? UNAUTHORIZED() : AUTHORIZER_FAILED() };
      }
      const output = result.payload as { principalId?: string; policyDocument?: any; context?: Record<string, unknown> } | null;
      if (!output?.principalId || !output.policyDocument) return { response: AUTHORIZER_FAILED() };
      const context = Object.fromEntries(
        Object.entries(output.context ?? {}).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)),
      );
      decision = { expires: now + authorizer.ttlSeconds * 1000, policy: output.policyDocument, principalId: output.principalId, context };
      if (authorizer.ttlSeconds > 0) this.cache.set(cacheKey, decision);
    }
    const verdict = evaluatePolicy(decision.policy, methodArn);
    if (verdict === 'deny') return { response: DENIED() };
    if (verdict === 'implicit-deny') return { response: NOT_ALLOWED() };
    return { context: { ...decision.context, principalId: decision.principalId, integrationLatency: 0 } };
  }

  private proxyResponse(result: InvokeResult): HttpResponse {
    if (result.functionError) {
      const error = result.payload as { errorType?: string };
      if (error?.errorType === 'Sandbox.Timedout') return TIMED_OUT();
      return BAD_GATEWAY();
    }
    const output = result.payload as { statusCode?: unknown; headers?: Record<string, unknown>; multiValueHeaders?: Record<string, unknown[]>; body?: unknown; isBase64Encoded?: boolean } | null;
    if (!output || typeof output !== 'object' || !Number.isInteger(output.statusCode)) return BAD_GATEWAY();
    const headers: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(output.headers ?? {})) headers[key.toLowerCase()] = String(value);
    for (const [key, values] of Object.entries(output.multiValueHeaders ?? {})) headers[key.toLowerCase()] = values.map(String);
    headers['x-amzn-requestid'] = result.requestId;
    const body = typeof output.body === 'string' ? (output.isBase64Encoded ? Buffer.from(output.body, 'base64') : output.body) : '';
    return { status: output.statusCode as number, headers, body };
  }
}
