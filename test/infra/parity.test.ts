import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { stateMachineSpecs } from '../../local/stepfunctions/specs';
import { StackModel } from '../../local/cloudformation/model';
import { type CfnTemplate, type FunctionEnvironment, propertiesOf } from '../../local/cloudformation/template';
import { synthShop } from '../support/synth';

// Parity checks that need no Docker: what a deploy target would reject or mis-wire is found here.

const ROOT = join(__dirname, '..', '..');
const variants = {
  aws: synthShop().toJSON() as CfnTemplate,
  localstack: synthShop({
    emfBridge: true,
    dashboard: 'api',
    alarms: 'single-metric',
    samplingRule: false,
    identity: {
      issuerUrl: 'http://localhost:8080/realms/shop',
      audience: 'shop-api',
      jwksUri: 'http://keycloak:8080/realms/shop/protocol/openid-connect/certs',
    },
  }).toJSON() as CfnTemplate,
};
const modelOf = (template: CfnTemplate) =>
  new StackModel(template, { region: 'us-east-1', accountId: '000000000000', stackName: 'ServerlessShop' });

interface FreeTier {
  supported: Record<string, { properties: string[]; ignoredProperties?: Record<string, string> }>;
  withoutProvider: Record<string, string>;
  customResources: string;
  refusedByMiniStack: { types: Record<string, string>; properties: Record<string, string> };
}
const isCustom = (type: string) => type.startsWith('Custom::');
const freeTier = JSON.parse(readFileSync(join(__dirname, 'localstack-free-tier.json'), 'utf8')) as FreeTier;

describe.each(Object.entries(variants))('the %s template', (_name, template) => {
  const model = modelOf(template);

  test('every ${…} placeholder of every state machine has a DefinitionSubstitutions entry', () => {
    const specs = stateMachineSpecs(model);
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) expect(spec.definition).not.toMatch(/\$\{[A-Za-z0-9_]+\}/);
  });

  test('every Lambda environment variable resolves: each Ref and GetAtt names a resource of the stack', () => {
    const functions = model.ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [logicalId, resource] of functions) {
      const variables = model.resolve(
        propertiesOf<FunctionEnvironment>(resource).Environment?.Variables ?? {},
      ) as Record<string, unknown>;
      for (const [name, value] of Object.entries(variables)) {
        expect({ function: logicalId, variable: name, type: typeof value }).toEqual({
          function: logicalId,
          variable: name,
          type: 'string',
        });
      }
    }
  });

  test('uses only resource types and properties that LocalStack free tier deploys', () => {
    const unsupported: string[] = [];
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const support = freeTier.supported[resource.Type];
      if (isCustom(resource.Type)) continue; // the custom resource protocol; its function is checked as a function
      if (!support) {
        if (!(resource.Type in freeTier.withoutProvider)) unsupported.push(`${logicalId}: ${resource.Type}`);
        continue;
      }
      for (const property of Object.keys(resource.Properties ?? {})) {
        if (!support.properties.includes(property)) unsupported.push(`${logicalId}: ${resource.Type}.${property}`);
      }
    }
    expect(unsupported).toEqual([]);
  });
});

