import aslValidator from 'asl-validator';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { SAGA_DEFINITION_PATH } from '../../stacks/constructs/order-saga';
import {
  type CfnResource,
  type CfnTemplate,
  type FunctionEnvironment,
  propertiesOf,
  resourcesOfType,
  tableBindings,
} from '../../local/cloudformation/template';
import type { AslDefinition } from '../../local/stepfunctions/asl';
import { match } from '../support/matchers';
import { synthShop } from '../support/synth';

/** The members of the resources these tests read. */
type Reference = { Ref?: string; 'Fn::GetAtt'?: [string, string] };
const fnProps = (fn: CfnResource) =>
  propertiesOf<FunctionEnvironment & { Role: { 'Fn::GetAtt': [string, string] } }>(fn);
const policyProps = (policy: CfnResource) =>
  propertiesOf<{
    Roles: Reference[];
    PolicyDocument: {
      Statement: { Action: string | string[]; Resource: string | Reference | (string | Reference)[] }[];
    };
  }>(policy);
const apiResourceProps = (resource: CfnResource) => propertiesOf<{ ParentId: Reference; PathPart: string }>(resource);
const methodProps = (method: CfnResource) =>
  propertiesOf<{ HttpMethod: string; ResourceId: Reference; AuthorizationType: string }>(method);
const stateMachineProps = (machine: CfnResource) =>
  propertiesOf<{
    StateMachineType: string;
    DefinitionString: string;
    DefinitionSubstitutions: Record<string, unknown>;
    LoggingConfiguration: unknown;
  }>(machine);
const gatewayResponseProps = (response: CfnResource) =>
  propertiesOf<{
    ResponseType: string;
    StatusCode: string;
    ResponseTemplates: Record<string, string>;
    ResponseParameters: Record<string, string>;
  }>(response);

/** Assertions on what matters in the synthesized template (no whole-template snapshot). */
let template: Template;
let cfn: CfnTemplate;

beforeAll(() => {
  template = synthShop();
  cfn = template.toJSON() as CfnTemplate;
});

const PUBLIC_ROUTES = new Set(['GET /products', 'GET /delivery/slots']);

/** "METHOD /path" for every API method, with its authorization. */
const routes = () => {
  const resources = Object.fromEntries(resourcesOfType(cfn, 'AWS::ApiGateway::Resource'));
  const pathOf = (ref: Reference | undefined): string => {
    if (!ref?.Ref) return '';
    const { ParentId, PathPart } = apiResourceProps(resources[ref.Ref]!);
    return `${pathOf(ParentId)}/${PathPart}`;
  };
  return resourcesOfType(cfn, 'AWS::ApiGateway::Method').map(([, method]) => {
    const { HttpMethod, ResourceId, AuthorizationType } = methodProps(method);
    return { route: `${HttpMethod} ${pathOf(ResourceId) || '/'}`, authorization: AuthorizationType };
  });
};

test('the API has exactly the contract routes, with stage v1', () => {
  const contract = routes()
    .map((r) => r.route)
    .filter((r) => !r.startsWith('OPTIONS'));
  expect(contract.sort()).toEqual(
    [
      'GET /products',
      'PUT /products/{sku}',
      'GET /delivery/slots',
      'GET /billing/account',
      'POST /billing/account/deposit',
      'POST /orders',
      'GET /orders',
      'GET /orders/{orderId}',
      'GET /notifications',
    ].sort(),
  );
  template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'v1' });
});

test('every route but the public ones uses the TOKEN authorizer', () => {
  for (const { route, authorization } of routes()) {
    if (route.startsWith('OPTIONS')) continue; // CORS preflight carries no credentials
    expect([route, authorization]).toEqual([route, PUBLIC_ROUTES.has(route) ? 'NONE' : 'CUSTOM']);
  }
  template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
    Type: 'TOKEN',
    IdentitySource: 'method.request.header.Authorization',
  });
});

test('every function runs Node 22 on arm64 with Powertools settings', () => {
  const functions = resourcesOfType(cfn, 'AWS::Lambda::Function');
  expect(functions).toHaveLength(23); // 22 handlers (19 of the services, the reconciler, the saga-failure rule's target, the circuit-breaking step) and the authorizer
  for (const [, fn] of functions) {
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    expect(fnProps(fn).Environment?.Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: match.any(String),
      POWERTOOLS_METRICS_NAMESPACE: 'ServerlessShop',
    });
  }
});

