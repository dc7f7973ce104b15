import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** One function of the template, ready to run: its bundle, handler and resolved configuration. */
export interface FunctionSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** Absolute path of the handler's module (`<asset>/index.js`). */
  entry: string;
  exportName: string;
  handler: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  /** Reserved concurrency from the template, if any. */
  reservedConcurrency?: number;
}

/** The error payload Lambda reports for a failed invocation. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export interface InvokeResult {
  requestId: string;
  payload: unknown;
  /** Set, as in Lambda's `X-Amz-Function-Error`, when the function failed. */
  functionError?: 'Unhandled';
  durationMs: number;
}

export interface FunctionOutput {
  fn: FunctionSpec;
  requestId: string | undefined;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface InvocationReport {
  fn: FunctionSpec;
  requestId: string;
  durationMs: number;
  coldStart: boolean;
  error?: LambdaErrorPayload;
}

export interface RuntimeHooks {
  /** Every chunk a function writes to stdout or stderr. */
  onOutput?(output: FunctionOutput): void;
  /** One report per invocation, as Lambda's REPORT line. */
  onReport?(report: InvocationReport): void;
}

export interface RuntimeOptions extends RuntimeHooks {
  /** Concurrent executions per function when the template reserves none. */
  defaultConcurrency?: number;
  /** A warm worker idle this long is ended. */
  idleTimeoutMs?: number;
  /** Environment every function gets under its own (endpoint, region, fake credentials). */
  baseEnvironment?: Record<string, string>;
}

export class FunctionNotFound extends Error {
  override readonly name = 'ResourceNotFoundException';
}

const WORKER_PATH = join(__dirname, 'worker.cjs');

type WorkerMessage =
  | { type: 'log'; stream: 'stdout' | 'stderr'; requestId?: string; text: string }
  | { type: 'result'; requestId: string; payload?: unknown; error?: LambdaErrorPayload }
  | { type: 'init-error'; error: LambdaErrorPayload };

/** A warm execution environment: one worker thread that runs one invocation at a time. */
class ExecutionEnvironment {
  readonly worker: Worker;
  invocations = 0;
  initError?: LambdaErrorPayload;
  private pending?: { requestId: string; settle: (outcome: { payload?: unknown; error?: LambdaErrorPayload }) => void };
  idleTimer?: NodeJS.Timeout;
  dead = false;

