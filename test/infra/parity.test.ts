import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { stateMachineSpecs } from '../../local/stepfunctions';
import { StackModel, type CfnTemplate } from '../../local/template';
import { synthShop } from '../support/synth';

// Parity checks that need no Docker: what a deploy target would reject or mis-wire is found here.

const ROOT = join(__dirname, '..', '..');
const variants = {
  aws: synthShop().toJSON() as CfnTemplate,
  localstack: synthShop({ emfBridge: true, identity: { issuerUrl: 'http://localhost:8080/realms/shop', audience: 'shop-api', jwksUri: 'http://keycloak:8080/realms/shop/protocol/openid-connect/certs' } }).toJSON() as CfnTemplate,
};
const modelOf = (template: CfnTemplate) => new StackModel(template, { region: 'us-east-1', accountId: '000000000000', stackName: 'ServerlessShop' });

interface FreeTier {
  supported: Record<string, { properties: string[]; ignoredProperties?: Record<string, string> }>;
  withoutProvider: Record<string, string>;
}
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
      const variables = model.resolve(resource.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(variables)) {
        expect({ function: logicalId, variable: name, type: typeof value }).toEqual({ function: logicalId, variable: name, type: 'string' });
      }
    }
  });

  test('uses only resource types and properties that LocalStack free tier deploys', () => {
    const unsupported: string[] = [];
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const support = freeTier.supported[resource.Type];
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

test('only the known types go without a LocalStack provider, and each says what happens instead', () => {
  const types = new Set(Object.values(variants).flatMap((t) => Object.values(t.Resources).map((r) => r.Type)));
  const withoutProvider = [...types].filter((type) => !freeTier.supported[type]).sort();
  expect(withoutProvider).toEqual(['AWS::ApiGateway::Authorizer', 'AWS::CDK::Metadata', 'AWS::CloudWatch::Dashboard'].filter((t) => types.has(t)));
  for (const type of withoutProvider) expect(freeTier.withoutProvider[type]?.length).toBeGreaterThan(40);
});

test('the LocalStack variant bridges EMF from every function but its own, and only that variant', () => {
  const aws = modelOf(variants.aws);
  const localstack = modelOf(variants.localstack);
  expect(aws.ofType('AWS::Logs::SubscriptionFilter')).toHaveLength(0);
  const shopFunctions = aws.ofType('AWS::Lambda::Function').length;
  const filters = localstack.ofType('AWS::Logs::SubscriptionFilter');
  expect(filters).toHaveLength(shopFunctions);
  const bridge = localstack.ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('EmfBridge'));
  expect(bridge).toBeDefined();
  for (const [, filter] of filters) {
    expect(JSON.stringify(filter.Properties?.LogGroupName)).not.toContain('EmfBridge'); // never its own logs
    expect(JSON.stringify(filter.Properties?.DestinationArn)).toContain(bridge![0]);
  }
  const permissions = localstack.ofType('AWS::Lambda::Permission').filter(([, p]) => p.Properties?.Principal === 'logs.amazonaws.com');
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
