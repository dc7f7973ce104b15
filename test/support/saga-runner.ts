import { readFileSync } from 'node:fs';
import { Chaos, type FaultRuleInput } from '../../local/chaos/faults';
import { StackModel } from '../../local/cloudformation/model';
import { type CfnTemplate, propertiesOf, shortName } from '../../local/cloudformation/template';
import { AsyncInvocations } from '../../local/lambda/async';
import { FunctionNotFound } from '../../local/lambda/runtime';
import { SnsService } from '../../local/sns/service';
import { subscriptionSpecs, topicSpecs } from '../../local/sns/specs';
import type { HistoryEvent } from '../../local/stepfunctions/history';
import type { IntegrationTargets } from '../../local/stepfunctions/integrations';
import { StepFunctionsService } from '../../local/stepfunctions/service';
import { type StateMachineSpec, stateMachineSpecs } from '../../local/stepfunctions/specs';
import { type AnyHandler, fakeContext, lambdaError } from './lambda';

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
    const [logicalId, resource] = model.ofType('AWS::StepFunctions::StateMachine')[0]!;
    const substitutions = model.resolve(propertiesOf<{ DefinitionSubstitutions: unknown }>(resource).DefinitionSubstitutions) as Record<string, string>;
    const saga = stateMachineSpecs(model).find((spec) => spec.logicalId === logicalId)!;
    cached = { model, saga, variableOf: new Map(Object.entries(substitutions).map(([variable, arn]) => [arn, variable])) };
    return cached;
  };
})();

const logicalIdOf = (model: StackModel, arn: string) => model.ofType('AWS::Lambda::Function').find(([id]) => model.getAtt(id, 'Arn') === arn)?.[0];

/** Runs an in-process handler as Lambda would: a failure is reported in Lambda's error shape. */
const invokeInProcess = async (handler: AnyHandler, name: string, payload: unknown) => {
  try {
    const result: unknown = await handler(structuredClone(payload), fakeContext(name));
    return { payload: result ?? null };
  } catch (error) {
    return { functionError: 'Unhandled', payload: lambdaError(error) };
  }
};

const failed = (errorType: string, errorMessage: string) => ({ functionError: 'Unhandled', payload: { errorType, errorMessage, trace: [] } });

/**
 * An in-process invocation with the fault the chaos rules draw for it, as the local Lambda runtime
 * applies it: an error instead of running; the handler's answer lost to a timeout or a crash; a delay.
 */
const invokeWithChaos = async (chaos: Chaos, names: string[], handler: AnyHandler, payload: unknown) => {
  const fault = chaos.draw({ service: 'lambda', operation: 'Invoke', functionNames: names });
  if (fault?.effect === 'error') return failed(fault.error!.code, fault.error!.message ?? 'Injected by the test (chaos rule)');
  if (fault?.effect === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
  const outcome = await invokeInProcess(handler, names[0]!, payload);
  if (fault?.effect === 'timeout') return failed('Sandbox.Timedout', 'Task timed out (chaos rule)');
  if (fault?.effect === 'crash') return failed('Runtime.ExitError', 'Runtime exited with error: signal: killed (chaos rule)');
  return outcome;
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
 * exercised without waiting; `faults` are chaos rules, as `/_local/chaos/faults` takes them.
 */
export const runSaga = async (input: { orderId: string }, bindings: SagaBindings, faults: FaultRuleInput[] = []): Promise<SagaRun> => {
  const { model, saga, variableOf } = stack();
  const calls: Record<string, number> = {};
  const chaos = new Chaos();
  chaos.set(faults);
  const subscriberOf = (arn: string) => bindings.subscribers[shortName(logicalIdOf(model, arn) ?? '')];
  // SNS queues its deliveries as asynchronous invocations, as in the local cloud (in memory here).
  const queue = new AsyncInvocations(async (arn, event) => {
    const handler = subscriberOf(arn);
    if (!handler) throw new FunctionNotFound(`Function not found: ${arn}`);
    return invokeInProcess(handler, arn, event);
  });
  const sns = new SnsService(topicSpecs(model), subscriptionSpecs(model), queue);
  const targets: IntegrationTargets = {
    invokeLambda: async (arn, payload) => {
      const variable = variableOf.get(arn) ?? arn;
      const handler = bindings.functions[variable];
      if (!handler) throw new FunctionNotFound(`Function not found: ${arn}`);
      calls[variable] = (calls[variable] ?? 0) + 1;
      const logicalId = logicalIdOf(model, arn) ?? arn;
      return invokeWithChaos(chaos, [variable, logicalId, shortName(logicalId), arn], handler, payload);
    },
    publish: (params) => sns.publish(params),
    dynamodb: () => Promise.reject(new Error('The saga uses no DynamoDB integration')),
  };
  const service = new StepFunctionsService([saga], targets, { region: 'us-east-1', retryIntervalScale: 0 });
  const { executionArn } = service.startExecution(saga.arn, input.orderId, JSON.stringify(input));
  const record = await service.finished(executionArn);
  await queue.idle(10_000);
  const { path, retries } = pathOf(service.history(executionArn));
  if (record.status === 'SUCCEEDED') return { output: JSON.parse(service.outputOf(record) ?? 'null'), path, retries, calls };
  return { error: { Error: record.error ?? 'Unknown', Cause: record.cause }, path, retries, calls };
};
