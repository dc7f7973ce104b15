import type { StackModel } from '../cloudformation/model';
import { type CfnResource, propertiesOf } from '../cloudformation/template';

export interface AuthorizerSpec {
  id: string;
  name: string;
  type: 'TOKEN' | 'REQUEST';
  functionArn: string;
  identitySources: string[];
  ttlSeconds: number;
  validationExpression?: RegExp;
}

export interface MethodSpec {
  httpMethod: string;
  authorizationType: string;
  authorizer?: AuthorizerSpec;
  integration:
    { type: 'AWS_PROXY'; functionArn: string } | { type: 'MOCK'; statusCode: number; headers: Record<string, string> };
}

export interface ResourceSpec {
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
  /** The stages with X-Ray tracing enabled (`TracingEnabled`): they start a trace for a request that has none. */
  tracedStages?: string[];
  resources: ResourceSpec[];
  /** By response type: UNAUTHORIZED, ACCESS_DENIED, DEFAULT_4XX … */
  gatewayResponses: Map<string, GatewayResponseSpec>;
}

const functionArnOf = (uri: unknown): string => {
  const match = /\/functions\/(.+)\/invocations$/.exec(String(uri));
  if (!match) throw new Error(`Unsupported integration URI ${String(uri)}`);
  return match[1]!;
};

/** The members of the API Gateway resources the local gateway reads. */
interface ApiProperties {
  RestApiId: unknown;
  Type: string;
  Name: unknown;
  AuthorizerUri: unknown;
  IdentitySource: string;
  AuthorizerResultTtlInSeconds: number;
  IdentityValidationExpression: string;
  ParentId: unknown;
  PathPart: string;
  HttpMethod: string;
  AuthorizationType: string;
  AuthorizerId: unknown;
  ResourceId: unknown;
  Integration: IntegrationProperties;
  StageName: unknown;
  TracingEnabled: unknown;
  ResponseType: string;
  StatusCode: unknown;
  ResponseParameters: unknown;
  ResponseTemplates: unknown;
}

interface IntegrationProperties {
  Type: string;
  Uri: unknown;
  IntegrationResponses: { StatusCode?: string; ResponseParameters?: Record<string, string> }[];
}

const props = (resource: CfnResource) => propertiesOf<ApiProperties>(resource);

type Belongs = (properties: Partial<ApiProperties>) => boolean;

