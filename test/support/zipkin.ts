import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolForTest } from '../../local/support/tools';
import { freePort } from '../../local/support/ports';
import { stopProcessGroup } from './cloud-process';

// A real Zipkin server for the trace export tests: Zipkin's exec jar from Maven Central (135 MB,
// downloaded once into ~/.cache/serverless-shop/ and checked against Maven Central's SHA-1), run on the
// machine's Java 17+ (the preflight's), on a free port. ZIPKIN_JAR names a jar to use instead.

const VERSION = '3.6.1';
const JAR_URL = `https://repo1.maven.org/maven2/io/zipkin/zipkin-server/${VERSION}/zipkin-server-${VERSION}-exec.jar`;
const CACHE = join(homedir(), '.cache', 'serverless-shop');
const READY_TIMEOUT_MS = 120_000;

const sha1 = (file: string) => createHash('sha1').update(readFileSync(file)).digest('hex');

/** The jar, downloaded when it is not cached yet; a failed download says what to do. */
export const zipkinJar = async (): Promise<string> => {
  if (process.env.ZIPKIN_JAR) return process.env.ZIPKIN_JAR;
  const jar = join(CACHE, `zipkin-server-${VERSION}-exec.jar`);
  if (existsSync(jar)) return jar;
  mkdirSync(CACHE, { recursive: true });
  const fail = (reason: string): never => {
    throw new Error(
      `Could not download Zipkin's server from ${JAR_URL} (${reason}). Download it to ${jar}, or set ZIPKIN_JAR.`,
    );
  };
  const [response, checksum] = await Promise.all([
    fetch(JAR_URL).catch((error: Error) => fail(error.message)),
    fetch(`${JAR_URL}.sha1`)
      .then((r) => r.text())
      .catch((error: Error) => fail(error.message)),
  ]);
  if (!response.ok) fail(`HTTP ${response.status}`);
  const part = `${jar}.${process.pid}.part`;
  writeFileSync(part, Buffer.from(await response.arrayBuffer()));
  if (sha1(part) !== checksum.trim().slice(0, 40)) {
    rmSync(part, { force: true });
    fail('its SHA-1 does not match Maven Central’s');
  }
  renameSync(part, jar);
  return jar;
};

export interface Zipkin {
  url: string;
  child: ChildProcess;
  logFile: string;
}

/** Starts Zipkin (in-memory storage) on a free port; resolves when its health check answers. */
export const startZipkin = async (): Promise<Zipkin> => {
  const java = toolForTest('java')!;
  const jar = await zipkinJar();
  const port = await freePort();
  const logFile = join(tmpdir(), `shop-zipkin-${process.pid}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(java.path, ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-jar', jar], {
    // Zipkin's server takes its port from QUERY_PORT; STORAGE_TYPE mem is its default.
    env: { ...process.env, QUERY_PORT: String(port), STORAGE_TYPE: 'mem' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Zipkin exited with code ${child.exitCode}; see ${logFile}`);
    const healthy = await fetch(`${url}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (healthy) return { url, child, logFile };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stopZipkin({ url, child, logFile });
  throw new Error(`Zipkin was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
};

export const stopZipkin = (zipkin: Zipkin | undefined) => stopProcessGroup(zipkin?.child, { terminate: 'group' });
