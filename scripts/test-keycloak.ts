import '../local/support/node-version-warning.cjs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../local/support/ports';
import { startCloudProcess, stopCloudProcess, stopProcessGroup } from '../test/support/cloud-process';

/**
 * npm run test:keycloak [-- --skip-if-unavailable]
 *
 * The e2e suite and the Postman collection against the local cloud, with a real Keycloak as the
 * issuer instead of the embedded stand-in: Keycloak 26's server distribution from Maven Central
 * (cached under .local/keycloak), started in dev mode on a free port with keycloak/realm-shop.json
 * imported. The authorizer and the handlers then verify real Keycloak tokens.
 *
 * With --skip-if-unavailable (CI), a machine without Java 17+ or Maven, or one where Maven cannot
 * fetch the distribution, prints why and exits 0; otherwise that is a failure.
 */
const KEYCLOAK_VERSION = '26.0.8';
const ROOT = resolve(__dirname, '..');
const CACHE = join(ROOT, '.local', 'keycloak');
const HOME = join(CACHE, `keycloak-${KEYCLOAK_VERSION}`);
const READY_TIMEOUT_MS = 240_000;

const skipIfUnavailable = process.argv.includes('--skip-if-unavailable');
const say = (line: string) => process.stdout.write(`[test:keycloak] ${line}\n`);

class Unavailable extends Error {}

const javaMajor = (): number => {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) throw new Unavailable('java is not installed (Keycloak needs Java 17 or later)');
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) throw new Unavailable(`java ${major || '(unknown)'} is too old: Keycloak ${KEYCLOAK_VERSION} needs Java 17 or later`);
  return major;
};

/** Fetches the distribution with Maven into the cache and unpacks it, once. */
const ensureKeycloak = (): void => {
  if (existsSync(join(HOME, 'bin', 'kc.sh'))) return;
  if (spawnSync('mvn', ['--version'], { stdio: 'ignore' }).error) throw new Unavailable('mvn is not installed: it fetches Keycloak from Maven Central');
  mkdirSync(CACHE, { recursive: true });
  const zip = join(CACHE, `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`);
  if (!existsSync(zip)) {
    say(`fetching org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip with Maven…`);
    const fetched = spawnSync('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`, `-DoutputDirectory=${CACHE}`], {
      encoding: 'utf8',
      cwd: CACHE,
    });
    if (fetched.status !== 0 || !existsSync(zip)) throw new Unavailable(`Maven could not fetch Keycloak: ${(fetched.stdout + fetched.stderr).trim().split('\n').slice(-3).join(' | ')}`);
  }
  const unpacked = spawnSync('python3', ['-m', 'zipfile', '-e', zip, CACHE], { encoding: 'utf8' });
  if (unpacked.status !== 0) throw new Error(`Could not unpack ${zip}: ${unpacked.stderr}`);
};

const startKeycloak = async (port: number): Promise<{ child: ChildProcess; issuer: string; seconds: number }> => {
  // A fresh in-memory database each run: the realm is imported from the file as it is now.
  mkdirSync(join(HOME, 'data', 'import'), { recursive: true });
  copyFileSync(join(ROOT, 'keycloak', 'realm-shop.json'), join(HOME, 'data', 'import', 'realm-shop.json'));
  rmSync(join(HOME, 'data', 'h2'), { recursive: true, force: true });
  const issuer = `http://localhost:${port}/realms/shop`;
  const started = performance.now();
  const child = spawn('bash', [join(HOME, 'bin', 'kc.sh'), 'start-dev', '--db=dev-mem', `--http-port=${port}`, '--import-realm', `--hostname=http://localhost:${port}`], {
    cwd: HOME,
    env: { ...process.env, KC_BOOTSTRAP_ADMIN_USERNAME: 'admin', KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Keycloak exited with code ${child.exitCode}:\n${output.slice(-3000)}`);
    try {
      const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Keycloak was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return { child, issuer, seconds: (performance.now() - started) / 1000 };
};

const main = async (): Promise<number> => {
  let keycloak: Awaited<ReturnType<typeof startKeycloak>> | undefined;
  let cloud: Awaited<ReturnType<typeof startCloudProcess>> | undefined;
  try {
    say(`java ${javaMajor()}`);
    ensureKeycloak();
    keycloak = await startKeycloak(await freePort());
    say(`Keycloak ${KEYCLOAK_VERSION} is ready in ${keycloak.seconds.toFixed(1)} s at ${keycloak.issuer}`);
    cloud = await startCloudProcess('keycloak', ['--issuer-url', keycloak.issuer]);
    say(`local cloud at ${cloud.api}, trusting ${keycloak.issuer}`);
    const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const run = spawnSync(process.execPath, [jest, '--ci', '--runInBand', '--selectProjects', 'e2e', 'postman'], {
      stdio: 'inherit',
      env: { ...process.env, SHOP_TARGET: 'keycloak', SHOP_API_URL: cloud.api, SHOP_ISSUER_URL: keycloak.issuer, SHOP_EDGE_URL: cloud.edge },
    });
    return run.status ?? 1;
  } catch (error) {
    if (error instanceof Unavailable && skipIfUnavailable) {
      say(`SKIPPED: ${error.message}`);
      return 0;
    }
    process.stderr.write(`✖ ${(error as Error).message}\n`);
    return 1;
  } finally {
    await stopCloudProcess(cloud?.child);
    await stopProcessGroup(keycloak?.child, { graceMs: 15_000, terminate: 'group' });
  }
};

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    // Only the cleanup in `finally` can throw here: main answers its own failures with an exit code.
    process.stderr.write(`✖ ${error.message}\n`);
    process.exit(1);
  },
);
