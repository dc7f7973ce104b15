import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ShopFunction } from './shop-function';

export interface OrderReconcilerProps {
  ordersTable: ITable;
  stateMachine: IStateMachine;
  /** How long an order may stay PENDING with no execution before the reconciler starts its saga. */
  olderThan?: Duration;
}

/**
 * An EventBridge schedule that runs `order/reconcile` every minute: it starts the saga of any order
 * left PENDING with no execution (the process died between writing the order and starting it).
 * The threshold travels in the target's Input, so an operator may invoke the function with another:
 * it is named `<stack>-reconcile-orders` for that.
 *
 *   aws lambda invoke --function-name ServerlessShop-reconcile-orders --payload '{"olderThanSeconds":0}' out.json
 */
export class OrderReconciler extends Construct {
  readonly function: ShopFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: OrderReconcilerProps) {
    super(scope, id);
    this.function = new ShopFunction(this, 'Function', {
      service: 'order',
      handler: 'reconcile',
      description: 'Scheduled: start the saga of orders left PENDING with no execution',
      functionName: `${Stack.of(this).stackName}-reconcile-orders`,
      timeout: Duration.seconds(60),
      environment: { STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
    }).bindTable(props.ordersTable, 'ORDERS_TABLE', 'read');
    props.stateMachine.grantStartExecution(this.function);
    props.stateMachine.grantExecution(this.function, 'states:DescribeExecution');
    const olderThanSeconds = (props.olderThan ?? Duration.minutes(1)).toSeconds();
    this.rule = new Rule(this, 'Schedule', {
      description: `Every minute: start the saga of orders PENDING for over ${olderThanSeconds} s with no execution`,
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.function, { event: RuleTargetInput.fromObject({ olderThanSeconds }) })],
    });
  }
}
