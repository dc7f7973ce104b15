import '../local/support/node-version-warning.cjs';
import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RealmExport } from '../local/issuer/realm';
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
 * Then, the suites done, it checks that Keycloak locks a user out as the realm's brute-force settings
 * say, and as the embedded issuer does (test/local/issuer/brute-force.test.ts): what a locked-out user
 * is answered, and what Keycloak's attack detection recorded, read through its admin API.
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
  if (major < 17)
    throw new Unavailable(
      `java ${major || '(unknown)'} is too old: Keycloak ${KEYCLOAK_VERSION} needs Java 17 or later`,
    );
  return major;
};

/** Fetches the distribution with Maven into the cache and unpacks it, once. */
const ensureKeycloak = (): void => {
  if (existsSync(join(HOME, 'bin', 'kc.sh'))) return;
  if (spawnSync('mvn', ['--version'], { stdio: 'ignore' }).error)
    throw new Unavailable('mvn is not installed: it fetches Keycloak from Maven Central');
  mkdirSync(CACHE, { recursive: true });
  const zip = join(CACHE, `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`);
  if (!existsSync(zip)) {
    say(`fetching org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip with Maven…`);
    const fetched = spawnSync(
      'mvn',
      [
        '-q',
        '-B',
        'dependency:copy',
        `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`,
        `-DoutputDirectory=${CACHE}`,
      ],
      {
        encoding: 'utf8',
        cwd: CACHE,
      },
    );
    if (fetched.status !== 0 || !existsSync(zip))
      throw new Unavailable(
        `Maven could not fetch Keycloak: ${(fetched.stdout + fetched.stderr).trim().split('\n').slice(-3).join(' | ')}`,
      );
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
  const child = spawn(
    'bash',
    [
      join(HOME, 'bin', 'kc.sh'),
      'start-dev',
      '--db=dev-mem',
      `--http-port=${port}`,
      '--import-realm',
      `--hostname=http://localhost:${port}`,
    ],
    {
      cwd: HOME,
      env: { ...process.env, KC_BOOTSTRAP_ADMIN_USERNAME: 'admin', KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`Keycloak exited with code ${child.exitCode}:\n${output.slice(-3000)}`);
    try {
      const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`Keycloak was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return { child, issuer, seconds: (performance.now() - started) / 1000 };
};

const REALM = JSON.parse(readFileSync(join(ROOT, 'keycloak', 'realm-shop.json'), 'utf8')) as RealmExport;
/** Keycloak's one answer to a wrong password and to a locked-out user. */
const REFUSED = { status: 401, body: { error: 'invalid_grant', error_description: 'Invalid user credentials' } };

interface LockoutStatus {
  disabled: boolean;
  numFailures: number;
  numTemporaryLockouts: number;
  lastFailure: number;
  failedLoginNotBefore: number;
}

/** Keycloak's token endpoint and its admin API's attack detection, for the lockout check. */
const keycloakClient = async (issuer: string) => {
  const origin = new URL(issuer).origin;
  const post = async (url: string, form: Record<string, string>) => {
    const response = await fetch(url, { method: 'POST', body: new URLSearchParams(form) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const admin = await post(`${origin}/realms/master/protocol/openid-connect/token`, {
    grant_type: 'password',
    client_id: 'admin-cli',
    username: 'admin',
    password: 'admin',
  });
  const idOf = (username: string) => REALM.users!.find((u) => u.username === username)!.id;
  const attackDetection = (username: string, method = 'GET') =>
    fetch(`${origin}/admin/realms/${REALM.realm}/attack-detection/brute-force/users/${idOf(username)}`, {
      method,
      headers: { authorization: `Bearer ${String(admin.body.access_token)}` },
    });
  const status = async (username: string) => (await (await attackDetection(username)).json()) as LockoutStatus;
  return {
    /** Forgets the user's failures, as an admin can (the suites may have left one). */
    reset: async (username: string) => strictEqual((await attackDetection(username, 'DELETE')).status, 204),
    signIn: (username: string, password: string) =>
      post(`${issuer}/protocol/openid-connect/token`, {
        grant_type: 'password',
        client_id: 'shop-cli',
        username,
        password,
      }),
    /** The user's record once Keycloak has counted `failures` (it records them off the request's thread). */
    counted: async (username: string, failures: number): Promise<LockoutStatus> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const recorded = await status(username);
        if (recorded.numFailures >= failures) return recorded;
        if (Date.now() > deadline)
          throw new Error(`Keycloak counted ${recorded.numFailures} failures of ${username}, not ${failures}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
};

/**
 * failureFactor wrong passwords for bob, further apart than the quick-login check, lock him out for
 * waitIncrementSeconds; two quick ones for alice lock her out for minimumQuickLoginWaitSeconds. The
 * right password is then answered as a wrong one, and not counted.
 */
const checkLockout = async (issuer: string): Promise<void> => {
  const {
    failureFactor = 30,
    waitIncrementSeconds = 60,
    quickLoginCheckMilliSeconds = 1000,
    minimumQuickLoginWaitSeconds = 60,
  } = REALM;
  const keycloak = await keycloakClient(issuer);
  await keycloak.reset('bob');
  await keycloak.reset('alice');
  let bob: LockoutStatus | undefined;
  for (let failures = 1; failures <= failureFactor; failures++) {
    if (bob)
      await new Promise((resolve) =>
        setTimeout(resolve, bob!.lastFailure + quickLoginCheckMilliSeconds + 200 - Date.now()),
      );
    deepStrictEqual(await keycloak.signIn('bob', 'wrong'), REFUSED);
    bob = await keycloak.counted('bob', failures);
  }
  deepStrictEqual(await keycloak.signIn('bob', 'bob'), REFUSED);
  const locked = await keycloak.counted('bob', failureFactor);
  deepStrictEqual(locked, bob);
  deepStrictEqual([locked.disabled, locked.numTemporaryLockouts], [true, 1]);
  strictEqual(locked.failedLoginNotBefore, Math.floor(locked.lastFailure / 1000) + waitIncrementSeconds);
  say(
    `bob locked out after ${failureFactor} failures for ${waitIncrementSeconds} s; the right password is refused as a wrong one`,
  );

  deepStrictEqual(await keycloak.signIn('alice', 'wrong'), REFUSED);
  await keycloak.counted('alice', 1);
  deepStrictEqual(await keycloak.signIn('alice', 'wrong'), REFUSED);
  const quick = await keycloak.counted('alice', 2);
  deepStrictEqual(await keycloak.signIn('alice', 'alice'), REFUSED);
  deepStrictEqual([quick.disabled, quick.numTemporaryLockouts], [true, 0]);
  strictEqual(quick.failedLoginNotBefore, Math.floor(quick.lastFailure / 1000) + minimumQuickLoginWaitSeconds);
  say(
    `alice locked out for ${minimumQuickLoginWaitSeconds} s after two failures within ${quickLoginCheckMilliSeconds} ms`,
  );
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
      env: {
        ...process.env,
        SHOP_TARGET: 'keycloak',
        SHOP_API_URL: cloud.api,
        SHOP_ISSUER_URL: keycloak.issuer,
        SHOP_EDGE_URL: cloud.edge,
      },
    });
    // Last, as it locks users out.
    await checkLockout(keycloak.issuer);
    say('brute-force detection: as the realm file says, and as the embedded issuer does');
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
