import '../../local/polyfills';
import type { SNSEvent } from 'aws-lambda';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SAGA_DEFINITION_PATH } from '../../stacks/constructs/order-saga';
import { type AnyHandler, fakeContext, lambdaError } from './lambda';

const ARN_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:';
export const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:order-events';

/** A fault to inject at the Lambda boundary, by call number (1-based): return an error to throw it. */
export type Fault = (call: number) => Error | undefined;

export interface SagaBindings {
  /** Handler for each function substitution variable of the ASL. */
  functions: Record<string, AnyHandler>;
  /** Subscribers of the order-events topic. */
  subscribers: AnyHandler[];
}

export interface SagaRun {
  output?: unknown;
  error?: { Error: string; Cause: unknown };
  /** Every state entered, in order. */
  path: string[];
  /** Every retry, by state. */
  retries: string[];
  /** Calls per function substitution variable. */
  calls: Record<string, number>;
}

/** The deployed ASL with each `${Var}` replaced by a local ARN (functions) or the topic ARN. */
export const loadDefinition = (): StateMachineDefinition => {
  const text = readFileSync(SAGA_DEFINITION_PATH, 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) =>
    name === 'OrderEventsTopicArn' ? TOPIC_ARN : `${ARN_PREFIX}${name}`,
  );
  return JSON.parse(text) as StateMachineDefinition;
};

class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * Runs the real ASL with aws-local-stepfunctions. Every Task goes where AWS would send it: the
 * Lambda integration to the bound handler (with Lambda's error shape), SNS publish to the topic's
 * subscribers as an SNS event. Retry intervals are zeroed so that retries are exercised without waiting.
 */
export const runSaga = async (input: unknown, bindings: SagaBindings, faults: Record<string, Fault> = {}): Promise<SagaRun> => {
  const definition = loadDefinition();
  const calls: Record<string, number> = {};
  const taskResourceLocalHandlers: Record<string, (input: any) => Promise<any>> = {};
  const retryIntervalOverrides: Record<string, number> = {};

  for (const [stateName, state] of Object.entries<any>(definition.States)) {
    if (state.Retry) retryIntervalOverrides[stateName] = 0;
    if (state.Type !== 'Task') continue;
    if (state.Resource === 'arn:aws:states:::lambda:invoke') {
      taskResourceLocalHandlers[stateName] = async ({ FunctionName, Payload }) => {
        const name = String(FunctionName).replace(ARN_PREFIX, '');
        const handler = bindings.functions[name];
        if (!handler) throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${FunctionName}`);
        calls[name] = (calls[name] ?? 0) + 1;
        try {
          const injected = faults[name]?.(calls[name]);
          if (injected) throw injected;
          const result = await handler(structuredClone(Payload), fakeContext(name));
          return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: result ?? null };
        } catch (error) {
          const shaped = lambdaError(error);
          throw new TaskError(shaped.errorType, JSON.stringify(shaped));
        }
      };
    } else if (state.Resource === 'arn:aws:states:::sns:publish') {
      taskResourceLocalHandlers[stateName] = async ({ TopicArn, Message }) => {
        const messageId = randomUUID();
        const event: SNSEvent = {
          Records: [
            {
              EventSource: 'aws:sns',
              EventVersion: '1.0',
              EventSubscriptionArn: `${TopicArn}:${randomUUID()}`,
              Sns: {
                Type: 'Notification',
                MessageId: messageId,
                TopicArn,
                Subject: '',
                Message: typeof Message === 'string' ? Message : JSON.stringify(Message),
                Timestamp: new Date().toISOString(),
                SignatureVersion: '1',
                Signature: '',
                SigningCertUrl: '',
                UnsubscribeUrl: '',
                MessageAttributes: {},
              },
            },
          ],
        };
        for (const subscriber of bindings.subscribers) await subscriber(event, fakeContext('subscriber'));
        return { MessageId: messageId };
      };
    } else {
      throw new Error(`State ${stateName} uses ${state.Resource}, which this runner does not bind`);
    }
  }

  const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
  const execution = machine.run(input as any, { overrides: { taskResourceLocalHandlers, retryIntervalOverrides } });
  const path: string[] = [];
  const retries: string[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') path.push(event.state.name);
      if (event.type === 'StateRetried') retries.push(event.state.name);
    }
  })();
  try {
    const output = await execution.result;
    await collecting;
    return { output, path, retries, calls };
  } catch (error) {
    await collecting;
    if (!(error instanceof ExecutionError)) throw error;
    const cause = (error as { cause?: { name?: string; message?: string; cause?: unknown } }).cause;
    return { error: { Error: cause?.name ?? 'Unknown', Cause: cause?.cause ?? cause?.message }, path, retries, calls };
  }
};
