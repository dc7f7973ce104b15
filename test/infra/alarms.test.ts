import { Match, type Template } from 'aws-cdk-lib/assertions';
import { type CfnTemplate, resourcesOfType } from '../../local/cloudformation/template';
import { synthShop } from '../support/synth';

// The stack's alarms and their actions: each alarm's metric or expression, threshold and periods, the
// alerts topic as AlarmAction and OKAction of every one, and the composite "shop unhealthy".

type Ref = { Ref?: string; 'Fn::GetAtt'?: [string, string] };
interface AlarmProps {
  AlarmActions?: Ref[];
  OKActions?: Ref[];
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  ExtendedStatistic?: string;
  Period?: number;
  Metrics?: {
    Id: string;
    Expression?: string;
    ReturnData?: boolean;
    MetricStat?: { Metric: { MetricName: string; Namespace: string }; Period: number; Stat: string };
  }[];
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  TreatMissingData?: string;
}

let template: Template;
let cfn: CfnTemplate;
let alarms: [string, AlarmProps][];
let topicId: string;

beforeAll(() => {
  template = synthShop();
  cfn = template.toJSON() as CfnTemplate;
  alarms = resourcesOfType(cfn, 'AWS::CloudWatch::Alarm').map(([id, r]) => [id, r.Properties as unknown as AlarmProps]);
  topicId = resourcesOfType(cfn, 'AWS::SNS::Topic').find(([, t]) =>
    String(t.Properties?.TopicName).endsWith('-alerts'),
  )![0];
});

const alarm = (idPart: string): AlarmProps => {
  const found = alarms.filter(([id]) => id.includes(idPart));
  expect(found).toHaveLength(1);
  return found[0]![1];
};

/** The metric math alarm's queries by id, and its one returned expression. */
const math = (props: AlarmProps) => {
  const returned = props.Metrics!.filter((m) => m.ReturnData !== false);
  expect(returned).toHaveLength(1);
  return {
    expression: returned[0]!.Expression,
    stats: Object.fromEntries(
      props
        .Metrics!.filter((m) => m.MetricStat)
        .map((m) => [
          m.Id,
          { name: m.MetricStat!.Metric.MetricName, period: m.MetricStat!.Period, stat: m.MetricStat!.Stat },
        ]),
    ),
  };
};

test('an alerts topic is the AlarmAction and OKAction of every alarm, composite included', () => {
  const composite = resourcesOfType(cfn, 'AWS::CloudWatch::CompositeAlarm');
  expect(composite).toHaveLength(1);
  const all = [...alarms.map(([, p]) => p), composite[0]![1].Properties as unknown as AlarmProps];
  expect(all.length).toBeGreaterThan(20);
  for (const props of all) {
    expect(props.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(props.OKActions).toEqual([{ Ref: topicId }]);
  }
  expect(cfn.Outputs?.AlertsTopicArn?.Value).toEqual({ Ref: topicId });
});

test('the alerts topic has an email subscription only when the alertEmail context value is given', () => {
  template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
  const withEmail = synthShop({ alertEmail: 'oncall@example.com' });
  withEmail.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'email',
    Endpoint: 'oncall@example.com',
    TopicArn: { Ref: Match.stringLikeRegexp('^ObservabilityAlerts') },
  });
});

test('orders stalled: created but none completed in two 5-minute periods (10 minutes), by metric math', () => {
  const props = alarm('OrdersStalled');
  expect(math(props)).toEqual({
    expression: 'IF(created > 0 AND FILL(completed, 0) == 0, 1, 0)',
    stats: {
      created: { name: 'OrdersCreated', period: 300, stat: 'Sum' },
      completed: { name: 'OrdersCompleted', period: 300, stat: 'Sum' },
    },
  });
  expect(props).toMatchObject({
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    EvaluationPeriods: 2,
    TreatMissingData: 'notBreaching',
  });
  expect(props.DatapointsToAlarm ?? props.EvaluationPeriods).toBe(2);
});

