import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  AlarmState,
  AlarmStatusWidget,
  type CfnDashboard,
  ComparisonOperator,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterPattern, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CIRCUITS, type Circuit } from '../../functions/order/circuit-names';
import { ShopFunction } from './shop-function';

const CIRCUIT_NAMES = Object.keys(CIRCUITS) as Circuit[];

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

/** 1 for each 5-minute period in which orders were created and none completed (two such periods: 10 minutes stalled). */
const ordersStalled = () =>
  new MathExpression({
    expression: 'IF(created > 0 AND FILL(completed, 0) == 0, 1, 0)',
    usingMetrics: { created: business('OrdersCreated', 'order'), completed: business('OrdersCompleted', 'order') },
    label: 'Orders created, none completed',
    period: PERIOD,
  });

/** The share of payment attempts that were declined, in percent. */
const paymentDeclineRate = () =>
  new MathExpression({
    expression: 'IF(attempted > 0, 100 * FILL(declined, 0) / attempted, 0)',
    usingMetrics: {
      attempted: business('PaymentsAttempted', 'billing'),
      declined: business('PaymentsDeclined', 'billing'),
    },
    label: 'Payment decline rate (%)',
    period: PERIOD,
  });

/** A circuit's state as its calls report it (0 closed, 1 half-open, 2 open), the worst in each minute. */
const circuitState = (circuit: Circuit) =>
  new Metric({
    namespace: NAMESPACE,
    metricName: 'CircuitState',
    dimensionsMap: { Circuit: circuit, service: 'order' },
    statistic: 'Maximum',
    period: Duration.minutes(1),
    label: circuit,
  });

/** The worst state of all the circuits, minute by minute. */
const worstCircuitState = () =>
  new MathExpression({
    expression: `MAX([${CIRCUIT_NAMES.map((_, i) => `c${i}`).join(', ')}])`,
    usingMetrics: Object.fromEntries(CIRCUIT_NAMES.map((circuit, i) => [`c${i}`, circuitState(circuit)])),
    label: 'Worst circuit state',
    period: Duration.minutes(1),
  });

/** A construct id from a function's path in the stack (`Billing/Pay` → `BillingPay`). */
const idOf = (fn: ShopFunction) => fn.node.path.split('/').slice(1).join('');