test('the LocalStack variant has nothing MiniStack refuses; the AWS template keeps all of it', () => {
  const refused = (template: CfnTemplate) =>
    Object.entries(template.Resources).flatMap(([logicalId, resource]) => [
      ...(resource.Type in freeTier.refusedByMiniStack.types ? [`${logicalId}: ${resource.Type}`] : []),
      ...Object.keys(resource.Properties ?? {})
        .filter((property) => `${resource.Type}.${property}` in freeTier.refusedByMiniStack.properties)
        .map((property) => `${logicalId}: ${resource.Type}.${property}`),
    ]);
  expect(refused(variants.localstack)).toEqual([]);
  const kept = refused(variants.aws);
  for (const what of [
    ...Object.keys(freeTier.refusedByMiniStack.types),
    ...Object.keys(freeTier.refusedByMiniStack.properties),
  ])
    expect(kept.some((line) => line.endsWith(`: ${what}`))).toBe(true);
  // The alarms both keep: compensation failures, the saga's p99 duration, each function's errors; every one on the alerts topic.
  const alarms = Object.values(variants.localstack.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  expect(alarms.length).toBeGreaterThan(2);
  for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toHaveLength(1);
  // The dashboard names no alarm the variant does not have.
  const body = JSON.stringify(
    Object.values(variants.localstack.Resources).find((r) => r.Type === 'Custom::Dashboard')!.Properties?.DashboardBody,
  );
  const named = [...body.matchAll(/"Fn::GetAtt":\["(\w+)","Arn"\]/g)].map((m) => m[1]!);
  expect(named.length).toBe(alarms.length);
  for (const id of named) expect(variants.localstack.Resources[id]?.Type).toBe('AWS::CloudWatch::Alarm');
});

test('deploy.sh deploys the LocalStack variant these tests check', () => {
  const script = readFileSync(join(ROOT, 'scripts', 'deploy.sh'), 'utf8');
  for (const flag of ['emfBridge=true', 'dashboard=api', 'alarms=single-metric', 'samplingRule=false'])
    expect(script).toContain(`-c ${flag}`);
});

test('only the known types go without a LocalStack provider, and each says what happens instead', () => {
  const types = new Set(Object.values(variants).flatMap((t) => Object.values(t.Resources).map((r) => r.Type)));
  const withoutProvider = [...types].filter((type) => !freeTier.supported[type] && !isCustom(type)).sort();
  expect(withoutProvider).toEqual(
    [
      'AWS::ApiGateway::Authorizer',
      'AWS::CDK::Metadata',
      'AWS::CloudWatch::Dashboard',
      'AWS::XRay::SamplingRule',
    ].filter((t) => types.has(t)),
  );
  for (const type of withoutProvider) expect(freeTier.withoutProvider[type]?.length).toBeGreaterThan(40);
});

test('the dashboard: a resource on AWS; on LocalStack, which has no provider for it, the same body through PutDashboard', () => {
  const dashboardOf = (template: CfnTemplate) =>
    Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  const puts = Object.values(variants.localstack.Resources).filter((r) => r.Type === 'Custom::Dashboard');
  expect(dashboardOf(variants.aws)).toHaveLength(1);
  expect(dashboardOf(variants.localstack)).toHaveLength(0);
  expect(puts).toHaveLength(1);
  // The body is the resource's body, widgets and all.
  const body = JSON.stringify(dashboardOf(variants.aws)[0]!.Properties?.DashboardBody);
  for (const metric of ['OrdersCreated', 'CompensationFailures', 'SagaDuration']) {
    expect(body).toContain(metric);
    expect(JSON.stringify(puts[0]!.Properties)).toContain(metric);
  }
});

test('the LocalStack variant bridges EMF from every function but its own, and only that variant', () => {
  const aws = modelOf(variants.aws);
  const localstack = modelOf(variants.localstack);
  expect(aws.ofType('AWS::Logs::SubscriptionFilter')).toHaveLength(0);
  const filters = localstack.ofType('AWS::Logs::SubscriptionFilter');
  // Every function of the LocalStack variant but the bridge itself.
  expect(filters).toHaveLength(localstack.ofType('AWS::Lambda::Function').length - 1);
  const bridge = localstack.ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('EmfBridge'));
  expect(bridge).toBeDefined();
  for (const [, filter] of filters) {
    expect(JSON.stringify(filter.Properties?.LogGroupName)).not.toContain('EmfBridge'); // never its own logs
    expect(JSON.stringify(filter.Properties?.DestinationArn)).toContain(bridge![0]);
  }
  const permissions = localstack
    .ofType('AWS::Lambda::Permission')
    .filter(([, p]) => p.Properties?.Principal === 'logs.amazonaws.com');
  expect(permissions.length).toBeGreaterThan(0);
  const policy = JSON.stringify(localstack.ofType('AWS::IAM::Policy').map(([, p]) => p.Properties?.PolicyDocument));
  expect(policy).toContain('cloudwatch:PutMetricData');
  expect(policy).toContain('"cloudwatch:namespace":"ServerlessShop"');
});

test('localstack.yml: Lambda containers reach Keycloak, whose issuer is fixed, and unsupported types are skipped', () => {
  const compose = parse(readFileSync(join(ROOT, 'localstack.yml'), 'utf8')) as {
    name: string;
    services: Record<string, { environment?: Record<string, string>; command?: string[] }>;
  };
  const localstack = compose.services.localstack!.environment!;
  expect(localstack.LAMBDA_DOCKER_NETWORK).toBe(`${compose.name}_default`);
  expect(localstack.CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES).toBe('1');
  // arm64 functions would need emulation on an x86 host: run them natively, as plain JS bundles allow.
  expect(localstack.LAMBDA_IGNORE_ARCHITECTURE).toBe('1');
  const keycloak = compose.services.keycloak!.command!.join(' ');
  expect(keycloak).toContain('--hostname=http://localhost:8080');
  expect(keycloak).toContain('--import-realm');
});
