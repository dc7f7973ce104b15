import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  type CfnDashboard,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterPattern, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ShopFunction } from './shop-function';

const NAMESPACE = 'ServerlessShop';
const PERIOD = Duration.minutes(5);

/** A Powertools EMF metric: the namespace plus the `service` dimension Powertools adds. */
const business = (metricName: string, service: string, statistic = 'Sum') =>
  new Metric({ namespace: NAMESPACE, metricName, dimensionsMap: { service }, statistic, period: PERIOD });

/** Metrics emitted with one extra dimension, summed over all of its values. */
const search = (metricName: string, dimension: string, label: string) =>
  new MathExpression({
    expression: `SEARCH('{${NAMESPACE},${dimension},service} MetricName="${metricName}"', 'Sum', 300)`,
    label,
    period: PERIOD,
  });

/** The share of the saga's executions that failed, timed out or were aborted, in percent. */
const sagaFailureRateOf = (stateMachine: StateMachine) =>
  new MathExpression({
    expression: 'IF(started > 0, 100 * (failed + timedOut + aborted) / started, 0)',
    usingMetrics: {
      started: stateMachine.metricStarted({ period: PERIOD }),
      failed: stateMachine.metricFailed({ period: PERIOD }),
      timedOut: stateMachine.metricTimedOut({ period: PERIOD }),
      aborted: stateMachine.metricAborted({ period: PERIOD }),
    },
    label: 'Saga failure rate (%)',
    period: PERIOD,
  });

/** The dashboard and alarms for the business metrics of ARCHITECTURE §7. */
export class ShopObservability extends Construct {
  readonly dashboard: Dashboard;
  readonly compensationFailuresAlarm: Alarm;
  readonly sagaFailureRateAlarm: Alarm;

  constructor(
    scope: Construct,
    id: string,
    props: {
      stateMachine: StateMachine;
      /**
       * `resource`: an AWS::CloudWatch::Dashboard (AWS). `api`: the same body put with PutDashboard
       * by a custom resource, for targets whose CloudFormation has no dashboard provider (LocalStack).
       */
      dashboard?: 'resource' | 'api';
    },
  ) {
    super(scope, id);
    const { stateMachine } = props;
    const sagaFailureRate = sagaFailureRateOf(stateMachine);

    this.compensationFailuresAlarm = new Alarm(this, 'CompensationFailures', {
      alarmDescription: 'An order could not be compensated and needs a person (status COMPENSATION_FAILED).',
      metric: business('CompensationFailures', 'order'),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.sagaFailureRateAlarm = new Alarm(this, 'SagaFailureRate', {
      alarmDescription: 'More than 5% of saga executions failed, timed out or were aborted over 15 minutes.',
      metric: sagaFailureRate,
      threshold: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'ServerlessShop' });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Orders',
        width: 12,
        left: [
          business('OrdersCreated', 'order'),
          business('OrdersCompleted', 'order'),
          search('OrdersCancelled', 'Reason', 'OrdersCancelled'),
          // Orders whose saga the reconciler had to start: each one a crash between the write and StartExecution.
          business('OrdersReconciled', 'order'),
        ],
      }),
      new GraphWidget({
        title: 'Orders cancelled, by reason',
        width: 12,
        left: [search('OrdersCancelled', 'Reason', '')],
      }),
      new GraphWidget({
        title: 'Compensations',
        width: 12,
        left: [
          search('CompensationsRun', 'Compensation', 'CompensationsRun'),
          business('CompensationFailures', 'order'),
          // Compensations a completed order refused: its CompleteOrder landed, unheard.
          business('CompensationsRefused', 'order'),
        ],
      }),
      new GraphWidget({
        title: 'Payments and duplicates',
        width: 12,
        left: [
          business('PaymentsDeclined', 'billing'),
          business('IdempotentReplays', 'order'),
          business('DuplicateOrdersRejected', 'order'),
        ],
      }),
      new GraphWidget({
        title: 'Saga duration (s)',
        width: 12,
        left: [business('SagaDuration', 'order', 'p50'), business('SagaDuration', 'order', 'p99')],
      }),
      new SingleValueWidget({ title: 'Saga failure rate (%)', width: 12, metrics: [sagaFailureRate] }),
    );
    if (props.dashboard === 'api') this.putThroughApi();
  }

  /** Replaces the dashboard resource by a custom resource that puts the very same body with PutDashboard. */
  private putThroughApi(): void {
    const resource = this.dashboard.node.defaultChild as CfnDashboard;
    const name = resource.dashboardName!;
    const body = resource.dashboardBody;
    this.dashboard.node.tryRemoveChild(resource.node.id);
    const putter = new ShopFunction(this, 'DashboardFunction', {
      service: 'observability',
      handler: 'dashboard',
      description: 'Puts the dashboard with PutDashboard where CloudFormation cannot make it (LocalStack)',
    });
    putter.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
        resources: [
          Stack.of(this).formatArn({ service: 'cloudwatch', region: '', resource: 'dashboard', resourceName: name }),
        ],
      }),
    );
    new CustomResource(this, 'DashboardThroughApi', {
      serviceToken: putter.functionArn,
      resourceType: 'Custom::Dashboard',
      properties: { DashboardName: name, DashboardBody: body },
    });
  }
}

/**
 * The opt-in EMF bridge: every function's log group is subscribed to one function that turns the
 * EMF records into PutMetricData calls. For LocalStack, whose CloudWatch Logs stores EMF lines as
 * plain logs; on AWS, CloudWatch extracts the metrics itself and this stays off.
 */
export class EmfBridge extends Construct {
  readonly function: ShopFunction;

  constructor(scope: Construct, id: string, props: { functions: ShopFunction[] }) {
    super(scope, id);
    this.function = new ShopFunction(this, 'Function', {
      service: 'observability',
      handler: 'emf-bridge',
      description: 'Turns EMF log lines into CloudWatch metrics where the target does not (LocalStack)',
    });
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'], // PutMetricData has no resource-level permissions; the namespace is the condition
        conditions: { StringEquals: { 'cloudwatch:namespace': NAMESPACE } },
      }),
    );
    const destination = new LambdaDestination(this.function);
    props.functions.forEach((fn, index) => {
      new SubscriptionFilter(this, `Subscription${index}`, {
        logGroup: fn.logGroup,
        destination,
        // Every line: the bridge picks the EMF records itself, so nothing hangs on how far the
        // target's filter-pattern support goes.
        filterPattern: FilterPattern.allEvents(),
      });
    });
  }
}