const authorizerSpecs = (model: StackModel, belongs: Belongs): Map<string, AuthorizerSpec> => {
  const authorizers = new Map<string, AuthorizerSpec>();
  for (const [logicalId, resource] of model.ofType('AWS::ApiGateway::Authorizer')) {
    const p = props(resource);
    if (!belongs(p)) continue;
    const type = String(p.Type);
    if (type !== 'TOKEN' && type !== 'REQUEST')
      throw new Error(`Authorizer ${logicalId}: type ${type} is not supported locally`);
    authorizers.set(model.ref(logicalId), {
      id: model.ref(logicalId),
      name: String(model.resolve(p.Name ?? logicalId)),
      type,
      functionArn: functionArnOf(model.resolve(p.AuthorizerUri)),
      identitySources: String(p.IdentitySource ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      ttlSeconds: Number(p.AuthorizerResultTtlInSeconds ?? 300),
      ...(p.IdentityValidationExpression !== undefined && {
        validationExpression: new RegExp(`^(?:${p.IdentityValidationExpression})$`),
      }),
    });
  }
  return authorizers;
};

/** The path of each resource of the API, from its chain of parents up to the root resource. */
const resourcePaths = (
  model: StackModel,
  apiLogicalId: string,
  belongs: Belongs,
): { rootId: string; pathOf: (id: string) => string } => {
  const rootId = String(model.getAtt(apiLogicalId, 'RootResourceId'));
  const parts = new Map<string, { parent: string; part: string }>();
  for (const [logicalId, resource] of model.ofType('AWS::ApiGateway::Resource')) {
    const p = props(resource);
    if (belongs(p))
      parts.set(model.ref(logicalId), { parent: String(model.resolve(p.ParentId)), part: String(p.PathPart) });
  }
  const pathOf = (id: string): string => {
    if (id === rootId) return '';
    const entry = parts.get(id);
    if (!entry) throw new Error(`API resource ${id} is not in the template`);
    return `${pathOf(entry.parent)}/${entry.part}`;
  };
  return { rootId, pathOf };
};

const integrationSpec = (
  logicalId: string,
  integration: Partial<IntegrationProperties>,
  model: StackModel,
): MethodSpec['integration'] => {
  if (integration.Type === 'AWS_PROXY')
    return { type: 'AWS_PROXY', functionArn: functionArnOf(model.resolve(integration.Uri)) };
  if (integration.Type === 'MOCK') {
    const response = (integration.IntegrationResponses ?? [])[0] ?? {};
    const headers = Object.fromEntries(
      Object.entries(response.ResponseParameters ?? {})
        .filter(([key]) => key.startsWith('method.response.header.'))
        .map(([key, value]) => [key.slice('method.response.header.'.length), String(value).replace(/^'(.*)'$/, '$1')]),
    );
    return { type: 'MOCK', statusCode: Number(response.StatusCode ?? 200), headers };
  }
  throw new Error(`Method ${logicalId}: integration type ${String(integration.Type)} is not supported locally`);
};

const resourceSpecs = (model: StackModel, apiLogicalId: string, belongs: Belongs): ResourceSpec[] => {
  const authorizers = authorizerSpecs(model, belongs);
  const { rootId, pathOf } = resourcePaths(model, apiLogicalId, belongs);
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
    const p = props(resource);
    if (!belongs(p)) continue;
    const authorizerId = p.AuthorizerId ? String(model.resolve(p.AuthorizerId)) : undefined;
    const resourceId = p.ResourceId ? String(model.resolve(p.ResourceId)) : rootId;
    resourceFor(resourceId).methods.set(String(p.HttpMethod), {
      httpMethod: String(p.HttpMethod),
      authorizationType: String(p.AuthorizationType ?? 'NONE'),
      ...(authorizerId && { authorizer: authorizers.get(authorizerId) }),
      integration: integrationSpec(logicalId, p.Integration ?? {}, model),
    });
  }
  return [...resources.values()];
};

const gatewayResponseSpecs = (model: StackModel, belongs: Belongs): Map<string, GatewayResponseSpec> => {
  const gatewayResponses = new Map<string, GatewayResponseSpec>();
  for (const [, resource] of model.ofType('AWS::ApiGateway::GatewayResponse')) {
    const p = props(resource);
    if (!belongs(p)) continue;
    const parameters = (model.resolve(p.ResponseParameters ?? {}) ?? {}) as Record<string, string>;
    const headers = Object.fromEntries(
      Object.entries(parameters)
        .filter(([name]) => name.startsWith('gatewayresponse.header.'))
        .map(([name, value]) => [
          name.slice('gatewayresponse.header.'.length).toLowerCase(),
          String(value).replace(/^'(.*)'$/, '$1'),
        ]),
    );
    const templates = (model.resolve(p.ResponseTemplates ?? {}) ?? {}) as Record<string, string>;
    gatewayResponses.set(String(p.ResponseType), {
      ...(p.StatusCode !== undefined && { status: Number(model.resolve(p.StatusCode)) }),
      headers,
      template: templates['application/json'],
    });
  }
  return gatewayResponses;
};

/** The REST APIs of the template: resources by path, methods, integrations, authorizers, stages and gateway responses. */
export const restApiSpecs = (model: StackModel): RestApiSpec[] =>
  model.ofType('AWS::ApiGateway::RestApi').map(([apiLogicalId]) => {
    const apiId = model.ref(apiLogicalId);
    const belongs: Belongs = (p) => model.resolve(p.RestApiId) === apiId;
    const stageProps = model
      .ofType('AWS::ApiGateway::Stage')
      .map(([, r]) => props(r))
      .filter(belongs);
    const stageName = (p: Partial<ApiProperties>) => String(model.resolve(p.StageName));
    return {
      id: apiId,
      name: model.physicalName(apiLogicalId),
      stages: stageProps.map(stageName),
      tracedStages: stageProps.filter((p) => String(model.resolve(p.TracingEnabled)) === 'true').map(stageName),
      resources: resourceSpecs(model, apiLogicalId, belongs),
      gatewayResponses: gatewayResponseSpecs(model, belongs),
    };
  });