/** The dashboard and alarms for the business metrics of ARCHITECTURE §7. */
export class ShopObservability extends Construct {
  readonly dashboard: Dashboard;
  readonly compensationFailuresAlarm: Alarm;
  /** None with `alarms: 'single-metric'`: it is metric math. */
  readonly sagaFailureRateAlarm?: Alarm;
  /** Where every alarm's state changes go (AlarmActions and OKActions); an email subscription when `alertEmail` is given. */
  readonly alertsTopic: Topic;
  /** The business alarms beyond the two above, by name; only `sagaP99Duration` with `alarms: 'single-metric'`. */
  readonly businessAlarms: Partial<
    Record<'ordersStalled' | 'paymentDeclineRate' | 'sagaP99Duration' | 'circuitOpen', Alarm>
  >;
  /** One alarm on AWS/Lambda Errors per function. */
  readonly lambdaErrorAlarms: Alarm[];
  /** "Shop unhealthy": ALARM when any other alarm is; none with `alarms: 'single-metric'`. */
  readonly shopUnhealthy?: CompositeAlarm;

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
      /** The functions whose AWS/Lambda Errors each get an alarm. */
      functions?: ShopFunction[];
      /** An email address subscribed to the alerts topic (CDK context `alertEmail`); none by default. */
      alertEmail?: string;
      /**
       * `all` (the default): every alarm. `single-metric`: only the alarms on one metric, for targets whose
       * CloudFormation refuses metric-math and composite alarms (MiniStack): the saga failure rate, orders
       * stalled, payment decline rate and circuit open alarms, and "shop unhealthy", are left out.
       */
      alarms?: 'all' | 'single-metric';
    },
  ) {
    super(scope, id);
    const { stateMachine } = props;
    const sagaFailureRate = sagaFailureRateOf(stateMachine);
    this.alertsTopic = new Topic(this, 'Alerts', {
      topicName: `${Stack.of(this).stackName}-alerts`,
      displayName: 'Serverless Shop alerts',
    });
    if (props.alertEmail) this.alertsTopic.addSubscription(new EmailSubscription(props.alertEmail));

    this.compensationFailuresAlarm = new Alarm(this, 'CompensationFailures', {
      alarmDescription: 'An order could not be compensated and needs a person (status COMPENSATION_FAILED).',
      metric: business('CompensationFailures', 'order'),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const math = props.alarms !== 'single-metric';
    if (math)
      this.sagaFailureRateAlarm = new Alarm(this, 'SagaFailureRate', {
        alarmDescription: 'More than 5% of saga executions failed, timed out or were aborted over 15 minutes.',
        metric: sagaFailureRate,
        threshold: 5,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    this.businessAlarms = this.businessAlarmsOf(math);
    this.lambdaErrorAlarms = (props.functions ?? []).map((fn) => this.lambdaErrorsAlarm(fn));
    const children: Alarm[] = [
      this.compensationFailuresAlarm,
      ...(this.sagaFailureRateAlarm ? [this.sagaFailureRateAlarm] : []),
      ...Object.values(this.businessAlarms),
      ...this.lambdaErrorAlarms,
    ];
    this.shopUnhealthy = this.withActions(children, math);

    this.dashboard = this.dashboardOf(sagaFailureRate, children);
    if (props.dashboard === 'api') this.putThroughApi();
  }

  /** The business metrics' widgets, and every alarm's status. */
  private dashboardOf(sagaFailureRate: MathExpression, alarms: Alarm[]): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'ServerlessShop' });
    dashboard.addWidgets(
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
      new GraphWidget({ title: 'Payment decline rate (%)', width: 12, left: [paymentDeclineRate()] }),
      new GraphWidget({
        title: 'Circuits (0 closed, 1 half-open, 2 open)',
        width: 12,
        left: CIRCUIT_NAMES.map(circuitState),
        leftYAxis: { min: 0, max: 2 },
      }),
      new GraphWidget({
        title: 'Circuit refusals and transitions',
        width: 12,
        left: [
          search('CircuitRejected', 'Circuit', 'CircuitRejected'),
          search('CircuitTransitions', 'Circuit', 'CircuitTransitions'),
          search('CircuitStoreUnavailable', 'Circuit', 'CircuitStoreUnavailable'),
        ],
      }),
      new AlarmStatusWidget({
        title: 'Alarms',
        width: 24,
        alarms: [...(this.shopUnhealthy ? [this.shopUnhealthy] : []), ...alarms],
      }),
    );
    return dashboard;
  }

  /** One function's AWS/Lambda Errors: 5 or more in 5 minutes. */
  private lambdaErrorsAlarm(fn: ShopFunction): Alarm {
    return new Alarm(this, `LambdaErrors${idOf(fn)}`, {
      alarmDescription: `Function ${idOf(fn)} failed 5 times or more in 5 minutes (AWS/Lambda Errors; typed business errors count too).`,
      metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      threshold: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * The composite "shop unhealthy" over the alarms (when `composite`); the alerts topic as AlarmAction
   * and OKAction of each, and of it.
   */
  private withActions(children: Alarm[], composite: boolean): CompositeAlarm | undefined {
    const unhealthy = composite
      ? new CompositeAlarm(this, 'ShopUnhealthy', {
          compositeAlarmName: `${Stack.of(this).stackName}-shop-unhealthy`,
          alarmDescription: 'The shop is unhealthy: at least one of its alarms is in ALARM.',
          alarmRule: AlarmRule.anyOf(...children.map((alarm) => AlarmRule.fromAlarm(alarm, AlarmState.ALARM))),
        })
      : undefined;
    const action = new SnsAction(this.alertsTopic);
    for (const alarm of [...children, ...(unhealthy ? [unhealthy] : [])]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return unhealthy;
  }

  /** Orders stalled (10 minutes), payment-decline rate and a circuit open (metric math, when `math`); saga p99 duration. */
  private businessAlarmsOf(math: boolean): ShopObservability['businessAlarms'] {
    const rates = math
      ? {
          ordersStalled: new Alarm(this, 'OrdersStalled', {
            alarmDescription: 'Orders were created but none completed for 10 minutes (two 5-minute periods).',
            metric: ordersStalled(),
            threshold: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 2,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
          paymentDeclineRate: new Alarm(this, 'PaymentDeclineRate', {
            alarmDescription:
              'More than 25% of payment attempts were declined, in 2 of the last 3 periods of 5 minutes.',
            metric: paymentDeclineRate(),
            threshold: 25,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
          // Calls report the state they saw; with no calls the alarm keeps its state, as the circuit keeps its own.
          circuitOpen: new Alarm(this, 'CircuitOpen', {
            alarmDescription:
              "A participant's circuit is open: the saga refuses its calls, and orders are cancelled (SERVICE_UNAVAILABLE).",
            metric: worstCircuitState(),
            threshold: 2,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.IGNORE,
          }),
        }
      : {};
    return {
      ...rates,
      sagaP99Duration: new Alarm(this, 'SagaP99Duration', {
        alarmDescription: "The saga's p99 duration was over 30 seconds for 15 minutes.",
        metric: business('SagaDuration', 'order', 'p99'),
        threshold: 30,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    };
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