test('each service has its own on-demand table, and the same variable always names the same table', () => {
  const tables = resourcesOfType(cfn, 'AWS::DynamoDB::Table');
  expect(tables).toHaveLength(7); // billing, warehouse, delivery, notification, orders, idempotency, circuits
  for (const [, table] of tables) expect(table.Properties!.BillingMode).toBe('PAY_PER_REQUEST');
  const bindings = tableBindings(cfn);
  expect([...bindings.keys()].sort()).toEqual([
    'BILLING_TABLE',
    'CIRCUIT_TABLE',
    'DELIVERY_TABLE',
    'IDEMPOTENCY_TABLE',
    'NOTIFICATIONS_TABLE',
    'ORDERS_TABLE',
    'WAREHOUSE_TABLE',
  ]);
  expect(new Set(bindings.values()).size).toBe(7);
  template.hasResourceProperties('AWS::DynamoDB::Table', {
    GlobalSecondaryIndexes: [
      Match.objectLike({
        IndexName: 'byUser',
        KeySchema: [
          { AttributeName: 'userId', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
      }),
      // Sparse: only PENDING orders carry `pending`, so the reconciler reads just those, by age, keys only.
      {
        IndexName: 'pendingByAge',
        KeySchema: [
          { AttributeName: 'pending', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  });
});

test('each function is granted only the tables it is bound to', () => {
  const bindings = tableBindings(cfn);
  const roleOf = (fn: CfnResource) => fnProps(fn).Role?.['Fn::GetAtt'][0];
  const policies = resourcesOfType(cfn, 'AWS::IAM::Policy');
  for (const [logicalId, fn] of resourcesOfType(cfn, 'AWS::Lambda::Function')) {
    const variables = fnProps(fn).Environment?.Variables ?? {};
    const bound = new Set([...bindings].filter(([variable]) => variables[variable]).map(([, table]) => table));
    const granted = new Set<string>();
    for (const [, policy] of policies.filter(([, p]) => policyProps(p).Roles?.some((r) => r.Ref === roleOf(fn)))) {
      for (const statement of policyProps(policy).PolicyDocument?.Statement ?? []) {
        const resources = [statement.Resource].flat();
        for (const resource of resources) {
          const target = typeof resource === 'object' ? (resource['Fn::GetAtt']?.[0] ?? resource.Ref) : undefined;
          if (target && cfn.Resources[target]?.Type === 'AWS::DynamoDB::Table') granted.add(target);
        }
      }
    }
    expect([logicalId, [...granted].sort()]).toEqual([logicalId, [...bound].sort()]);
  }
});

test('read-only handlers get no write access', () => {
  const listProducts = resourcesOfType(cfn, 'AWS::Lambda::Function').find(([id]) =>
    id.startsWith('WarehouseListProducts'),
  )!;
  const role = fnProps(listProducts[1]).Role?.['Fn::GetAtt'][0];
  const actions = resourcesOfType(cfn, 'AWS::IAM::Policy')
    .filter(([, p]) => policyProps(p).Roles?.some((r) => r.Ref === role))
    .flatMap(([, p]) => (policyProps(p).PolicyDocument?.Statement ?? []).flatMap((s) => [s.Action].flat()));
  expect(actions).not.toEqual(expect.arrayContaining(['dynamodb:PutItem']));
  expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query']));
});

test('the state machine is the ASL file, inline, with every substitution bound', () => {
  const [[, resource]] = resourcesOfType(cfn, 'AWS::StepFunctions::StateMachine') as [[string, CfnResource]];
  const machine = stateMachineProps(resource);
  const asl = readFileSync(SAGA_DEFINITION_PATH, 'utf8');
  expect(machine.StateMachineType).toBe('STANDARD');
  expect(machine.DefinitionString).toBe(asl);
  const placeholders = new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
  expect(new Set(Object.keys(machine.DefinitionSubstitutions!))).toEqual(placeholders);
  expect(machine.LoggingConfiguration).toBeDefined();
});

test('the state machine definition is valid by asl-validator', () => {
  const asl: unknown = JSON.parse(
    readFileSync(SAGA_DEFINITION_PATH, 'utf8').replace(
      /\$\{(\w+)\}/g,
      'arn:aws:lambda:us-east-1:000000000000:function:$1',
    ),
  );
  const { isValid, errors } = aslValidator(asl);
  expect(errors).toEqual([]);
  expect(isValid).toBe(true);
});

test('every Task has a timeout, and every saga Lambda is invokable by the state machine', () => {
  const asl = JSON.parse(readFileSync(SAGA_DEFINITION_PATH, 'utf8')) as AslDefinition;
  for (const [name, state] of Object.entries(asl.States)) {
    if (state.Type === 'Task') expect([name, state.TimeoutSeconds]).toEqual([name, match.any(Number)]);
  }
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish' })]) },
  });
});

test('the notification function subscribes to the order-events topic', () => {
  template.hasResourceProperties('AWS::SNS::Topic', { TopicName: Match.stringLikeRegexp('order-events$') });
  template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
});

test("a rule on the saga's own FAILED, TIMED_OUT and ABORTED status changes runs order/on-saga-failed, which may publish the outcome", () => {
  const [machineId] = resourcesOfType(cfn, 'AWS::StepFunctions::StateMachine')[0]!;
  const rules = resourcesOfType(cfn, 'AWS::Events::Rule').filter(
    ([, rule]) => rule.Properties?.EventPattern !== undefined,
  );
  expect(rules).toHaveLength(1);
  const rule = propertiesOf<{ EventPattern: unknown; Targets: { Arn: Reference }[]; State?: string }>(rules[0]![1]);
  expect(rule.EventPattern).toEqual({
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machineId }] },
  });
  const [targetId] = (rule.Targets ?? []).map((t) => t.Arn['Fn::GetAtt']?.[0]);
  const target = cfn.Resources[targetId!]!;
  expect(target.Type).toBe('AWS::Lambda::Function');
  expect(JSON.stringify(fnProps(target).Environment?.Variables)).toContain('ORDERS_TABLE');
  expect(Object.keys(fnProps(target).Environment?.Variables ?? {})).toContain('ORDER_EVENTS_TOPIC_ARN');
  template.hasResourceProperties('AWS::Lambda::Permission', {
    Principal: 'events.amazonaws.com',
    FunctionName: { 'Fn::GetAtt': [targetId, 'Arn'] },
  });
  const role = fnProps(target).Role?.['Fn::GetAtt'][0];
  const actions = resourcesOfType(cfn, 'AWS::IAM::Policy')
    .filter(([, p]) => policyProps(p).Roles?.some((r) => r.Ref === role))
    .flatMap(([, p]) => (policyProps(p).PolicyDocument?.Statement ?? []).flatMap((st) => [st.Action].flat()));
  expect(actions).toContain('sns:Publish');
});

test('the circuit-breaking step may invoke the three participants and put its events on the default bus', () => {
  const [stepId, step] = resourcesOfType(cfn, 'AWS::Lambda::Function').find(([id]) => id.includes('CallParticipant'))!;
  const role = fnProps(step).Role?.['Fn::GetAtt'][0];
  const statements = resourcesOfType(cfn, 'AWS::IAM::Policy')
    .filter(([, p]) => policyProps(p).Roles?.some((r) => r.Ref === role))
    .flatMap(([, p]) => policyProps(p).PolicyDocument?.Statement ?? []);
  const putEvents = statements.filter((st) => [st.Action].flat().includes('events:PutEvents'));
  expect(stepId).toMatch(/^Circuits/);
  expect(putEvents).toHaveLength(1);
  expect(JSON.stringify(putEvents[0]!.Resource)).toContain(':event-bus/default');
  const invokes = statements.filter((st) => [st.Action].flat().includes('lambda:InvokeFunction'));
  const targets = JSON.stringify(invokes.map((st) => st.Resource));
  for (const participant of ['BillingPay', 'WarehouseReserve', 'DeliveryBook']) expect(targets).toContain(participant);
});

test('the dashboard and the alarms of the business metrics exist', () => {
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'CompensationFailures',
    Namespace: 'ServerlessShop',
    Threshold: 0,
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('failed') })]),
  });
});

