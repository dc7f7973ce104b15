import { randomUUID } from 'node:crypto';
import { ServiceError } from '../support/errors';

/** The services a fault can target: a function, or an operation of DynamoDB, SNS or Step Functions. */
export const FAULT_SERVICES = ['lambda', 'dynamodb', 'sns', 'states'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

/**
 * What a fault does. `error`: the call fails with the named error (for a function, as if it threw
 * it, before it runs). `timeout`: the work is done but the answer never comes (a function is held
 * until its timeout, `Sandbox.Timedout`; a DynamoDB request is forwarded and its answer dropped).
 * `crash`: a function runs and its worker dies before answering (`Runtime.ExitError`); a DynamoDB
 * connection is reset. `latency`: the call is delayed.
 */
export const FAULT_EFFECTS = ['error', 'timeout', 'crash', 'latency'] as const;
export type FaultEffect = (typeof FAULT_EFFECTS)[number];

/** A fault rule as LocalStack's Chaos API has it (service, region, operation, probability, error), plus ours. */
export interface FaultRule {
  id: string;
  service: FaultService;
  /** An operation name (`TransactWriteItems`, `Publish`, `StartExecution`, `Invoke`); every one when absent. */
  operation?: string;
  /** For `lambda`: the function, by name, logical id, logical id without CDK's hash, or ARN. */
  function?: string;
  region?: string;
  effect: FaultEffect;
  error?: { code: string; statusCode?: number; message?: string };
  latencyMs?: number;
  /** Fires with this probability (default 1). */
  probability: number;
  /** Fires on the next N matching calls only; unlimited when absent. */
  remaining?: number;
  /** How many times it has fired. */
  injected: number;
  createdAt: number;
}

export type FaultRuleInput = Partial<Omit<FaultRule, 'id' | 'injected' | 'createdAt' | 'remaining'>> & { times?: number };

/** A call that faults may target. */
export interface Call {
  service: FaultService;
  operation: string;
  /** The names a function answers to. */
  functionNames?: readonly string[];
}

export type Injected = Pick<FaultRule, 'id' | 'effect' | 'error' | 'latencyMs'>;

const invalid = (message: string) => new ServiceError('ValidationException', message);

const isEffect = (value: unknown): value is FaultEffect => FAULT_EFFECTS.includes(value as FaultEffect);
const isService = (value: unknown): value is FaultService => FAULT_SERVICES.includes(value as FaultService);

/** Checks a rule as the API receives it, and fills in its defaults. */
export const faultRule = (input: FaultRuleInput): FaultRule => {
  if (!isService(input.service)) throw invalid(`service must be one of ${FAULT_SERVICES.join(', ')}`);
  const effect = input.effect ?? (input.latencyMs !== undefined && !input.error ? 'latency' : 'error');
  if (!isEffect(effect)) throw invalid(`effect must be one of ${FAULT_EFFECTS.join(', ')}`);
  if ((effect === 'timeout' || effect === 'crash') && input.service !== 'lambda' && input.service !== 'dynamodb') {
    throw invalid(`effect ${effect} applies to lambda and dynamodb only`);
  }
  if (input.function !== undefined && (input.service !== 'lambda' || typeof input.function !== 'string' || !input.function)) throw invalid('function names a Lambda function (service lambda)');
  if (input.operation !== undefined && (typeof input.operation !== 'string' || !/^[A-Za-z]{1,64}$/.test(input.operation))) throw invalid('operation is an API operation name');
  const probability = input.probability ?? 1;
  if (typeof probability !== 'number' || !(probability > 0 && probability <= 1)) throw invalid('probability is a number in (0, 1]');
  if (input.times !== undefined && (!Number.isInteger(input.times) || input.times < 1)) throw invalid('times is a whole number of calls, 1 or more');
  if (effect === 'latency' && (!Number.isInteger(input.latencyMs) || input.latencyMs! < 0 || input.latencyMs! > 120_000)) throw invalid('latencyMs is a whole number of milliseconds up to 120000');
  const error = effect === 'error' ? { code: input.error?.code ?? 'ServiceUnavailable', ...input.error } : undefined;
  if (error && (typeof error.code !== 'string' || !/^[A-Za-z][\w.]{0,99}$/.test(error.code))) throw invalid('error.code is an error name');
  if (error?.statusCode !== undefined && !(Number.isInteger(error.statusCode) && error.statusCode >= 400 && error.statusCode <= 599)) throw invalid('error.statusCode is an HTTP error status');
  return {
    id: randomUUID(),
    service: input.service,
    ...(input.operation !== undefined && { operation: input.operation }),
    ...(input.function !== undefined && { function: input.function }),
    ...(typeof input.region === 'string' && { region: input.region }),
    effect,
    ...(error && { error }),
    ...(input.latencyMs !== undefined && { latencyMs: input.latencyMs }),
    probability,
    ...(input.times !== undefined && { remaining: input.times }),
    injected: 0,
    createdAt: Date.now(),
  };
};

/**
 * The local cloud's fault injection, modelled on LocalStack's Chaos API: rules are listed, set,
 * added and removed over HTTP (api.ts), and each service asks `draw` on every call whether a fault
 * fires. Every fault that fires is reported to `onInjected` (logged and counted by the cloud).
 */
export class Chaos {
  private rules: FaultRule[] = [];

  constructor(
    private readonly onInjected: (rule: FaultRule, call: Call) => void = () => undefined,
    private readonly random: () => number = Math.random,
  ) {}

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  set(inputs: FaultRuleInput[]): FaultRule[] {
    this.rules = inputs.map(faultRule);
    return this.list();
  }

  add(inputs: FaultRuleInput[]): FaultRule[] {
    this.rules.push(...inputs.map(faultRule));
    return this.list();
  }

  /** Removes the rules with these ids, or every rule that has all the given fields; all rules when given none. */
  remove(selectors: (Partial<FaultRule> & { id?: string })[]): FaultRule[] {
    if (selectors.length === 0) this.rules = [];
    else this.rules = this.rules.filter((rule) => !selectors.some((selector) => Object.entries(selector).every(([k, v]) => JSON.stringify(rule[k as keyof FaultRule]) === JSON.stringify(v))));
    return this.list();
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** The fault that fires on this call, if one does (the first matching rule that fires). */
  draw(call: Call): Injected | undefined {
    if (this.rules.length === 0) return undefined;
    for (const rule of this.rules) {
      if (rule.service !== call.service || rule.remaining === 0) continue;
      if (rule.operation !== undefined && rule.operation !== call.operation) continue;
      if (rule.function !== undefined && !call.functionNames?.includes(rule.function)) continue;
      if (rule.probability < 1 && this.random() >= rule.probability) continue;
      if (rule.remaining !== undefined) rule.remaining--;
      rule.injected++;
      this.onInjected(rule, call);
      return { id: rule.id, effect: rule.effect, error: rule.error, latencyMs: rule.latencyMs };
    }
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
