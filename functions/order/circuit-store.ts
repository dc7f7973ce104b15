import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keyOf } from '#shared/dynamo';
import { isConditionFailure } from '#shared/errors';
import type { CircuitChange, CircuitRecord, CircuitStore } from './circuit';

const circuitOf = keyOf('CIRCUIT');
const FIELDS = ['circuit', 'state', 'failures', 'openedAt', 'probe', 'probeSuccesses', 'changedAt', 'version'] as const;

const toRecord = (item: Record<string, unknown> | undefined): CircuitRecord | undefined => {
  if (!item) return undefined;
  const record = Object.fromEntries(FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]]));
  return record as unknown as CircuitRecord;
};

/**
 * The circuits in their own table, one item each. Only changes of state are written (and the failure
 * count while failures happen): a healthy call reads, through the breaker's cache.
 */
export class DynamoCircuitStore implements CircuitStore {
  /** `namespace` keeps apart the circuits of callers that share a table (each test's saga harness). */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly namespace = '',
  ) {}

  private key(circuit: string) {
    return circuitOf(`${this.namespace}${circuit}`);
  }

  async read(circuit: string): Promise<CircuitRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(circuit), ConsistentRead: true }),
    );
    return toRecord(Item);
  }

  async addFailure(circuit: string, now: number): Promise<CircuitRecord> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(circuit),
        UpdateExpression:
          'ADD failures :one SET circuit = :circuit, #state = if_not_exists(#state, :closed), ' +
          'probeSuccesses = if_not_exists(probeSuccesses, :zero), changedAt = if_not_exists(changedAt, :now), ' +
          'version = if_not_exists(version, :zero)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':closed': 'CLOSED', ':circuit': circuit, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRecord(Attributes)!;
  }

  async resetFailures(circuit: string): Promise<CircuitRecord | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(circuit),
          UpdateExpression: 'SET failures = :zero',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':zero': 0 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async change(
    circuit: string,
    version: number,
    to: CircuitChange,
  ): Promise<{ won: boolean; record: CircuitRecord | undefined }> {
    const record: CircuitRecord = { circuit, ...to, version: version + 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(circuit), ...record },
          ...(version === 0
            ? {
                ConditionExpression: 'attribute_not_exists(pk) OR version = :zero',
                ExpressionAttributeValues: { ':zero': 0 },
              }
            : { ConditionExpression: 'version = :seen', ExpressionAttributeValues: { ':seen': version } }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { won: true, record };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = (error as { Item?: Record<string, unknown> }).Item;
      return { won: false, record: current ? toRecord(current) : await this.read(circuit) };
    }
  }
}