test('payment-decline rate: PaymentsDeclined over PaymentsAttempted, in percent, above 25% in 2 of 3 periods', () => {
  const props = alarm('PaymentDeclineRate');
  expect(math(props)).toEqual({
    expression: 'IF(attempted > 0, 100 * FILL(declined, 0) / attempted, 0)',
    stats: {
      attempted: { name: 'PaymentsAttempted', period: 300, stat: 'Sum' },
      declined: { name: 'PaymentsDeclined', period: 300, stat: 'Sum' },
    },
  });
  expect(props).toMatchObject({
    Threshold: 25,
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
  });
});

test("saga p99 duration: SagaDuration's p99 as an extended statistic, over 30 s for three periods", () => {
  const props = alarm('SagaP99Duration');
  expect(props).toMatchObject({
    Namespace: 'ServerlessShop',
    MetricName: 'SagaDuration',
    Dimensions: [{ Name: 'service', Value: 'order' }],
    ExtendedStatistic: 'p99',
    Period: 300,
    Threshold: 30,
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 3,
  });
  expect(props.Statistic).toBeUndefined();
});

test('a circuit open: the worst CircuitState of the three circuits, each minute, at 2 (open); no calls keep its state', () => {
  const props = alarm('CircuitOpen');
  expect(math(props)).toEqual({
    expression: 'MAX([c0, c1, c2])',
    stats: {
      c0: { name: 'CircuitState', period: 60, stat: 'Maximum' },
      c1: { name: 'CircuitState', period: 60, stat: 'Maximum' },
      c2: { name: 'CircuitState', period: 60, stat: 'Maximum' },
    },
  });
  const circuits = props
    .Metrics!.filter((m) => m.MetricStat)
    .map((m) => (m.MetricStat!.Metric as { Dimensions?: { Name: string; Value: string }[] }).Dimensions);
  expect(circuits.map((dimensions) => dimensions?.find((d) => d.Name === 'Circuit')?.Value)).toEqual([
    'BillingPay',
    'WarehouseReserve',
    'DeliveryBook',
  ]);
  expect(props).toMatchObject({
    Threshold: 2,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    EvaluationPeriods: 1,
    TreatMissingData: 'ignore',
  });
});

test('Lambda errors: one alarm on AWS/Lambda Errors per function, by FunctionName', () => {
  const functions = resourcesOfType(cfn, 'AWS::Lambda::Function').map(([id]) => id);
  const errors = alarms.filter(([, p]) => p.Namespace === 'AWS/Lambda').map(([, p]) => p);
  expect(errors.map((p) => p.Dimensions)).toEqual(
    expect.arrayContaining(functions.map((id) => [{ Name: 'FunctionName', Value: { Ref: id } }])),
  );
  expect(errors).toHaveLength(functions.length);
  for (const props of errors)
    expect(props).toMatchObject({
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
});

test('shop unhealthy: one composite alarm, ALARM(child) OR … over every other alarm', () => {
  const [, composite] = resourcesOfType(cfn, 'AWS::CloudWatch::CompositeAlarm')[0]!;
  const rule = composite.Properties?.AlarmRule as { 'Fn::Join': [string, (string | Ref)[]] };
  const parts = rule['Fn::Join'][1];
  const children = parts.filter((p): p is Ref => typeof p !== 'string').map((p) => p['Fn::GetAtt']);
  const text = parts.map((p) => (typeof p === 'string' ? p : 'X')).join('');
  expect(children).toEqual(alarms.map(([id]) => [id, 'Arn']));
  expect(text).toBe(`(${alarms.map(() => 'ALARM("X")').join(' OR ')})`);
  expect(composite.Properties).toMatchObject({ AlarmName: 'ServerlessShop-shop-unhealthy' });
});

test('the dashboard shows every alarm in an alarm status widget', () => {
  const [, dashboard] = resourcesOfType(cfn, 'AWS::CloudWatch::Dashboard')[0]!;
  const body = JSON.stringify(dashboard.Properties?.DashboardBody);
  expect(body).toContain('\\"type\\":\\"alarm\\"');
  for (const [id] of alarms) expect(body).toContain(id);
  expect(body).toContain(resourcesOfType(cfn, 'AWS::CloudWatch::CompositeAlarm')[0]![0]);
});
