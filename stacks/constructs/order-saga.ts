import { RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAGA_DEFINITION_PATH = join(__dirname, '..', '..', 'statemachines', 'order-saga.asl.json');

export interface OrderSagaProps {
  /** Every Lambda the definition names, by its substitution variable. */
  functions: Record<string, IFunction>;
  orderEvents: ITopic;
}

/**
 * The saga, from the one ASL file, wired with DefinitionSubstitutions and explicit grants.
 */
export class OrderSaga extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: OrderSagaProps) {
    super(scope, id);
    const logs = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(readFileSync(SAGA_DEFINITION_PATH, 'utf8')),
      definitionSubstitutions: {
        ...Object.fromEntries(Object.entries(props.functions).map(([name, fn]) => [name, fn.functionArn])),
        OrderEventsTopicArn: props.orderEvents.topicArn,
      },
      logs: { destination: logs, level: LogLevel.ERROR, includeExecutionData: false },
      // X-Ray tracing of each execution (CDK grants the role xray:PutTraceSegments and its companions).
      tracingEnabled: true,
    });
    for (const fn of Object.values(props.functions)) fn.grantInvoke(this.stateMachine);
    props.orderEvents.grantPublish(this.stateMachine);
  }
}
