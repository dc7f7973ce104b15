import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDynamoDbLocal } from '../../../local/dynamodb/process';

// DynamoDB Local is supervised: it dies with the process that started it, however that process
// dies; the terminal's Ctrl-C does not reach it; a JVM left on the same data is stopped first.

const ROOT = resolve(__dirname, '..', '..', '..');
jest.setTimeout(60_000);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const gone = async (pid: number, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
};

/** The supervised process, in its own process group, and the JVM pid it prints. */
const startSupervised = async (
  dbPath?: string,
): Promise<{ child: ChildProcess; jvm: number; output: () => string }> => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/dynamodb-supervised.ts', ...(dbPath ? [dbPath] : [])],
    { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 45_000;
  while (!/jvm (\d+)/.test(output) && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 100));
  const jvm = Number(/jvm (\d+)/.exec(output)?.[1]);
  if (!jvm) throw new Error(`No JVM started: ${output}`);
  return { child, jvm, output: () => output };
};

test('kill -9 of the process that started it: the JVM dies with it', async () => {
  const { child, jvm } = await startSupervised();

  process.kill(child.pid!, 'SIGKILL');

  expect(await gone(jvm)).toBe(true);
});

test('Ctrl-C reaches the cloud’s process group, not the database: it still answers while the cloud drains', async () => {
  const { child, jvm, output } = await startSupervised();
  const exited = new Promise((r) => child.once('exit', r));

  process.kill(-child.pid!, 'SIGINT');
  await exited;

  expect(output()).toContain('after SIGINT the database answers 400');
  expect(await gone(jvm)).toBe(true);
});

test('a JVM that a crash left on the same data directory is found and stopped at start-up', async () => {
  const dbPath = mkdtempSync(join(tmpdir(), 'dynamodb-stale-'));
  const { child, jvm } = await startSupervised(dbPath);
  // The worst case: the cloud and its watchdog both killed, the JVM orphaned.
  const watchdogs = spawn('pkill', ['-KILL', '-P', String(child.pid)]);
  await new Promise((r) => watchdogs.once('exit', r));
  process.kill(child.pid!, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  expect(alive(jvm)).toBe(true);

  const fresh = await startDynamoDbLocal({ dbPath });
  await fresh.stop();

  expect(fresh.staleStopped).toBe(jvm);
  expect(alive(jvm)).toBe(false);
  expect(await gone(fresh.pid)).toBe(true);
});
