import { randomUUID } from 'node:crypto';
import { type Chaos, type Injected, InjectedError } from '../chaos/faults';
import { shortName } from '../cloudformation/template';
import { ExecutionEnvironment } from './environment';
import { InitClock } from './init-clock';
import type { InvokeOptions, InvokeResult, LambdaErrorPayload, RuntimeHooks } from './invocation';
import { FunctionPool, WorkerBudget } from './pool';
import type { FunctionSpec } from './specs';
import { invocationSpans, invocationTrace, type InvocationTrace } from './tracing';
import type { TraceSink } from '../xray/spans';

export interface RuntimeOptions extends RuntimeHooks {
  /** Concurrent executions per function when the template reserves none. */
  defaultConcurrency?: number;
  /** Worker threads alive at most, all functions together. */
  maxWorkers?: number;
  /** A warm worker idle this long is ended. */
  idleTimeoutMs?: number;
  /** Environment every function gets under its own (endpoint, region, fake credentials). */
  baseEnvironment?: Record<string, string>;
  /** Fault injection (`/_local/chaos/faults`). */
  chaos?: Chaos;
  /**
   * False (`--no-tracing`): the functions load nothing that NODE_OPTIONS requires (no OpenTelemetry), get
   * no `_X_AMZN_TRACE_ID`, and no spans are emitted. Default true, as under active tracing.
   */
  tracing?: boolean;
  /** Where the invocations' spans go (the invoke, and its Initialization on a cold start). */
  traces?: TraceSink;
}

/**
 * How many environments one function may have, when the template reserves no concurrency, and how
 * many all functions may have together. Lambda scales a function to a thousand; on a laptop, a few
 * warm workers a function and a shared cap keep CPU and memory for the work (invocations queue).
 */
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_MAX_WORKERS = 24;
/** A warm environment idle this long is ended (Lambda keeps them minutes; memory matters more here). */
const IDLE_TIMEOUT_MS = 60_000;
/** Lambda's limit on the init phase, apart from the function's timeout. */
const INIT_TIMEOUT_MS = 10_000;

type Outcome = {
  payload?: unknown;
  error?: LambdaErrorPayload;
  timedOut?: true;
  crashed?: true;
  initMs?: number;
  memoryMb?: number;
};

/** The names a function answers to in fault rules: its name, logical id (with and without CDK's hash) and ARN. */
const functionNames = (fn: FunctionSpec): string[] => [fn.name, fn.logicalId, shortName(fn.logicalId), fn.arn];

/** What an update may change. */
export type FunctionUpdate = 'entry' | 'environment' | 'timeoutSeconds' | 'memorySize';

export class FunctionNotFound extends Error {
  override readonly name = 'ResourceNotFoundException';
}

/**
 * Runs the template's functions in worker threads, as Lambda runs them: a warm environment is
 * reused, concurrent invocations scale out to more environments up to a limit (then queue), the
 * function's timeout ends its environment with Lambda's `Sandbox.Timedout` error, and its memory
 * size bounds the worker's heap.
 */
export class LambdaRuntime {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly byKey = new Map<string, FunctionSpec>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly budget: WorkerBudget;
  /** The init limit, counted on each initializing environment's share of the cores. */
  private readonly initClock = new InitClock();
  private stopping = false;

  constructor(
    readonly functions: FunctionSpec[],
    private readonly options: RuntimeOptions = {},
  ) {
    this.budget = new WorkerBudget(options.maxWorkers ?? DEFAULT_MAX_WORKERS);
    for (const fn of functions) {
      for (const key of [fn.name, fn.arn, fn.logicalId]) this.byKey.set(key, fn);
      const limit = fn.reservedConcurrency ?? options.defaultConcurrency ?? DEFAULT_CONCURRENCY;
      // A fresh environment runs the function's code as it is now (see update).
      const spawn = (current: FunctionSpec) =>
        new ExecutionEnvironment(current, options.baseEnvironment ?? {}, options, (env) =>
          this.pools.get(fn.name)?.discard(env),
        );
      this.pools.set(
        fn.name,
        new FunctionPool(fn, limit, spawn, options.idleTimeoutMs ?? IDLE_TIMEOUT_MS, this.budget),
      );
    }
  }

  /** A function by name, ARN (with or without a `$LATEST` qualifier) or logical id. */
  find(nameOrArn: string): FunctionSpec | undefined {
    return this.byKey.get(nameOrArn) ?? this.byKey.get(nameOrArn.replace(/:(\$LATEST|\d+)$/, ''));
  }

  /**
   * New code (`UpdateFunctionCode`) or configuration (`UpdateFunctionConfiguration`: environment, timeout,
   * memory) for a function: the next invocation runs it in a fresh environment; idle environments end
   * now, and busy ones finish their invocation as they were, then end.
   */
  update(nameOrArn: string, change: Partial<Pick<FunctionSpec, FunctionUpdate>>): FunctionSpec {
    const old = this.find(nameOrArn);
    if (!old) throw new FunctionNotFound(`Function not found: ${nameOrArn}`);
    const fn: FunctionSpec = { ...old, ...change };
    this.functions[this.functions.indexOf(old)] = fn;
    for (const key of [fn.name, fn.arn, fn.logicalId]) this.byKey.set(key, fn);
    this.pools.get(fn.name)!.replace(fn);
    return fn;
  }

  /** The bundles a function's live environments run (new and old code, while old ones finish). */
  entriesInUse(nameOrArn: string): Set<string> {
    const fn = this.find(nameOrArn);
    return new Set([...(fn ? (this.pools.get(fn.name)?.all ?? []) : [])].map((env) => env.fn.entry));
  }

