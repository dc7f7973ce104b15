import { availableParallelism } from 'node:os';
import type { ExecutionEnvironment } from './environment';

/** How often the clock credits the environments that are initializing. */
const TICK_MS = 100;

/**
 * Lambda's init limit is an environment's own 10 s on a CPU of its own. Here every environment is a
 * thread of one process on the machine's few cores, so a burst of cold starts (a restart resuming a
 * hundred executions, a scale-out) shares them: each initializing environment is credited its share of
 * the wall time (all of it while no more initialize than there are cores), and only an init that has
 * used its own 10 s of that share times out.
 */
export class InitClock {
  private initializing = 0;

  constructor(private readonly cores = availableParallelism()) {}

  /** Whether the environment finished loading its function within `limitMs` of its share of the machine. */
  async within(env: ExecutionEnvironment, limitMs: number): Promise<boolean> {
    this.initializing++;
    try {
      let credited = 0;
      let last = performance.now();
      for (;;) {
        if (await env.initialized(Math.min(TICK_MS, limitMs))) return true;
        const now = performance.now();
        credited += (now - last) * Math.min(1, this.cores / this.initializing);
        last = now;
        if (credited >= limitMs) return false;
      }
    } finally {
      this.initializing--;
    }
  }
}
