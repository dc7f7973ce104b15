import type { ExecutionEnvironment } from './environment';
import type { FunctionSpec } from './runtime';

/** The warm environments of one function, scaled out on demand up to its concurrency limit. */
export class FunctionPool {
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

