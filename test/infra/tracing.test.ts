import type { Template } from 'aws-cdk-lib/assertions';
import {
  type CfnResource,
  type CfnTemplate,
  type FunctionEnvironment,
  propertiesOf,
  resourcesOfType,
} from '../../local/cloudformation/template';
import { synthShop } from '../support/synth';

// Traces on AWS: X-Ray active tracing on every function, the API stage and the state machine, and each
// function's OpenTelemetry bootstrap loaded by NODE_OPTIONS, its spans sent by OTLP to X-Ray (whose
// OTLP endpoint authorizes as xray:PutTraceSegments).

type Reference = { Ref?: string; 'Fn::GetAtt'?: [string, string] };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

let template: Template;
let cfn: CfnTemplate;
beforeAll(() => {
  template = synthShop();
  cfn = template.toJSON() as CfnTemplate;
});

/** The actions a role's policies allow. */
const actionsOf = (role: string | undefined): string[] =>
  resourcesOfType(cfn, 'AWS::IAM::Policy')
    .filter(([, p]) => propertiesOf<{ Roles: Reference[] }>(p).Roles?.some((r) => r.Ref === role))
    .flatMap(([, p]) =>
      (propertiesOf<{ PolicyDocument: { Statement: Statement[] } }>(p).PolicyDocument?.Statement ?? [])
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => [s.Action].flat()),
    );

const roleOf = (resource: CfnResource, member: 'Role' | 'RoleArn') =>
  propertiesOf<Record<string, { 'Fn::GetAtt': [string, string] }>>(resource)[member]?.['Fn::GetAtt'][0];

test('every function has active tracing, loads the OpenTelemetry bootstrap before its handler, and may send spans to X-Ray', () => {
  const functions = resourcesOfType(cfn, 'AWS::Lambda::Function');
  expect(functions.length).toBeGreaterThan(0);
  for (const [logicalId, fn] of functions) {
    const props = propertiesOf<FunctionEnvironment & { TracingConfig: { Mode: string } }>(fn);
    expect([logicalId, props.TracingConfig]).toEqual([logicalId, { Mode: 'Active' }]);
    const variables = props.Environment?.Variables ?? {};
    expect([logicalId, variables.NODE_OPTIONS]).toEqual([
      logicalId,
      '--enable-source-maps --require ./otel-bootstrap.js',
    ]);
    // No endpoint in the template: the bootstrap sends to X-Ray's in the function's region (signed).
    expect(variables.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toBeUndefined();
    expect([logicalId, actionsOf(roleOf(fn, 'Role'))]).toEqual([
      logicalId,
      expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']),
    ]);
  }
});

test('the API stage has X-Ray tracing', () => {
  const stages = resourcesOfType(cfn, 'AWS::ApiGateway::Stage');
  expect(stages).toHaveLength(1);
  expect(stages[0]![1].Properties).toMatchObject({ StageName: 'v1', TracingEnabled: true });
});

test('the state machine has X-Ray tracing, and its role may send traces', () => {
  const machines = resourcesOfType(cfn, 'AWS::StepFunctions::StateMachine');
  expect(machines).toHaveLength(1);
  const [, machine] = machines[0]!;
  expect(machine.Properties).toMatchObject({ TracingConfiguration: { Enabled: true } });
  expect(actionsOf(roleOf(machine, 'RoleArn'))).toEqual(
    expect.arrayContaining([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
    ]),
  );
});
