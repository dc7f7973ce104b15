import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What has been started, stopped in reverse order, once: a second run (a signal during a stop) waits
 * for the first instead of stopping things again out of order.
 */
export class Stops {
  private readonly stops: (() => Promise<unknown>)[] = [];
  private running?: Promise<void>;
  constructor(private readonly log: (message: string) => void) {}
  add(stop: () => Promise<unknown>): void {
    this.stops.push(stop);
  }
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const stop of [...this.stops].reverse())
        await stop().catch((error: Error) => this.log(`stop failed: ${error.message}`));
    })();
    return this.running;
  }
}

export const mkdir = (dir: string): string => {
  mkdirSync(dir, { recursive: true });
  return dir;
};

/**
 * Where the services keep their state: the data directory, or with `--in-memory` a scratch directory
 * of this process's, removed when it stops (and, if it was killed, at the next start).
 */
export const stateDir = (context: { options: { dataDir?: string }; scratch?: string; stops: Stops }): string => {
  if (context.options.dataDir) return context.options.dataDir;
  if (!context.scratch) {
    const root = mkdir(join(tmpdir(), 'serverless-shop-local'));
    for (const entry of readdirSync(root)) {
      const pid = Number(/^(\d+)-/.exec(entry)?.[1]);
      if (pid && !isAlive(pid)) rmSync(join(root, entry), { recursive: true, force: true });
    }
    const scratch = mkdtempSync(join(root, `${process.pid}-`));
    context.scratch = scratch;
    context.stops.add(() => Promise.resolve(rmSync(scratch, { recursive: true, force: true })));
  }
  return context.scratch;
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Times each phase of the start, for `/_local/startup`. */
export const timer = (startup: Record<string, number | string>) => {
  let last = performance.now();
  return (phase: string) => {
    const now = performance.now();
    startup[`${phase}Ms`] = Math.round(now - last);
    last = now;
  };
};
