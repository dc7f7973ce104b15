import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FunctionSpec } from './specs';
import type { LambdaErrorPayload, RuntimeHooks } from './invocation';
import { preloadsOf, withoutPreloads } from './preload';

const WORKER_PATH = join(__dirname, 'worker.cjs');
/** Lambda's Shutdown phase with an internal extension: what the environment may still do before it is stopped. */
export const SHUTDOWN_GRACE_MS = 500;

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'log'; stream: 'stdout' | 'stderr'; requestId?: string; text: string }
  | { type: 'result'; requestId: string; payload?: unknown; error?: LambdaErrorPayload; memoryMb?: number }
  | { type: 'init-error'; error: LambdaErrorPayload }
  | { type: 'shutdown-done' };

/** A warm execution environment: one worker thread that runs one invocation at a time. */
export class ExecutionEnvironment {
  readonly worker: Worker;
  invocations = 0;
  initError?: LambdaErrorPayload;
  private pending?: {
    requestId: string;
    settle: (outcome: { payload?: unknown; error?: LambdaErrorPayload; memoryMb?: number }) => void;
  };
  /** Its CloudWatch Logs stream, named as Lambda names them. */
  readonly logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomUUID().replace(/-/g, '')}`;
  idleTimer?: NodeJS.Timeout;
  dead = false;
  private shutDown?: () => void;
  /** Settles when the worker has loaded the function (or failed to, or died). */
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    readonly fn: FunctionSpec,
    baseEnvironment: Record<string, string>,
    private readonly hooks: RuntimeHooks & { tracing?: boolean },
    onExit: (env: ExecutionEnvironment) => void,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const taskRoot = dirname(fn.entry);
    this.worker = new Worker(WORKER_PATH, {
      workerData: {
        entry: fn.entry,
        exportName: fn.exportName,
        handler: fn.handler,
        functionName: fn.name,
        functionArn: fn.arn,
        memorySize: fn.memorySize,
        logStreamName: this.logStreamName,
        // What NODE_OPTIONS requires before the handler (the OpenTelemetry bootstrap): nothing with tracing off.
        preload: hooks.tracing === false ? [] : preloadsOf(fn.environment.NODE_OPTIONS, taskRoot),
      },
      env: {
        ...baseEnvironment,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: taskRoot,
        _HANDLER: fn.handler,
        ...fn.environment,
        ...(fn.environment.NODE_OPTIONS !== undefined && {
          NODE_OPTIONS: withoutPreloads(fn.environment.NODE_OPTIONS),
        }),
      },
      execArgv: [],
      // The old generation is the function's memory, as in Lambda. A small young generation keeps each
      // worker's footprint down (V8 lets it grow to tens of MB under load); its scavenges stay cheap.
      resourceLimits: { maxOldGenerationSizeMb: fn.memorySize, maxYoungGenerationSizeMb: 4 },
    });
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    this.worker.on('error', (error) =>
      this.fail({
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${this.pending?.requestId} Error: ${error.message}`,
      }),
    );
    this.worker.on('exit', (code) => {
      this.dead = true;
      this.markReady();
      this.fail({
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${this.pending?.requestId} Error: Runtime exited with error: exit status ${code}`,
      });
      onExit(this);
    });
  }

  private onMessage(message: WorkerMessage): void {
    if (message.type === 'ready') {
      this.markReady();
    } else if (message.type === 'log') {
      this.hooks.onOutput?.({
        fn: this.fn,
        requestId: message.requestId,
        stream: message.stream,
        text: message.text,
        logStream: this.logStreamName,
      });
    } else if (message.type === 'shutdown-done') {
      this.shutDown?.();
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

  /** Whether the worker finished loading the function (successfully or not) within `ms`. */
  async initialized(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const done = await Promise.race([this.ready.then(() => true), late]);
    clearTimeout(timer);
    return done;
  }

  run(
    requestId: string,
    event: unknown,
    deadline: number,
    traceHeader?: string,
  ): Promise<{ payload?: unknown; error?: LambdaErrorPayload; memoryMb?: number }> {
    this.invocations++;
    return new Promise((settle) => {
      this.pending = { requestId, settle };
      this.worker.postMessage({ requestId, event, deadline, traceHeader });
    });
  }

  /** Stops the worker at once: a timeout or a crash, where Lambda kills the environment. */
  terminate(): Promise<number> {
    this.dead = true;
    clearTimeout(this.idleTimer);
    return this.worker.terminate();
  }

  /**
   * Lambda's Shutdown phase (an idle environment reclaimed, the runtime stopping): the worker runs its
   * SIGTERM listeners (the OpenTelemetry bootstrap sends the spans it still holds) for at most
   * SHUTDOWN_GRACE_MS, then it is stopped.
   */
  async shutdown(): Promise<number> {
    const live = !this.dead && !this.pending;
    this.dead = true;
    clearTimeout(this.idleTimer);
    if (live && (await this.initialized(0))) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.shutDown = resolve;
        timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
        this.worker.postMessage({ type: 'shutdown' });
      });
      clearTimeout(timer);
    }
    return this.terminate();
  }
}
