import type { DynamoDbLocal } from '../../local/dynamodb/process';

/** Stops every DynamoDB Local the setups started (the first teardown stops them all; later ones find none). */
export default async function globalTeardown(): Promise<void> {
  const registry = globalThis as { __dynamoInstances?: DynamoDbLocal[] };
  const instances = registry.__dynamoInstances ?? [];
  registry.__dynamoInstances = [];
  await Promise.all(instances.map((dynamo) => dynamo.stop()));
}
