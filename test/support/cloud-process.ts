import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 300_000;
const STOP_GRACE_MS = 20_000;
/** The log files this process has started: the first start of a name truncates a file left by another run. */
const logsStarted = new Set<string>();

export interface CloudProcess {
  child: ChildProcess;
  api: string;
  issuer: string;
  edge: string;
  /** The shop page (and the console at /console/): http://localhost:<port>. */
  web: string;
  logFile: string;
}

/**
 * Starts the local cloud as a user would (`npm start`), in memory (or on `dataDir`, kept across
 * restarts) and on free ports, and resolves when it prints that it is ready. Its output goes to a log
 * file in the temp directory: emptied at its first start in this process (a file of the same name may
 * be left from another run: pids repeat across machines made from one image), appended to when the
 * same cloud is started again. `nodeArgs` go to
 * Node itself (`--cpu-prof`, for one). `root` runs it from another copy of the project (see project-copy.ts).
 * It watches nothing unless `watch` is set: an edit made in the tree while the tests run must not reload
 * or restart a cloud under them.
 */
export const startCloudProcess = async (
  name: string,
  extraArgs: string[] = [],
  options: { dataDir?: string; nodeArgs?: string[]; root?: string; watch?: boolean; env?: Record<string, string> } = {},
): Promise<CloudProcess> => {
  const logFile = join(tmpdir(), `shop-${name}-cloud-${process.pid}.log`);
  const log = createWriteStream(logFile, { flags: logsStarted.has(logFile) ? 'a' : 'w' });
  logsStarted.add(logFile);
  const storage = options.dataDir ? ['--data-dir', options.dataDir] : ['--in-memory'];
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      'local/cli.ts',
      ...storage,
      '--port',
      '0',
      '--edge-port',
      '0',
      '--issuer-port',
      '0',
      '--web-port',
      '0',
      ...(options.watch ? [] : ['--no-watch']),
      ...extraArgs,
    ],
    {
      cwd: options.root ?? ROOT,
      // Other projects' setups export AWS_* variables (their DynamoDB Local): the cloud must not inherit them.
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([variable]) => !variable.startsWith('AWS_'))),
        NO_COLOR: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that stopping it reaches everything the cloud started.
      detached: true,
    },
  );
  child.stderr.pipe(log, { end: false });
  child.stdout.pipe(log, { end: false });

  const urls = await new Promise<Record<'api' | 'issuer' | 'edge' | 'web', string>>((resolvePromise, reject) => {
    let output = '';
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(
        new Error(
          `The local cloud exited with code ${code} before it was ready; see ${logFile}\n${output.slice(-2000)}`,
        ),
      );
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Press Ctrl-C to stop.')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      const url = (label: string) => new RegExp(`^  ${label}\\s+(http\\S+)`, 'm').exec(output)?.[1] ?? '';
      resolvePromise({
        api: url('API'),
        issuer: url('Issuer'),
        edge: url('AWS edge'),
        web: url('Shop').replace(/\/$/, ''),
      });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The local cloud was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`));
    }, READY_TIMEOUT_MS);
    child.on('exit', onExit);
    child.stdout.on('data', onData);
  });
  return { child, ...urls, logFile };
};

/**
 * Stops a process started in its own group: SIGTERM (to the process, or to its whole group), then
 * SIGKILL to the group if it has not exited within the grace period.
 */
export const stopProcessGroup = async (
  child: ChildProcess | undefined,
  options: { graceMs?: number; terminate?: 'process' | 'group' } = {},
): Promise<void> => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolvePromise) => {
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is already gone
      }
    };
    const force = setTimeout(() => signalGroup('SIGKILL'), options.graceMs ?? STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolvePromise();
    });
    if (options.terminate === 'group') signalGroup('SIGTERM');
    else child.kill('SIGTERM');
  });
};

/** SIGTERM lets the cloud drain its executions; everything it started goes if it does not exit in time. */
export const stopCloudProcess = (child: ChildProcess | undefined): Promise<void> => stopProcessGroup(child);
