import type { ChildProcess } from 'node:child_process';

const GRACE_MS = 20_000;

/** Stops the cloud the setup started: SIGTERM lets it drain; its whole process group is killed if it has not exited in time. */
export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as { __shopCloud?: ChildProcess }).__shopCloud;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is already gone
      }
    };
    const force = setTimeout(() => signalGroup('SIGKILL'), GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
