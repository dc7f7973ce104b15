import { randomUUID } from 'node:crypto';
import { ServiceError } from '../support/errors';
import type { FaultEffect, FaultRule, FaultService } from './rules';

export type { FaultEffect, FaultRule, FaultService } from './rules';

/** What a fault can do (see FaultEffect). */
export const FAULT_EFFECTS = ['error', 'timeout', 'crash', 'latency'] as const satisfies readonly FaultEffect[];

/** Every service takes errors and latency; a service that can also lose an answer or crash says so. */
export const COMMON_EFFECTS: readonly FaultEffect[] = ['error', 'latency'];

export type FaultRuleInput = Partial<Omit<FaultRule, 'id' | 'injected' | 'createdAt' | 'remaining'>> & {
  times?: number;
};

/** A call that faults may target. */
export interface Call {
  service: FaultService;
  operation: string;
  /** The names a function answers to. */
  functionNames?: readonly string[];
  /** The tables a DynamoDB call reads or writes. */
  tables?: readonly string[];
}

export type Injected = Pick<FaultRule, 'id' | 'effect' | 'error' | 'latencyMs'>;

const invalid = (message: string) => new ServiceError('ValidationException', message);

const isEffect = (value: unknown): value is FaultEffect => FAULT_EFFECTS.includes(value as FaultEffect);

/** The services faults may target, each with the effects it applies (the local cloud's registry says which). */
export type FaultTargets = ReadonlyMap<FaultService, readonly FaultEffect[]>;

const onlyFor = (effect: FaultEffect, targets: FaultTargets) => {
  const services = [...targets].filter(([, effects]) => effects.includes(effect)).map(([service]) => service);
  return `effect ${effect} applies to ${services.join(' and ')} only`;
};

/** Checks a rule as the API receives it, and fills in its defaults. */
export const faultRule = (input: FaultRuleInput, targets: FaultTargets): FaultRule => {
  if (typeof input.service !== 'string' || !targets.has(input.service))
    throw invalid(`service must be one of ${[...targets.keys()].join(', ')}`);
  const effect = input.effect ?? (input.latencyMs !== undefined && !input.error ? 'latency' : 'error');
  if (!isEffect(effect)) throw invalid(`effect must be one of ${FAULT_EFFECTS.join(', ')}`);
  if (!targets.get(input.service)!.includes(effect)) throw invalid(onlyFor(effect, targets));
  if (
    input.function !== undefined &&
    (input.service !== 'lambda' || typeof input.function !== 'string' || !input.function)
  )
    throw invalid('function names a Lambda function (service lambda)');
  if (
    input.table !== undefined &&
    (input.service !== 'dynamodb' || typeof input.table !== 'string' || !/^[\w.-]{3,255}$/.test(input.table))
  )
    throw invalid('table names a DynamoDB table (service dynamodb)');
  if (
    input.operation !== undefined &&
    (typeof input.operation !== 'string' || !/^[A-Za-z]{1,64}$/.test(input.operation))
  )
    throw invalid('operation is an API operation name');
  const probability = input.probability ?? 1;
  if (typeof probability !== 'number' || !(probability > 0 && probability <= 1))
    throw invalid('probability is a number in (0, 1]');
  if (input.times !== undefined && (!Number.isInteger(input.times) || input.times < 1))
    throw invalid('times is a whole number of calls, 1 or more');
  if (
    effect === 'latency' &&
    (!Number.isInteger(input.latencyMs) || input.latencyMs! < 0 || input.latencyMs! > 120_000)
  )
    throw invalid('latencyMs is a whole number of milliseconds up to 120000');
  const error = effect === 'error' ? { code: input.error?.code ?? 'ServiceUnavailable', ...input.error } : undefined;
  if (error && (typeof error.code !== 'string' || !/^[A-Za-z][\w.]{0,99}$/.test(error.code)))
    throw invalid('error.code is an error name');
  if (
    error?.statusCode !== undefined &&
    !(Number.isInteger(error.statusCode) && error.statusCode >= 400 && error.statusCode <= 599)
  )
    throw invalid('error.statusCode is an HTTP error status');
  return {
    id: randomUUID(),
    service: input.service,
    ...(input.operation !== undefined && { operation: input.operation }),
    ...(input.function !== undefined && { function: input.function }),
    ...(input.table !== undefined && { table: input.table }),
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
  private targets: FaultTargets = new Map();

  constructor(
    private readonly onInjected: (rule: FaultRule, call: Call) => void = () => undefined,
    private readonly random: () => number = Math.random,
  ) {}

  /** The services rules may target, and the effects each applies: the cloud's registry, once it is built. */
  accept(targets: FaultTargets): this {
    this.targets = targets;
    return this;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  set(inputs: FaultRuleInput[]): FaultRule[] {
    this.rules = inputs.map((input) => faultRule(input, this.targets));
    return this.list();
  }

  add(inputs: FaultRuleInput[]): FaultRule[] {
    this.rules.push(...inputs.map((input) => faultRule(input, this.targets)));
    return this.list();
  }

  /** Removes the rules with these ids, or every rule that has all the given fields; all rules when given none. */
  remove(selectors: (Partial<FaultRule> & { id?: string })[]): FaultRule[] {
    if (selectors.length === 0) this.rules = [];
    else
      this.rules = this.rules.filter(
        (rule) =>
          !selectors.some((selector) =>
            Object.entries(selector).every(
              ([k, v]) => JSON.stringify(rule[k as keyof FaultRule]) === JSON.stringify(v),
            ),
          ),
      );
    return this.list();
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** Whether a rule names a table: DynamoDB then reads each request's tables before it draws. */
  get byTable(): boolean {
    return this.rules.some((rule) => rule.table !== undefined);
  }

  /** The fault that fires on this call, if one does (the first matching rule that fires). */
  draw(call: Call): Injected | undefined {
    if (this.rules.length === 0) return undefined;
    for (const rule of this.rules) {
      if (rule.service !== call.service || rule.remaining === 0) continue;
      if (rule.operation !== undefined && rule.operation !== call.operation) continue;
      if (rule.function !== undefined && !call.functionNames?.includes(rule.function)) continue;
      if (rule.table !== undefined && !call.tables?.includes(rule.table)) continue;
      if (rule.probability < 1 && this.random() >= rule.probability) continue;
      if (rule.remaining !== undefined) rule.remaining--;
      rule.injected++;
      this.onInjected(rule, call);
      return { id: rule.id, effect: rule.effect, error: rule.error, latencyMs: rule.latencyMs };
    }
    return undefined;
  }

  /**
   * Draws a fault for the call and applies what every service applies alike: a latency is waited out
   * (the call then goes on), an error is thrown as an InjectedError. A fault whose effect the service
   * applies itself (a timeout, a crash) is returned.
   */
  async apply(call: Call): Promise<Injected | undefined> {
    const fault = this.draw(call);
    if (fault?.effect === 'latency') await sleep(fault.latencyMs ?? 0);
    if (fault?.effect === 'error') throw new InjectedError(fault);
    return fault?.effect === 'timeout' || fault?.effect === 'crash' ? fault : undefined;
  }
}

/** An injected error: the rule's code and message, with its status (500 unless the rule names one). */
export class InjectedError extends ServiceError {
  constructor(readonly fault: Injected) {
    super(
      fault.error?.code ?? 'ServiceUnavailable',
      fault.error?.message ?? 'Injected by the local cloud (chaos API)',
      fault.error?.statusCode ?? 500,
    );
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
