import { readFileSync } from 'node:fs';
import { StackModel } from '../../local/cloudformation/model';
import type { CfnTemplate } from '../../local/cloudformation/template';
import { FunctionNotFound } from '../../local/lambda/runtime';
import { shortName } from '../../local/logs/hub';
import { SnsService } from '../../local/sns/service';
import { subscriptionSpecs, topicSpecs } from '../../local/sns/specs';
import type { HistoryEvent } from '../../local/stepfunctions/history';
import type { IntegrationTargets } from '../../local/stepfunctions/integrations';
import { StepFunctionsService } from '../../local/stepfunctions/service';
import { type StateMachineSpec, stateMachineSpecs } from '../../local/stepfunctions/specs';
import { type AnyHandler, fakeContext, lambdaError } from './lambda';

/** A fault to inject at the Lambda boundary, by call number (1-based): return an error to throw it. */
export type Fault = (call: number) => Error | undefined;

export interface SagaBindings {
  /** Handler for each function substitution variable of the ASL (`BillingPayFunctionArn` …). */
  functions: Record<string, AnyHandler>;
  /** Handler for each SNS subscriber, by the function's logical id without CDK's hash (`NotificationOnOrderEvent`). */
  subscribers: Record<string, AnyHandler>;
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

/** The stack as the local cloud reads it: the test template (SHOP_TEST_TEMPLATE) and its saga. */
const stack = (() => {
  let cached: { model: StackModel; saga: StateMachineSpec; variableOf: Map<string, string> } | undefined;
  return () => {
    if (cached) return cached;
    const template = JSON.parse(readFileSync(process.env.SHOP_TEST_TEMPLATE!, 'utf8')) as CfnTemplate;
    const model = new StackModel(template, { region: 'us-east-1', accountId: '000000000000', stackName: 'ServerlessShop' });
    const [[logicalId, resource]] = model.ofType('AWS::StepFunctions::StateMachine') as [[string, any]];
    const substitutions = model.resolve(resource.Properties.DefinitionSubstitutions) as Record<string, string>;
    const saga = stateMachineSpecs(model).find((spec) => spec.logicalId === logicalId)!;
    cached = { model, saga, variableOf: new Map(Object.entries(substitutions).map(([variable, arn]) => [arn, variable])) };
    return cached;
  };
})();

const logicalIdOf = (model: StackModel, arn: string) => model.ofType('AWS::Lambda::Function').find(([id]) => model.getAtt(id, 'Arn') === arn)?.[0];

/** Runs an in-process handler as Lambda would: a failure is reported in Lambda's error shape. */
const invokeInProcess = async (handler: AnyHandler, name: string, payload: unknown) => {
  try {
    return { payload: (await handler(structuredClone(payload), fakeContext(name))) ?? null };
  } catch (error) {
    return { functionError: 'Unhandled', payload: lambdaError(error) };
  }
};

/** Which states were entered, and which Task states were scheduled again before they exited (retries). */
const pathOf = (events: HistoryEvent[]) => {
  const path: string[] = [];
  const retries: string[] = [];
  let scheduled = 0;
  for (const event of events) {
    if (event.type.endsWith('StateEntered')) {
      path.push((event.stateEnteredEventDetails as { name: string }).name);
      scheduled = 0;
    } else if (event.type === 'TaskScheduled' && ++scheduled > 1) retries.push(path.at(-1)!);
  }
  return { path, retries };
};

/**
 * Runs the deployed ASL through the local cloud's own Step Functions service and task integrations
 * (the ones `npm start` runs), with the Lambda functions bound to in-process handlers and SNS
 * delivering to in-process subscribers. Retry intervals are scaled to 0, so that retries are
 * exercised without waiting; `faults` fail chosen calls of chosen functions.
 */
export const runSaga = async (input: { orderId: string }, bindings: SagaBindings, faults: Record<string, Fault> = {}): Promise<SagaRun> => {
  const { model, saga, variableOf } = stack();
  const calls: Record<string, number> = {};
  const subscriberOf = (arn: string) => bindings.subscribers[shortName(logicalIdOf(model, arn) ?? '')];
  const sns = new SnsService(topicSpecs(model), subscriptionSpecs(model), async (arn, event) => {
    const handler = subscriberOf(arn);
    if (!handler) throw new FunctionNotFound(`Function not found: ${arn}`);
    return invokeInProcess(handler, arn, event);
  });
  const targets: IntegrationTargets = {
    invokeLambda: async (arn, payload) => {
      const variable = variableOf.get(arn) ?? arn;
      const handler = bindings.functions[variable];
      if (!handler) throw new FunctionNotFound(`Function not found: ${arn}`);
      calls[variable] = (calls[variable] ?? 0) + 1;
      const injected = faults[variable]?.(calls[variable]);
      if (injected) return { functionError: 'Unhandled', payload: lambdaError(injected) };
      return invokeInProcess(handler, variable, payload);
    },
    publish: (params) => sns.publish(params),
    dynamodb: async () => {
      throw new Error('The saga uses no DynamoDB integration');
    },
  };
  const service = new StepFunctionsService([saga], targets, { region: 'us-east-1', retryIntervalScale: 0 });
  const { executionArn } = service.startExecution(saga.arn, input.orderId, JSON.stringify(input));
  const record = await service.finished(executionArn);
  await sns.drain(10_000);
  const { path, retries } = pathOf(service.history(executionArn));
  if (record.status === 'SUCCEEDED') return { output: JSON.parse(service.outputOf(record) ?? 'null'), path, retries, calls };
  return { error: { Error: record.error ?? 'Unknown', Cause: record.cause }, path, retries, calls };
};