  /**
   * One invocation. `traceHeader` is the caller's X-Ray trace header (`Root=1-…;Parent=…;Sampled=1`),
   * which Lambda hands to the function as `_X_AMZN_TRACE_ID`.
   */
  invoke(nameOrArn: string, event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    const fn = this.find(nameOrArn);
    if (!fn) return Promise.reject(new FunctionNotFound(`Function not found: ${nameOrArn}`));
    if (this.stopping) return Promise.reject(new Error('The local Lambda runtime is stopping'));
    const run = this.run(fn, event, options);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  private async run(fn: FunctionSpec, event: unknown, options: InvokeOptions): Promise<InvokeResult> {
    const requestId = randomUUID();
    const start = Date.now();
    const asked = performance.now();
    // Active tracing: the invoke is a span of the caller's trace (or of a new one), the function's parent.
    const trace =
      this.options.tracing === false
        ? undefined
        : invocationTrace(options.traceHeader, (request) => this.options.traces?.sample?.(request) ?? true, fn);
    let outcome: Outcome | undefined;
    let fault: Injected | undefined;
    let cold = false;
    let queuedMs = 0;
    let logStream: string | undefined;
    try {
      fault = await this.options.chaos?.apply({
        service: 'lambda',
        operation: 'Invoke',
        functionNames: functionNames(fn),
      });
    } catch (error) {
      if (!(error instanceof InjectedError)) throw error;
      // As if the function threw it, before doing anything.
      outcome = { error: { errorType: error.code, errorMessage: error.message, trace: [] } };
    }
    if (!outcome) {
      const pool = this.pools.get(fn.name)!;
      const acquired = await pool.acquire();
      cold = acquired.cold;
      logStream = acquired.env.logStreamName;
      queuedMs = performance.now() - asked;
      outcome = await this.runIn(
        pool,
        acquired.env,
        fn,
        { requestId, event, traceHeader: trace?.header },
        fault?.effect,
      );
    }
    const initMs = outcome.initMs ?? 0;
    const elapsedMs = performance.now() - asked;
    const durationMs = elapsedMs - queuedMs - initMs;
    if (trace) this.traced(fn, trace, { requestId, start, elapsedMs, queuedMs, initMs, cold, error: outcome.error });
    this.options.onReport?.({
      fn,
      requestId,
      start,
      queuedMs,
      initMs,
      durationMs,
      coldStart: cold,
      error: outcome.error,
      logStream,
      maxMemoryUsedMb: outcome.memoryMb,
    });
    return outcome.error
      ? { requestId, payload: outcome.error, functionError: 'Unhandled', durationMs }
      : { requestId, payload: outcome.payload ?? null, durationMs };
  }

  private traced(
    fn: FunctionSpec,
    trace: InvocationTrace,
    t: { requestId: string; start: number; elapsedMs: number; queuedMs: number; initMs: number; cold: boolean } & {
      error?: LambdaErrorPayload;
    },
  ): void {
    const initStart = t.start + t.queuedMs;
    this.options.traces?.record(
      invocationSpans(fn, trace, {
        requestId: t.requestId,
        start: t.start,
        end: t.start + t.elapsedMs,
        coldStart: t.cold,
        ...(t.cold && { init: { start: initStart, end: initStart + t.initMs } }),
        ...(t.error && { error: t.error }),
      }),
    );
  }

  /**
   * One invocation in a warm or fresh environment, bounded by the function's timeout. An injected
   * `timeout` lets the handler finish and then holds the answer until the timeout; an injected
   * `crash` lets it finish and ends its worker before it answers. Lambda ends an environment that
   * timed out, crashed or failed to start: the next invocation starts cold.
   */
  private async runIn(
    pool: FunctionPool,
    env: ExecutionEnvironment,
    fn: FunctionSpec,
    { requestId, event, traceHeader }: { requestId: string; event: unknown } & InvokeOptions,
    fault?: string,
  ): Promise<Outcome> {
    // As on Lambda, the function's timeout starts once its environment is initialized; the init has a limit of its own.
    const initStarted = performance.now();
    if (!(await this.initClock.within(env, INIT_TIMEOUT_MS))) {
      await env.terminate();
      pool.discard(env);
      return {
        error: {
          errorType: 'Runtime.InitTimeout',
          errorMessage: `RequestId: ${requestId} Error: the function's initialization did not finish within ${INIT_TIMEOUT_MS / 1000} seconds`,
        },
      };
    }
    const initMs = performance.now() - initStarted;
    // The environment's own configuration: a call queued across an update runs with the new one.
    const timeoutMs = env.fn.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            timedOut: true,
            error: {
              errorType: 'Sandbox.Timedout',
              errorMessage: `RequestId: ${requestId} Error: Task timed out after ${env.fn.timeoutSeconds.toFixed(2)} seconds`,
            },
          }),
        timeoutMs,
      );
    });
    let outcome: Outcome = env.initError
      ? { error: env.initError }
      : await Promise.race([env.run(requestId, event, Date.now() + timeoutMs, traceHeader), timedOut]);
    if (fault === 'timeout' && !outcome.timedOut) outcome = await timedOut;
    if (fault === 'crash' && !outcome.timedOut)
      outcome = {
        crashed: true,
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
        },
      };
    clearTimeout(timer);
    if (outcome.timedOut || outcome.crashed || env.initError) {
      await env.terminate();
      pool.discard(env);
    } else {
      pool.release(env);
    }
    return { ...outcome, initMs };
  }

  /** Worker threads alive, and how many are running an invocation. */
  stats(): { workers: number; busy: number; max: number } {
    let workers = 0;
    let busy = 0;
    for (const pool of this.pools.values()) {
      workers += pool.all.size;
      busy += pool.busy;
    }
    return { workers, busy, max: this.budget.max };
  }

  /** Lets running invocations finish (up to a deadline), then ends every worker. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const deadline = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }
}
