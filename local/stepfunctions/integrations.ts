import { randomUUID } from 'node:crypto';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { LambdaErrorPayload } from '../lambda/invocation';
import type { PublishInput } from '../sns/service';

/** The X-Ray trace header a Task hands on to what it calls (its Parent: the Task's attempt). */
export interface Traced {
  traceHeader?: string;
}

/** What Task states reach: a Lambda runtime, SNS and DynamoDB. */
export interface IntegrationTargets {
  invokeLambda(
    nameOrArn: string,
    payload: unknown,
    options?: Traced,
  ): Promise<{ payload: unknown; functionError?: string; requestId?: string }>;
  publish(params: PublishInput, options?: Traced): Promise<{ MessageId: string }> | { MessageId: string };
  dynamodb(action: string, params: Record<string, unknown>): Promise<unknown>;
  /** EventBridge's PutEvents on the default bus: each entry put, its event id answered. */
  putEvents?(entries: PutEventsEntry[], options?: Traced): string[];
}

/** One entry of EventBridge's PutEvents, as a Task's Arguments or Parameters give it. */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: unknown;
  Resources?: string[];
  EventBusName?: string;
  /** The event's X-Ray trace header; the Task's own when absent. */
  TraceHeader?: string;
}

/** An error as a Task reports it to the state machine: `Error` is its name, `Cause` its message. */
export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** A Task's input, after its Parameters were applied. */
export type TaskInput = Record<string, unknown>;

export type TaskCall = (input: TaskInput, traced?: Traced) => Promise<unknown>;

const lambdaFailure = (payload: unknown) => {
  const error = payload as LambdaErrorPayload;
  return new TaskFailure(error?.errorType ?? 'Lambda.Unknown', JSON.stringify(error));
};

/**
 * What Step Functions adds to an optimized integration's result, as AWS's SDK reports the call:
 * `SdkHttpMetadata` (`AllHttpHeaders`, `HttpHeaders`, `HttpStatusCode`) and `SdkResponseMetadata`
 * (`RequestId`), as the developer guide's ResultSelector example and recorded executions show.
 */
const sdkMetadata = (headers: Record<string, string>, requestId: string = randomUUID()) => {
  const all: Record<string, string> = {
    'Content-Type': 'application/json',
    Date: new Date().toUTCString(),
    'x-amzn-RequestId': requestId,
    ...headers,
  };
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(all).map(([name, value]) => [name, [value]])),
      HttpHeaders: all,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
};

/** A failure of the Lambda service itself (not of the function) is `Lambda.<Exception>`. */
const invoke = async (targets: IntegrationTargets, functionName: string, payload: unknown, traced: Traced = {}) => {
  try {
    return await targets.invokeLambda(functionName, payload, traced);
  } catch (error) {
    const name = (error as Error).name;
    throw new TaskFailure(`Lambda.${name === 'Error' ? 'ServiceException' : name}`, (error as Error).message);
  }
};

/** A service integration's own failure is `<Service>.<Exception>`, as Step Functions names them. */
const shaped = async <T>(service: string, call: () => Promise<T> | T): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw new TaskFailure(`${service}.${(error as Error).name}`, (error as Error).message);
  }
};

/**
 * The service integration behind a Task's Resource, with AWS's result and error shapes: the
 * optimized Lambda integration (`lambda:invoke`: the function's result under `Payload`; a function
 * error's `Error` is its errorType and its `Cause` Lambda's JSON), a plain function ARN, `sns:publish`
 * and the DynamoDB item actions.
 */
export const taskIntegration = (resource: string, stateName: string, targets: IntegrationTargets): TaskCall => {
  if (resource === 'arn:aws:states:::lambda:invoke') {
    return async (input, traced) => {
      const result = await invoke(targets, String(input.FunctionName), input.Payload ?? {}, traced);
      if (result.functionError) throw lambdaFailure(result.payload);
      return {
        ExecutedVersion: '$LATEST',
        Payload: result.payload,
        // The invocation's own request id, as Lambda answers it: its log lines carry the same.
        ...sdkMetadata({ 'X-Amz-Executed-Version': '$LATEST' }, result.requestId),
        StatusCode: 200,
      };
    };
  }
  if (/^arn:aws:lambda:[^:]*:[^:]*:function:/.test(resource)) {
    return async (input, traced) => {
      const result = await invoke(targets, resource, input, traced);
      if (result.functionError) throw lambdaFailure(result.payload);
      return result.payload;
    };
  }
  if (resource === 'arn:aws:states:::sns:publish') {
    return async (input, traced) => {
      const { MessageId } = await shaped('SNS', () => targets.publish(input as unknown as PublishInput, traced));
      return { MessageId, ...sdkMetadata({ 'Content-Type': 'text/xml' }) };
    };
  }
  if (resource === 'arn:aws:states:::events:putEvents') {
    return (input, traced) =>
      shaped('EventBridge', () => {
        const entries = (input.Entries ?? []) as PutEventsEntry[];
        if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10)
          throw Object.assign(new Error('Entries must hold 1 to 10 entries'), { name: 'ValidationException' });
        if (!targets.putEvents)
          throw Object.assign(new Error('EventBridge is not running'), { name: 'ServiceException' });
        const ids = targets.putEvents(entries, traced);
        return Promise.resolve({ Entries: ids.map((EventId) => ({ EventId })), FailedEntryCount: 0 });
      });
  }
  const dynamodb = /^arn:aws:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/.exec(resource);
  if (dynamodb) return (input) => shaped('DynamoDB', () => targets.dynamodb(dynamodb[1]!, input));
  throw new Error(`Task state ${stateName}: resource ${resource} is not supported by the local cloud`);
};

/** The DynamoDB item actions of the optimized integration, sent with a DynamoDB client. */
/** The DynamoDB integrations, on a client that may still be on its way (DynamoDB Local starting). */
export const dynamodbActions = (client: DynamoDBClient | Promise<DynamoDBClient>): IntegrationTargets['dynamodb'] => {
  const commands = {
    getItem: GetItemCommand,
    putItem: PutItemCommand,
    updateItem: UpdateItemCommand,
    deleteItem: DeleteItemCommand,
  } as const;
  return async (action, params) => {
    const Command = commands[action as keyof typeof commands] as unknown as new (input: unknown) => GetItemCommand;
    const { $metadata: _, ...output } = await (await client).send(new Command(params));
    return output;
  };
};
