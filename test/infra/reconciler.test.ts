import { type CfnResource, type CfnTemplate, propertiesOf, resourcesOfType } from '../../local/cloudformation/template';
import { synthShop } from '../support/synth';

/** The reconciler: an EventBridge schedule, its target and input, and the least it is granted. */
type Reference = { Ref?: string; 'Fn::GetAtt'?: [string, string] };
interface Statement {
  Action: string | string[];
  Resource: unknown;
}
interface RuleProperties {
  ScheduleExpression: string;
  State: string;
  Targets: { Arn: Reference; Id: string; Input?: string }[];
}

const cfn = synthShop().toJSON() as CfnTemplate;
const [[functionId, fn]] = resourcesOfType(cfn, 'AWS::Lambda::Function').filter(([, f]) =>
  String(propertiesOf<{ Description: string }>(f).Description).startsWith('Scheduled:'),
) as [[string, CfnResource]];
const [[ruleId, rule]] = resourcesOfType(cfn, 'AWS::Events::Rule') as [[string, CfnResource]];
const [[machineId]] = resourcesOfType(cfn, 'AWS::StepFunctions::StateMachine') as [[string, CfnResource]];
const [[ordersTableId]] = resourcesOfType(cfn, 'AWS::DynamoDB::Table').filter(([id]) =>
  id.startsWith('OrderTable'),
) as [[string, CfnResource]];

/** Every statement of the policies attached to the reconciler's role. */
const statements = (): Statement[] => {
  const role = propertiesOf<{ Role: Reference }>(fn).Role?.['Fn::GetAtt']?.[0];
  return resourcesOfType(cfn, 'AWS::IAM::Policy')
    .map(([, policy]) => propertiesOf<{ Roles: Reference[]; PolicyDocument: { Statement: Statement[] } }>(policy))
    .filter((policy) => policy.Roles?.some((r) => r.Ref === role))
    .flatMap((policy) => policy.PolicyDocument?.Statement ?? []);
};
const actionsOf = (statement: Statement) => [statement.Action].flat();

test('one rule runs the reconcile function every minute, with the age threshold as its input', () => {
  const { ScheduleExpression, State, Targets = [] } = propertiesOf<RuleProperties>(rule);

  expect(ScheduleExpression).toBe('rate(1 minute)');
  expect(State).toBe('ENABLED');
  expect(Targets).toHaveLength(1);
  expect(Targets[0]!.Arn).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
  expect(JSON.parse(Targets[0]!.Input!)).toEqual({ olderThanSeconds: 60 });
  expect(propertiesOf<{ FunctionName: string }>(fn).FunctionName).toBe('ServerlessShop-reconcile-orders'); // an operator invokes it by hand
  expect(cfn.Outputs?.ReconcileFunctionName?.Value).toEqual({ Ref: functionId });
  expect(
    propertiesOf<{ Environment: { Variables: Record<string, unknown> } }>(fn).Environment?.Variables,
  ).toMatchObject({
    STATE_MACHINE_ARN: { Ref: machineId },
    ORDERS_TABLE: { Ref: ordersTableId },
  });
});

test('EventBridge, and only from this rule, may invoke the function', () => {
  const permissions = resourcesOfType(cfn, 'AWS::Lambda::Permission')
    .map(([, p]) =>
      propertiesOf<{ FunctionName: Reference; Principal: string; SourceArn: Reference; Action: string }>(p),
    )
    .filter((p) => p.FunctionName?.['Fn::GetAtt']?.[0] === functionId);

  expect(permissions).toEqual([
    {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    },
  ]);
});

test('it may start the saga and describe its executions, and nothing else of Step Functions', () => {
  const states = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));

  expect(states.flatMap(actionsOf).sort()).toEqual(['states:DescribeExecution', 'states:StartExecution']);
  const start = states.find((s) => actionsOf(s).includes('states:StartExecution'))!;
  expect(start.Resource).toEqual({ Ref: machineId });
  // Executions of this state machine only: arn:…:execution:<its name>:*
  const describe = JSON.stringify(states.find((s) => actionsOf(s).includes('states:DescribeExecution'))!.Resource);
  expect(describe).toContain(':execution:');
  expect(describe).toContain(`{"Ref":"${machineId}"}`);
  expect(describe).toMatch(/":\*"\]\]\}$/);
});

test('it reads the orders table and writes to no table', () => {
  const dynamo = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
  const actions = dynamo.flatMap(actionsOf);

  expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem']));
  for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'])
    expect(actions).not.toContain(write);
  const tables = new Set(
    dynamo
      .flatMap((s) => [s.Resource].flat())
      .map((r) => JSON.stringify(r).match(/"([A-Za-z0-9]+Table[A-Za-z0-9]+)"/)?.[1]),
  );
  expect([...tables]).toEqual([ordersTableId]);
});

test('the dashboard shows the orders the reconciler started, and the compensations a completed order refused', () => {
  const [[, dashboard]] = resourcesOfType(cfn, 'AWS::CloudWatch::Dashboard') as [[string, CfnResource]];
  const body = JSON.stringify(dashboard.Properties?.DashboardBody);
  expect(body).toContain('OrdersReconciled');
  expect(body).toContain('CompensationsRefused');
});
