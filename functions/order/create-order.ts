import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { documentClient, dynamoClient } from '#shared/clients';
import { env } from '#shared/config';
import { makeCreateOrderHandler } from './create-order-api';
import { LambdaCatalogue, LambdaClient, SFNClient, StepFunctionsSagaStarter } from './ports';
import { DynamoOrderStore } from './store';

/** POST /orders, wired to DynamoDB, the Warehouse quote function and the saga. */
export const handler = makeCreateOrderHandler({
  store: new DynamoOrderStore(documentClient, env('ORDERS_TABLE')),
  catalogue: new LambdaCatalogue(new LambdaClient({}), env('QUOTE_FUNCTION_NAME')),
  saga: new StepFunctionsSagaStarter(new SFNClient({}), env('STATE_MACHINE_ARN')),
  persistenceStore: new DynamoDBPersistenceLayer({ tableName: env('IDEMPOTENCY_TABLE'), awsSdkV3Client: dynamoClient }),
});
