import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 180_000;

/**
 * The e2e suite runs against SHOP_API_URL / SHOP_ISSUER_URL (and SHOP_EDGE_URL for the AWS APIs)
 * when they are set; otherwise it starts the local cloud in memory, on free ports, as a user would.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.SHOP_API_URL) {
    if (!process.env.SHOP_ISSUER_URL) throw new Error('SHOP_API_URL is set: set SHOP_ISSUER_URL too');
    return;
  }
  const logFile = join(tmpdir(), `shop-e2e-cloud-${process.pid}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli.ts', '--in-memory', '--port', '0', '--edge-port', '0', '--issuer-port', '0'], {
    cwd: ROOT,
    // Other projects' setups export AWS_* variables (their DynamoDB Local): the cloud must not inherit them.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that the teardown's last resort reaches everything the cloud started.
    detached: true,
  });
  (globalThis as { __shopCloud?: ChildProcess }).__shopCloud = child;
  child.stderr.pipe(log, { end: false });
  child.stdout.pipe(log, { end: false });

  const urls = await new Promise<Record<string, string>>((resolvePromise, reject) => {
    let output = '';
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`The local cloud exited with code ${code} before it was ready; see ${logFile}\n${output.slice(-2000)}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Press Ctrl-C to stop.')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      const url = (label: string) => new RegExp(`^  ${label}\\s+(http\\S+)`, 'm').exec(output)?.[1] ?? '';
      resolvePromise({ api: url('API'), issuer: url('Issuer'), edge: url('AWS edge') });
    };
    const timer = setTimeout(() => reject(new Error(`The local cloud was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`)), READY_TIMEOUT_MS);
    child.on('exit', onExit);
    child.stdout.on('data', onData);
  });
  process.env.SHOP_API_URL = urls.api;
  process.env.SHOP_ISSUER_URL = urls.issuer;
  process.env.SHOP_EDGE_URL = urls.edge;
  process.env.SHOP_E2E_CLOUD_LOG = logFile;
}
