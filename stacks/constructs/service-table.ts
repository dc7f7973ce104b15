import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

/** On-demand tables that go away with the stack: this is a reference app, not a system of record. */
export const serviceTable = (scope: Construct, id: string, props: Partial<TableProps> = {}): Table =>
  new Table(scope, id, {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    removalPolicy: RemovalPolicy.DESTROY,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
    ...props,
  });