  constructor(
    readonly fn: FunctionSpec,
    baseEnvironment: Record<string, string>,
    private readonly hooks: RuntimeHooks,
    onExit: (env: ExecutionEnvironment) => void,
  ) {
    this.worker = new Worker(WORKER_PATH, {
      workerData: {
        entry: fn.entry,
        exportName: fn.exportName,
        handler: fn.handler,
        functionName: fn.name,
        functionArn: fn.arn,
        memorySize: fn.memorySize,
        logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomUUID().replace(/-/g, '')}`,
      },
      env: {
        ...baseEnvironment,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: join(fn.entry, '..'),
        ...fn.environment,
      },
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: fn.memorySize },
    });
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    this.worker.on('error', (error) => this.fail({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${this.pending?.requestId} Error: ${error.message}` }));
    this.worker.on('exit', (code) => {
      this.dead = true;
      this.fail({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${this.pending?.requestId} Error: Runtime exited with error: exit status ${code}` });
      onExit(this);
    });
  }

  private onMessage(message: WorkerMessage): void {
    if (message.type === 'log') {
      this.hooks.onOutput?.({ fn: this.fn, requestId: message.requestId, stream: message.stream, text: message.text });
    } else if (message.type === 'init-error') {
      this.initError = message.error;
    } else if (message.type === 'result' && this.pending?.requestId === message.requestId) {
      const { settle } = this.pending;
      this.pending = undefined;
      settle(message);
    }
  }

  private fail(error: LambdaErrorPayload): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.settle({ error });
  }

  run(requestId: string, event: unknown, deadline: number): Promise<{ payload?: unknown; error?: LambdaErrorPayload }> {
    this.invocations++;
    return new Promise((settle) => {
      this.pending = { requestId, settle };
      this.worker.postMessage({ requestId, event, deadline });
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    clearTimeout(this.idleTimer);
    return this.worker.terminate();
  }
}

/** The warm environments of one function, scaled out on demand up to its concurrency limit. */
class FunctionPool {
  private readonly idle: ExecutionEnvironment[] = [];
  readonly all = new Set<ExecutionEnvironment>();
  private readonly waiting: ((env: ExecutionEnvironment) => void)[] = [];

  constructor(
    readonly fn: FunctionSpec,
    private readonly limit: number,
    private readonly spawn: () => ExecutionEnvironment,
    private readonly idleTimeoutMs: number,
  ) {}

  acquire(): Promise<{ env: ExecutionEnvironment; cold: boolean }> {
    let env = this.idle.pop();
    while (env?.dead) env = this.idle.pop();
    if (env) {
      clearTimeout(env.idleTimer);
      return Promise.resolve({ env, cold: false });
    }
    if (this.all.size < this.limit) {
      const fresh = this.spawn();
      this.all.add(fresh);
      return Promise.resolve({ env: fresh, cold: true });
    }
    return new Promise((resolve) => this.waiting.push((next) => resolve({ env: next, cold: false })));
  }

  release(env: ExecutionEnvironment): void {
    if (env.dead) return this.discard(env);
    const next = this.waiting.shift();
    if (next) return next(env);
    env.idleTimer = setTimeout(() => {
      this.idle.splice(this.idle.indexOf(env), 1);
      this.all.delete(env);
      void env.terminate();
    }, this.idleTimeoutMs);
    env.idleTimer.unref();
    this.idle.push(env);
  }

  /** A dead environment frees its place; a queued invocation gets a fresh one. */
  discard(env: ExecutionEnvironment): void {
    if (!this.all.delete(env)) return;
    const index = this.idle.indexOf(env);
    if (index >= 0) this.idle.splice(index, 1);
    const next = this.waiting.shift();
    if (next) {
      const fresh = this.spawn();
      this.all.add(fresh);
      next(fresh);
    }
  }

  get busy(): number {
    return this.all.size - this.idle.length;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.all].map((env) => env.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }
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
  private stopping = false;

  constructor(
    readonly functions: FunctionSpec[],
    private readonly options: RuntimeOptions = {},
  ) {
    for (const fn of functions) {
      for (const key of [fn.name, fn.arn, fn.logicalId]) this.byKey.set(key, fn);
      const limit = fn.reservedConcurrency ?? options.defaultConcurrency ?? 10;
      const spawn = () => new ExecutionEnvironment(fn, options.baseEnvironment ?? {}, options, (env) => this.pools.get(fn.name)?.discard(env));
      this.pools.set(fn.name, new FunctionPool(fn, limit, spawn, options.idleTimeoutMs ?? 10 * 60_000));
    }
  }

  /** A function by name, ARN (with or without a `$LATEST` qualifier) or logical id. */
  find(nameOrArn: string): FunctionSpec | undefined {
    return this.byKey.get(nameOrArn) ?? this.byKey.get(nameOrArn.replace(/:(\$LATEST|\d+)$/, ''));
  }

  invoke(nameOrArn: string, event: unknown): Promise<InvokeResult> {
    const fn = this.find(nameOrArn);
    if (!fn) return Promise.reject(new FunctionNotFound(`Function not found: ${nameOrArn}`));
    if (this.stopping) return Promise.reject(new Error('The local Lambda runtime is stopping'));
    const run = this.run(fn, event);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  private async run(fn: FunctionSpec, event: unknown): Promise<InvokeResult> {
    const pool = this.pools.get(fn.name)!;
    const requestId = randomUUID();
    const { env, cold } = await pool.acquire();
    const started = performance.now();
    const timeoutMs = fn.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ error: LambdaErrorPayload; timedOut: true }>((resolve) => {
      timer = setTimeout(
        () => resolve({ timedOut: true, error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds` } }),
        timeoutMs,
      );
    });
    const outcome: { payload?: unknown; error?: LambdaErrorPayload; timedOut?: true } = env.initError
      ? { error: env.initError }
      : await Promise.race([env.run(requestId, event, Date.now() + timeoutMs), timedOut]);
    clearTimeout(timer);
    if (outcome.timedOut || env.initError) {
      // Lambda ends an environment that timed out or failed to start; the next invocation starts cold.
      await env.terminate();
      pool.discard(env);
    } else {
      pool.release(env);
    }
    const durationMs = performance.now() - started;
    this.options.onReport?.({ fn, requestId, durationMs, coldStart: cold, error: outcome.error });
    return outcome.error
      ? { requestId, payload: outcome.error, functionError: 'Unhandled', durationMs }
      : { requestId, payload: outcome.payload ?? null, durationMs };
  }

  /** Worker threads alive, and how many are running an invocation. */
  stats(): { workers: number; busy: number } {
    let workers = 0;
    let busy = 0;
    for (const pool of this.pools.values()) {
      workers += pool.all.size;
      busy += pool.busy;
    }
    return { workers, busy };
  }

  /** Lets running invocations finish (up to a deadline), then ends every worker. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const deadline = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }
}
