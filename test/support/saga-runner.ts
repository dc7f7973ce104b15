import { readFileSync } from 'node:fs';
import { type Chaos, type FaultRuleInput, type Injected, InjectedError } from '../../local/chaos/faults';
import { localChaos } from './chaos';
import { StackModel } from '../../local/cloudformation/model';
import {
  type CfnTemplate,
  type FunctionEnvironment,
  propertiesOf,
  shortName,
} from '../../local/cloudformation/template';
import { AsyncInvocations } from '../../local/lambda/async';
import { FunctionNotFound } from '../../local/lambda/runtime';
import { SnsService } from '../../local/sns/service';
import { subscriptionSpecs, topicSpecs } from '../../local/sns/specs';
import { EventsService } from '../../local/events/service';
import { ruleSpecs } from '../../local/events/specs';
import type { HistoryEvent } from '../../local/stepfunctions/history';
import type { IntegrationTargets } from '../../local/stepfunctions/integrations';
import { StepFunctionsService } from '../../local/stepfunctions/service';
import { type StateMachineSpec, stateMachineSpecs } from '../../local/stepfunctions/specs';
import { STATUS_CHANGE_DETAIL_TYPE, STATUS_CHANGE_SOURCE } from '../../local/stepfunctions/status-events';
import { type AnyHandler, fakeContext, lambdaError } from './lambda';
import { randomUUID } from 'node:crypto';
import { CircuitBreaker } from '../../functions/order/circuit';
import { type Circuit, CIRCUITS } from '../../functions/order/circuit-names';
import { DynamoCircuitStore } from '../../functions/order/circuit-store';
import { makeCallParticipant, ParticipantError } from '../../functions/order/participant-call';
import { documentClient } from '../../functions/shared/clients';

export interface SagaBindings {
  /** Handler for each function substitution variable of the ASL (`BillingPayFunctionArn` …). */
  functions: Record<string, AnyHandler>;
  /**
   * Handler for each function invoked asynchronously (an SNS subscriber, an EventBridge rule's
   * target), by the function's logical id without CDK's hash (`NotificationOnOrderEvent`); given the
   * run's SNS, for the handlers that publish.
   */
  subscribers: (sns: SnsService) => Record<string, AnyHandler>;
}

export interface SagaRun {
  output?: unknown;
  error?: { Error: string; Cause: unknown };
  /** Every state entered, in order (a redriven execution's path goes on after its redrive). */
  path: string[];
  /** Every retry, by state. */
  retries: string[];
  /** Calls per function substitution variable. */
  calls: Record<string, number>;
  executionArn: string;
  redriveCount: number;
  /** The history's event types, in order. */
  events: string[];
}

/** The stack as the local cloud reads it: the test template (SHOP_TEST_TEMPLATE) and its saga. */
const stack = (() => {
  let cached: { model: StackModel; saga: StateMachineSpec; variableOf: Map<string, string> } | undefined;
  return () => {
    if (cached) return cached;
    const template = JSON.parse(readFileSync(process.env.SHOP_TEST_TEMPLATE!, 'utf8')) as CfnTemplate;
    const model = new StackModel(template, {
      region: 'us-east-1',
      accountId: '000000000000',
      stackName: 'ServerlessShop',
    });
    const [logicalId, resource] = model.ofType('AWS::StepFunctions::StateMachine')[0]!;
    const substitutions = model.resolve(
      propertiesOf<{ DefinitionSubstitutions: unknown }>(resource).DefinitionSubstitutions,
    ) as Record<string, string>;
    const saga = stateMachineSpecs(model).find((spec) => spec.logicalId === logicalId)!;
    cached = {
      model,
      saga,
      variableOf: new Map(Object.entries(substitutions).map(([variable, arn]) => [arn, variable])),
    };
    return cached;
  };
})();

const logicalIdOf = (model: StackModel, arn: string) =>
  model.ofType('AWS::Lambda::Function').find(([id]) => model.getAtt(id, 'Arn') === arn)?.[0];