test('the authorizer trusts the configured issuer and audience', () => {
  const issuer = 'http://keycloak:8080/realms/shop';
  const custom = synthShop({ identity: { issuerUrl: issuer, audience: 'shop-api', jwksUri: 'http://kc/certs' } });
  custom.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: Match.objectLike({ ISSUER_URL: issuer, AUDIENCE: 'shop-api', JWKS_URI: 'http://kc/certs' }),
    },
  });
});

test("API Gateway's own refusals use the contract's error shape, with CORS", () => {
  const responses = resourcesOfType(cfn, 'AWS::ApiGateway::GatewayResponse').map(([, response]) =>
    gatewayResponseProps(response),
  );
  const byType = Object.fromEntries(
    responses.map((properties) => [String(properties.ResponseType), properties] as const),
  );
  expect(Object.keys(byType).sort()).toEqual([
    'ACCESS_DENIED',
    'DEFAULT_4XX',
    'DEFAULT_5XX',
    'MISSING_AUTHENTICATION_TOKEN',
    'UNAUTHORIZED',
  ]);
  expect(byType.MISSING_AUTHENTICATION_TOKEN!.StatusCode).toBe('404');
  for (const properties of Object.values(byType)) {
    const body = properties.ResponseTemplates!['application/json']!.replace(
      '$context.error.messageString',
      '"a message"',
    );
    expect(JSON.parse(body)).toEqual({ error: match.stringMatching(/^[A-Z_]+$/), message: match.any(String) });
    expect(properties.ResponseParameters!['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'*'");
  }
});
