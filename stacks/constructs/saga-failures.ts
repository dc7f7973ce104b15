import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ShopFunction } from './shop-function';

export interface SagaFailuresProps {
  ordersTable: ITable;
  stateMachine: IStateMachine;
  orderEvents: ITopic;
}

/**
 * An EventBridge rule on the saga's own "Step Functions Execution Status Change" events, for the
 * executions that end FAILED, TIMED_OUT or ABORTED, whose target (`order/on-saga-failed`) marks the
 * order COMPENSATION_FAILED and tells the buyer. The saga itself has no Catch to a Fail state: a
 * step that fails after its retries fails the execution where it stands, so that a redrive runs it
 * again and finishes the saga.
 */
export class SagaFailures extends Construct {
  readonly function: ShopFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SagaFailuresProps) {
    super(scope, id);
    this.function = new ShopFunction(this, 'Function', {
      service: 'order',
      handler: 'on-saga-failed',
      description:
        'EventBridge: a saga execution ended FAILED, TIMED_OUT or ABORTED: mark the order COMPENSATION_FAILED and notify',
      environment: { ORDER_EVENTS_TOPIC_ARN: props.orderEvents.topicArn },
    }).bindTable(props.ordersTable, 'ORDERS_TABLE', 'readWrite');
    props.orderEvents.grantPublish(this.function);
    this.rule = new Rule(this, 'Rule', {
      description: "The saga's executions that end FAILED, TIMED_OUT or ABORTED",
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [props.stateMachine.stateMachineArn] },
      },
      targets: [new LambdaFunction(this.function)],
    });
  }
}
