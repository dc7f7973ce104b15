import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mkdir } from '../lifecycle';
import { freePort } from '../support/ports';
import { locate, ToolMissing } from '../support/tools';

/** No Java 17+ to run DynamoDB Local: the reason, and what to run. */
export class JavaMissing extends Error {
  constructor(reason: string) {
    super(
      `DynamoDB Local needs Java 17 or later. ${reason}.\nRun \`npx tsx scripts/preflight.ts java\` to install it (Debian/Ubuntu as root), or see its message for this system.`,
    );
  }
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The JVM's process id. */
  pid: number;
  /** How long the JVM took to answer, in milliseconds. */
  startMs: number;
  /** A JVM a crash had left on the same data directory, stopped before this one started. */
  staleStopped?: number;
  /** Whether the JVM is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

/** The DynamoDB Local distribution that ships inside the npm package amplify-dynamodb-simulator. */
export const emulatorDir = (): string =>
  join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');

/**
 * The watchdog the JVM runs under: a shell in a process group of its own (so the terminal's Ctrl-C
 * does not reach the database before the cloud has drained), that starts Java in the background,
 * prints its pid, and waits on a pipe from the cloud. The pipe closes when the cloud stops it or
 * when the cloud's process dies, however it dies (kill -9 included): then the JVM is stopped.
 */
const WATCHDOG =
  'java="$1"; shift; "$java" "$@" & child=$!; echo "$child"; cat >/dev/null; kill -TERM "$child" 2>/dev/null; wait "$child"';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const commandLine = (pid: number): string => {
  const proc = `/proc/${pid}/cmdline`;
  if (existsSync(proc)) return readFileSync(proc, 'utf8').replaceAll('\0', ' ');
  return spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout ?? '';
};

const waitUntil = async (done: () => boolean, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return done();
};

/**
 * A DynamoDB Local left running on this data directory by a cloud that was killed before its
 * watchdog could act (the watchdog killed too): found by its pid file and command line, and stopped,
 * so that two JVMs never open the same files.
 */
const stopStale = async (pidFile: string, dbPath: string): Promise<number | undefined> => {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  const line = commandLine(pid);
  if (!line.includes('DynamoDBLocal.jar') || !line.includes(dbPath)) return undefined;
  process.kill(pid, 'SIGTERM');
  if (!(await waitUntil(() => !alive(pid), 5000))) process.kill(pid, 'SIGKILL');
  await waitUntil(() => !alive(pid), 5000);
  return pid;
};

const waitForPort = async (port: number, child: ChildProcess, deadlineMs: number): Promise<void> => {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', signal: AbortSignal.timeout(500) });
      if (response.status > 0) return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error(`DynamoDB Local did not answer on port ${port} within ${deadlineMs} ms`);
};

const javaArgs = (port: number, dbPath?: string): string[] => {
  const dir = emulatorDir();
  const storage = dbPath ? ['-sharedDb', '-dbPath', dbPath] : ['-sharedDb', '-inMemory'];
  // A short-lived development server on a small machine: the client compiler only (C2's background
  // compiles cost more CPU than they repay here: about half the CPU to be ready, and no more per
  // request), the serial collector, and no perf-data file.
  // Its classes, from the jar of AWS's that the npm package ships, are not verified again: a quarter less
  // time to answer on a 2-core machine, and nothing once loaded.
  return [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-XX:-UsePerfData',
    '-XX:+UnlockDiagnosticVMOptions',
    '-XX:-BytecodeVerificationRemote',
    '-Xms64m',
    '-Xmx512m',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-disableTelemetry',
    ...storage,
  ];
};

/** The JVM's pid, the first line the watchdog prints. */
const jvmPid = (watchdog: ChildProcess): Promise<number> =>
  new Promise((resolve, reject) => {
    let out = '';
    watchdog.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
    });
    watchdog.once('exit', (code) => reject(new Error(`DynamoDB Local's watchdog exited with code ${code}`)));
  });

/** The machine's Java, found as the preflight finds it (JAVA_HOME, else the PATH): a look, not a JVM start. */
const java = (): string => {
  try {
    return locate('java').path;
  } catch (error) {
    if (error instanceof ToolMissing) throw new JavaMissing(error.message);
    throw error;
  }
};

/**
 * Starts DynamoDB Local with the machine's Java, in memory or on disk, supervised (see WATCHDOG):
 * it dies with the cloud, a stale one on the same data is stopped first, and it is stopped last.
 * DynamoDB Local has no option to bind one interface: it listens on all of them, on a free port.
 */
export const startDynamoDbLocal = async (options: { port?: number; dbPath?: string } = {}): Promise<DynamoDbLocal> => {
  const javaPath = java();
  const pidFile = options.dbPath && join(options.dbPath, 'dynamodb-local.pid');
  const staleStopped = pidFile ? await stopStale(pidFile, options.dbPath!) : undefined;
  const port = options.port ?? (await freePort());
  const started = performance.now();
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG, 'dynamodb-local', javaPath, ...javaArgs(port, options.dbPath)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = await jvmPid(watchdog);
  if (pidFile) writeFileSync(pidFile, `${pid}\n`);
  // On a normal exit of this process, stop it at once (the watchdog would too, a moment later).
  const killOnExit = () => {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  watchdog.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  watchdog.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  try {
    await waitForPort(port, watchdog, 30_000);
  } catch (error) {
    killOnExit();
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  const stop = async () => {
    if (watchdog.exitCode === null) {
      const exited = new Promise((resolve) => watchdog.once('exit', resolve));
      watchdog.stdin.end();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    }
    killOnExit();
    if (pidFile) rmSync(pidFile, { force: true });
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid,
    startMs: performance.now() - started,
    ...(staleStopped && { staleStopped }),
    alive: () => alive(pid),
    stop,
  };
};

/** DynamoDB Local on a data directory's `dynamodb/` folder, or in memory. */
export const startDynamoDbLocalFor = (dataDir?: string): Promise<DynamoDbLocal> =>
  startDynamoDbLocal(dataDir ? { dbPath: mkdir(join(dataDir, 'dynamodb')) } : {});
