import type { ExecutionEnvironment } from './environment';
import type { FunctionSpec } from './specs';

/**
 * An idle worker this long is spare: under a full budget, another function's scale-out may end it. One
 * idle for less is likely wanted again at once, and a cold start costs far more than waiting for a
 * warm worker of one's own (hundreds of ms against tens).
 */
export const SPARE_AFTER_MS = 1000;

/**
 * How many workers the whole runtime may have alive: a worker thread holds a V8 heap and its own
 * copy of the SDK, so an unbounded scale-out exhausts memory and CPU before it helps. When the cap
 * is reached, the longest-idle worker of any function is ended to make room for a function that has
 * no worker at all, or for one that scales out when that worker is spare (SPARE_AFTER_MS); otherwise
 * the invocation waits for a worker to free up.
 */
export class WorkerBudget {
  private live = 0;
  /** Idle workers of every pool, oldest first, with when each went idle. */
  private readonly idle: { env: ExecutionEnvironment; pool: FunctionPool; since: number }[] = [];
  /** Pools with invocations waiting for a worker they could not start. */
  private readonly starving: FunctionPool[] = [];

  constructor(readonly max: number) {}

  get alive(): number {
    return this.live;
  }

  /**
   * A place for a new worker: a free one, or one an idle worker of any function gives up (any idle
   * worker for a function that has none, `first`; a spare one for a function that scales out).
   */
  take(first: boolean): boolean {
    if (this.live >= this.max) {
      const oldest = this.idle[0];
      if (!oldest || (!first && performance.now() - oldest.since < SPARE_AFTER_MS)) return false;
      this.idle.shift();
      // Its place passes straight to the caller.
      oldest.pool.evict(oldest.env, false);
    }
    this.live++;
    return true;
  }

  /** A worker ended: its place goes to a pool waiting for one (unless the caller takes it over). */
  give(serve = true): void {
    this.live--;
    const pool = serve ? this.starving.shift() : undefined;
    if (pool) pool.serveWaiter();
  }

  starve(pool: FunctionPool): void {
    if (!this.starving.includes(pool)) this.starving.push(pool);
  }

  get anyoneStarving(): boolean {
    return this.starving.length > 0;
  }

  idled(env: ExecutionEnvironment, pool: FunctionPool): void {
    this.idle.push({ env, pool, since: performance.now() });
  }

  unidled(env: ExecutionEnvironment): void {
    const index = this.idle.findIndex((entry) => entry.env === env);
    if (index >= 0) this.idle.splice(index, 1);
  }
}

/**
 * The warm environments of one function: reused, scaled out on demand up to the function's
 * concurrency and the runtime's worker budget, reaped when idle.
 */
export class FunctionPool {
  private readonly idle: ExecutionEnvironment[] = [];
  readonly all = new Set<ExecutionEnvironment>();
  private readonly waiting: ((env: { env: ExecutionEnvironment; cold: boolean }) => void)[] = [];

  constructor(
    public fn: FunctionSpec,
    private readonly limit: number,
    private readonly spawn: (fn: FunctionSpec) => ExecutionEnvironment,
    private readonly idleTimeoutMs: number,
    private readonly budget: WorkerBudget,
  ) {}

  acquire(): Promise<{ env: ExecutionEnvironment; cold: boolean }> {
    let env = this.idle.pop();
    while (env?.dead) env = this.idle.pop();
    if (env) {
      this.wake(env);
      return Promise.resolve({ env, cold: false });
    }
    const first = this.all.size === 0;
    if (this.all.size < this.limit && this.budget.take(first))
      return Promise.resolve({ env: this.fresh(), cold: true });
    // A function with no worker waits for the next place that frees up; one with workers, for its own.
    if (first) this.budget.starve(this);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private fresh(): ExecutionEnvironment {
    const env = this.spawn(this.fn);
    this.all.add(env);
    return env;
  }

  private wake(env: ExecutionEnvironment): void {
    clearTimeout(env.idleTimer);
    this.budget.unidled(env);
  }

  /** A place in the budget came free: the first waiting invocation gets a fresh worker. */
  serveWaiter(): void {
    const next = this.waiting.shift();
    if (!next) return;
    const first = this.all.size === 0;
    if (this.budget.take(first)) return next({ env: this.fresh(), cold: true });
    this.waiting.unshift(next);
    // Still waiting: with no worker of its own, the next place that comes free is this pool's turn.
    if (first) this.budget.starve(this);
  }

  /**
   * The function's code or configuration changed: fresh environments load the new one; idle ones end
   * now, and busy ones end when their invocation finishes (see release).
   */
  replace(fn: FunctionSpec): void {
    this.fn = fn;
    for (const env of [...this.idle]) this.evict(env);
  }

  release(env: ExecutionEnvironment): void {
    if (env.dead) return this.discard(env);
    const next = this.waiting.shift();
    if (next && env.fn !== this.fn) {
      // Old code or configuration (see replace): the worker ends, and its place goes straight to a fresh one.
      void env.shutdown();
      this.all.delete(env);
      return next({ env: this.fresh(), cold: true });
    }
    if (env.fn !== this.fn) return this.evict(env);
    if (next) return next({ env, cold: false });
    // Another function waits for a place: this worker gives up its own.
    if (this.budget.anyoneStarving) return this.evict(env);
    env.idleTimer = setTimeout(() => this.evict(env), this.idleTimeoutMs);
    env.idleTimer.unref();
    this.idle.push(env);
    this.budget.idled(env, this);
  }

  /** Ends a worker (idle too long, or its place is needed elsewhere); `serve` passes its place on to a waiting pool. */
  evict(env: ExecutionEnvironment, serve = true): void {
    void env.shutdown();
    this.discard(env, serve);
  }

  /** A dead environment frees its place; a queued invocation of this function gets a fresh one. */
  discard(env: ExecutionEnvironment, serve = true): void {
    if (!this.all.delete(env)) return;
    clearTimeout(env.idleTimer);
    const index = this.idle.indexOf(env);
    if (index >= 0) this.idle.splice(index, 1);
    this.budget.unidled(env);
    this.budget.give(serve);
    if (serve && this.waiting.length > 0 && this.all.size < this.limit) this.serveWaiter();
  }

  get busy(): number {
    return this.all.size - this.idle.length;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.all].map((env) => env.shutdown()));
    this.all.clear();
    this.idle.length = 0;
  }
}