/** Runs an in-process handler as Lambda would: a failure is reported in Lambda's error shape. */
const invokeInProcess = async (handler: AnyHandler, name: string, payload: unknown) => {
  try {
    const result: unknown = await handler(structuredClone(payload), fakeContext(name));
    return { payload: result ?? null };
  } catch (error) {
    return { functionError: 'Unhandled', payload: lambdaError(error) };
  }
};

const failed = (errorType: string, errorMessage: string) => ({
  functionError: 'Unhandled',
  payload: { errorType, errorMessage, trace: [] },
});

/**
 * An in-process invocation with the fault the chaos rules draw for it, as the local Lambda runtime
 * applies it: an error instead of running; the handler's answer lost to a timeout or a crash; a delay.
 */
const invokeWithChaos = async (chaos: Chaos, names: string[], handler: AnyHandler, payload: unknown) => {
  let fault: Injected | undefined;
  try {
    fault = await chaos.apply({ service: 'lambda', operation: 'Invoke', functionNames: names });
  } catch (error) {
    if (error instanceof InjectedError) return failed(error.code, error.message);
    throw error;
  }
  const outcome = await invokeInProcess(handler, names[0]!, payload);
  if (fault?.effect === 'timeout') return failed('Sandbox.Timedout', 'Task timed out (chaos rule)');
  if (fault?.effect === 'crash')
    return failed('Runtime.ExitError', 'Runtime exited with error: signal: killed (chaos rule)');
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
 * (the ones `npm start` runs), with the Lambda functions bound to in-process handlers, SNS delivering
 * to in-process subscribers, and each status change of the execution put on the template's EventBridge
 * rules (their Lambda targets in-process too). Retry intervals are scaled to 0, so that retries are
 * exercised without waiting; `faults` are chaos rules, as `/_local/chaos/faults` takes them, and
 * `chaos` takes them away (the fault is gone) before a `redrive`.
 */
export class SagaHarness {
  readonly chaos = localChaos();
  private readonly calls: Record<string, number> = {};
  private readonly queue: AsyncInvocations;
  private readonly service: StepFunctionsService;
  private executionArn?: string;
  private subscribers: Record<string, AnyHandler> = {};

  constructor(bindings: SagaBindings, faults: FaultRuleInput[] = []) {
    const { model, saga, variableOf } = stack();
    this.chaos.set(faults);
    // SNS and EventBridge queue their deliveries as asynchronous invocations, as in the local cloud (in memory here).
    this.queue = new AsyncInvocations(async (arn, event) => {
      const handler = this.subscribers[shortName(logicalIdOf(model, arn) ?? '')];
      if (!handler) throw new FunctionNotFound(`Function not found: ${arn}`);
      return invokeInProcess(handler, arn, event);
    });
    const sns = new SnsService(topicSpecs(model), subscriptionSpecs(model), this.queue);
    this.subscribers = bindings.subscribers(sns);
    const events = new EventsService(ruleSpecs(model), this.queue, { region: 'us-east-1', accountId: '000000000000' });
    const functions: Record<string, AnyHandler> = {
      ...bindings.functions,
      OrderCallParticipantFunctionArn: this.callParticipant(bindings),
    };
    const targets: IntegrationTargets = {
      invokeLambda: async (arn, payload) => {
        const variable = variableOf.get(arn) ?? arn;
        const handler = functions[variable];
        if (!handler) throw new FunctionNotFound(`Function not found: ${arn}`);
        this.calls[variable] = (this.calls[variable] ?? 0) + 1;
        const logicalId = logicalIdOf(model, arn) ?? arn;
        return invokeWithChaos(this.chaos, [variable, logicalId, shortName(logicalId), arn], handler, payload);
      },
      publish: (params) => sns.publish(params),
      dynamodb: () => Promise.reject(new Error('The saga uses no DynamoDB integration')),
    };
    this.service = new StepFunctionsService([saga], targets, {
      region: 'us-east-1',
      retryIntervalScale: 0,
      onStatusChange: (record, detail) =>
        events.put(events.event(STATUS_CHANGE_SOURCE, STATUS_CHANGE_DETAIL_TYPE, { ...detail }, [record.executionArn])),
    });
  }

  /**
   * The circuit-breaking step, calling the participants' in-process handlers (bound by
   * `<function>FunctionArn`, `BillingPayFunctionArn` …) with the chaos rules applied, as the local
   * runtime would. Its circuits are this harness's own, so one test's failures do not open another's.
   */
  private callParticipant(bindings: SagaBindings): AnyHandler {
    const { model } = stack();
    const step = model.ofType('AWS::Lambda::Function').find(([id]) => shortName(id) === 'CircuitsCallParticipant')!;
    const environment = model.resolve(propertiesOf<FunctionEnvironment>(step[1]).Environment?.Variables) as Record<
      string,
      string
    >;
    const participants = Object.fromEntries(
      Object.entries(CIRCUITS).map(([circuit, variable]) => [circuit, environment[variable]!]),
    ) as Record<Circuit, string>;
    const breaker = new CircuitBreaker(
      new DynamoCircuitStore(documentClient, process.env.CIRCUIT_TABLE!, `${randomUUID()}/`),
    );
    return makeCallParticipant(
      breaker,
      async (arn, input) => {
        const logicalId = logicalIdOf(model, arn) ?? arn;
        const variable = `${shortName(logicalId)}FunctionArn`;
        const handler = bindings.functions[variable];
        if (!handler) throw new FunctionNotFound(`Function not found: ${arn}`);
        this.calls[variable] = (this.calls[variable] ?? 0) + 1;
        const outcome = await invokeWithChaos(
          this.chaos,
          [variable, logicalId, shortName(logicalId), arn],
          handler,
          input,
        );
        if (!outcome.functionError) return outcome.payload;
        const { errorType, errorMessage } = outcome.payload as { errorType: string; errorMessage: string };
        throw new ParticipantError(errorType, errorMessage);
      },
      participants,
    );
  }

  async start(input: { orderId: string }): Promise<SagaRun> {
    this.executionArn = this.service.startExecution(
      stack().saga.arn,
      input.orderId,
      JSON.stringify(input),
    ).executionArn;
    return this.outcome();
  }

  /** RedriveExecution of the execution this harness started, then its outcome. */
  async redrive(): Promise<SagaRun> {
    this.service.redriveExecution(this.executionArn!);
    return this.outcome();
  }

  /** StopExecution of the execution this harness started (by an operator: error `Operator`). */
  stop(): void {
    this.service.stopExecution(this.executionArn!, 'Operator', 'Stopped by hand');
  }

  /** Delivers an event to one of the asynchronously invoked functions again, and waits for what it sets off. */
  async deliver(name: string, event: unknown): Promise<unknown> {
    const outcome = await invokeInProcess(this.subscribers[name]!, name, event);
    await this.queue.idle(10_000);
    if (outcome.functionError) throw new Error(JSON.stringify(outcome.payload));
    return outcome.payload;
  }

  /** The execution once it ended and every delivery it caused (notifications, rule targets) is done. */
  private async outcome(): Promise<SagaRun> {
    const executionArn = this.executionArn!;
    const record = await this.service.finished(executionArn);
    await this.queue.idle(10_000);
    const history = this.service.history(executionArn);
    const run = {
      ...pathOf(history),
      calls: { ...this.calls },
      executionArn,
      redriveCount: record.redriveCount,
      events: history.map((e) => e.type),
    };
    if (record.status === 'SUCCEEDED') return { output: JSON.parse(this.service.outputOf(record) ?? 'null'), ...run };
    return { error: { Error: record.error ?? 'Unknown', Cause: record.cause }, ...run };
  }
}

export const runSaga = (
  input: { orderId: string },
  bindings: SagaBindings,
  faults: FaultRuleInput[] = [],
): Promise<SagaRun> => new SagaHarness(bindings, faults).start(input);
