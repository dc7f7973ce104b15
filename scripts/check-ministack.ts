import '../local/support/node-version-warning.cjs';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Realm, readRealm } from '../local/issuer/realm';
import { type RunningIssuer, startIssuer } from '../local/issuer/server';
import { freePort } from '../local/support/ports';
import { runCollection } from '../test/postman/run-collection';
import { stopProcessGroup } from '../test/support/cloud-process';

/**
 * npm run check:ministack [-- --skip-if-unavailable] [--keep]
 *
 * The LocalStack path executed end to end, with no Docker and no account: MiniStack (PyPI, pinned in
 * requirements-ministack.txt, into .local/ministack) runs on a free port, the LocalStack variant is
 * deployed to it with cdklocal (scripts/deploy.sh deploy localstack) and seeded, then the e2e suite and
 * the Postman collection run against it, with the embedded issuer (Keycloak's endpoints and realm) on
 * another free port as the API's identity provider.
 *
 * A failing test is a known target gap only when test/ministack-gaps.json names it, with the reason;
 * the check prints those, and fails on any other failure, and on a listed gap that passes (the list
 * must say what is true). --keep leaves MiniStack and the issuer running, for the console and
 * `npm run bench -- --target localstack`, until Ctrl-C.
 *
 * With --skip-if-unavailable (CI), a machine without Python 3.10+, or one where pip cannot install the
 * requirements, prints why and exits 0; otherwise that is a failure.
 */
const ROOT = resolve(__dirname, '..');
const VENV = join(ROOT, '.local', 'ministack');
const REQUIREMENTS = join(ROOT, 'requirements-ministack.txt');
const GAPS_FILE = join(ROOT, 'test', 'ministack-gaps.json');
const OUTPUTS = join(ROOT, '.local', 'outputs-localstack.json');
const READY_TIMEOUT_MS = 60_000;

const args = process.argv.slice(2);
const skipIfUnavailable = args.includes('--skip-if-unavailable');
const keep = args.includes('--keep');
const say = (line: string) => process.stdout.write(`[check:ministack] ${line}\n`);

class Unavailable extends Error {}

export interface KnownGap {
  /** `e2e` (the jest suite) or `postman` (the collection, run by newman). */
  project: string;
  /** An e2e test's full name, as jest reports it; a Postman assertion as `request: assertion`. */
  test: string;
  /** Why it fails on MiniStack, and what upstream would have to change. */
  reason: string;
}

const knownGaps = (): KnownGap[] => (JSON.parse(readFileSync(GAPS_FILE, 'utf8')) as { gaps: KnownGap[] }).gaps;

/** A Python of 3.10 or later, the first found. */
const python = (): string => {
  for (const candidate of ['python3.13', 'python3.12', 'python3.11', 'python3.10', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sys; sys.exit(sys.version_info < (3, 10))']);
    if (!probe.error && probe.status === 0) return candidate;
  }
  throw new Unavailable('no Python 3.10+ on this machine (MiniStack needs it)');
};

/** .local/ministack with requirements-ministack.txt, made again when the requirements changed. */
const ensureVenv = (): string => {
  const stamp = join(VENV, 'requirements.txt');
  const binary = join(VENV, 'bin', 'ministack');
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8') === readFileSync(REQUIREMENTS, 'utf8'))
    return binary;
  const interpreter = python();
  say(`installing MiniStack into ${VENV} with ${interpreter}…`);
  rmSync(VENV, { recursive: true, force: true });
  const made = spawnSync(interpreter, ['-m', 'venv', VENV], { stdio: 'inherit' });
  if (made.status !== 0) throw new Unavailable(`${interpreter} -m venv failed`);
  const pip = join(VENV, 'bin', 'pip');
  const installed = spawnSync(pip, ['install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS], {
    stdio: 'inherit',
  });
  if (installed.status !== 0) throw new Unavailable('pip could not install requirements-ministack.txt');
  copyFileSync(REQUIREMENTS, stamp);
  return binary;
};

const version = (): string =>
  spawnSync(join(VENV, 'bin', 'python'), ['-c', 'import importlib.metadata as m; print(m.version("ministack"))'], {
    encoding: 'utf8',
  }).stdout.trim();

/**
 * MiniStack on `port`, in its own process group. Its Lambda workers are local Node processes that inherit
 * NODE_PATH: the project's node_modules gives them the AWS SDK v3 that Lambda's runtime provides.
 */
const startMiniStack = async (binary: string, port: number, log: string) => {
  const { openSync } = await import('node:fs');
  const out = openSync(log, 'a');
  const child = spawn(binary, [], {
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      GATEWAY_PORT: String(port),
      LOG_LEVEL: 'WARNING',
      NODE_PATH: join(ROOT, 'node_modules'),
    },
  });
  const health = `http://127.0.0.1:${port}/_localstack/health`;
  for (const deadline = Date.now() + READY_TIMEOUT_MS; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`MiniStack exited (${child.exitCode}); see ${log}`);
    const ok = await fetch(health).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 250));
  }
  throw new Error(`MiniStack did not answer ${health} within ${READY_TIMEOUT_MS / 1000} s; see ${log}`);
};

interface JestReport {
  testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

/**
 * A command, its output shown, run without blocking: this process serves the issuer the deployment
 * trusts, and must go on answering while the command runs.
 */
const run = (command: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(command, argv, { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code) => resolvePromise(code ?? 1));
  });

/** One jest project against the deployment: each test's outcome by its full name. */
const runProject = async (project: string, env: NodeJS.ProcessEnv, dir: string): Promise<Map<string, string>> => {
  const report = join(dir, `${project}.json`);
  await run(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(ROOT, 'test', 'run-target.ts'),
      project,
      '--target',
      'localstack',
      '--ci',
      '--runInBand',
      '--json',
      `--outputFile=${report}`,
    ],
    env,
  );
  if (!existsSync(report)) throw new Error(`jest wrote no report for ${project}`);
  const results = (JSON.parse(readFileSync(report, 'utf8')) as JestReport).testResults.flatMap(
    (file) => file.assertionResults,
  );
  return new Map(results.map((result) => [result.fullName, result.status]));
};

/**
 * The failures against the known gaps: each listed gap must fail (it is printed), every other test must
 * pass, and every listed test must exist.
 */
export const judge = (outcomes: Record<string, Map<string, string>>, gaps: KnownGap[]) => {
  const problems: string[] = [];
  const known: KnownGap[] = [];
  for (const [project, results] of Object.entries(outcomes)) {
    const listed = new Map(gaps.filter((gap) => gap.project === project).map((gap) => [gap.test, gap]));
    for (const [test, status] of results) {
      const gap = listed.get(test);
      if (status === 'failed' && gap) known.push(gap);
      else if (status === 'failed') problems.push(`${project}: "${test}" failed, and it is not a known gap`);
      else if (gap && status === 'passed')
        problems.push(`${project}: "${test}" passed: it is no longer a gap, take it off ${GAPS_FILE}`);
    }
    for (const test of listed.keys())
      if (!results.has(test)) problems.push(`${project}: "${test}" is listed as a gap, but there is no such test`);
  }
  return { known, problems };
};

/**
 * The Postman collection against the deployment: each assertion's outcome, as `request: assertion`. A
 * request that failed outright (no response) is an outcome of its own.
 */
const runPostman = async (api: string, issuer: string): Promise<Map<string, string>> => {
  const summary = await runCollection({ api, issuer, chaosUrl: '' });
  const outcomes = new Map<string, string>();
  for (const execution of summary.run.executions) {
    const request = execution.item.name;
    if ((execution as { requestError?: unknown }).requestError) outcomes.set(`${request}: the request`, 'failed');
    for (const { assertion, error } of execution.assertions ?? [])
      outcomes.set(`${request}: ${assertion}`, error ? 'failed' : 'passed');
  }
  say(`Postman: ${summary.run.stats.assertions.total} assertions in ${summary.run.stats.requests.total} requests`);
  return outcomes;
};

const main = async (): Promise<number> => {
  let ministack: ChildProcess | undefined;
  let issuer: RunningIssuer | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'shop-ministack-'));
  const saved = existsSync(OUTPUTS) ? readFileSync(OUTPUTS) : undefined;
  try {
    const binary = ensureVenv();
    const [port, issuerPort] = [await freePort(), await freePort()];
    ministack = await startMiniStack(binary, port, join(dir, 'ministack.log'));
    say(`MiniStack ${version()} on port ${port} (its log: ${join(dir, 'ministack.log')})`);
    issuer = await startIssuer({
      realm: new Realm(readRealm(join(ROOT, 'keycloak', 'realm-shop.json'))),
      port: issuerPort,
    });
    say(`issuer at ${issuer.issuer}`);

    const edge = `http://127.0.0.1:${port}`;
    // For the deploy, the suites, and scripts/targets.ts here, which reads the edge when it is loaded.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: edge,
      AWS_ENDPOINT_URL_S3: edge,
      // MiniStack runs the functions on this host: they reach the issuer where the tests do.
      SHOP_ISSUER_URL: issuer.issuer,
      SHOP_JWKS_URI: `${issuer.issuer}/protocol/openid-connect/certs`,
    });
    const env = process.env;
    const started = Date.now();
    if ((await run(join(ROOT, 'scripts', 'deploy.sh'), ['deploy', 'localstack'], env)) !== 0)
      throw new Error('the deploy to MiniStack failed');
    say(`deployed and seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const { readTarget } = await import('./targets');
    const deployment = readTarget('localstack');
    const outcomes = {
      e2e: await runProject('e2e', env, dir),
      postman: await runPostman(deployment.apiUrl, deployment.issuerUrl),
    };
    const { known, problems } = judge(outcomes, knownGaps());
    for (const gap of known) say(`known target gap: ${gap.project}: "${gap.test}": ${gap.reason}`);
    for (const problem of problems) process.stderr.write(`✖ ${problem}\n`);
    const passed = (results: Map<string, string>) => [...results.values()].filter((s) => s === 'passed').length;
    say(
      `on MiniStack: e2e ${passed(outcomes.e2e)} of ${outcomes.e2e.size} tests passed, Postman ${passed(outcomes.postman)} of ${outcomes.postman.size} assertions; ${known.length} known target gaps, ${problems.length} problems`,
    );
    if (problems.length > 0) return 1;
    if (keep) {
      say(`kept running: AWS_ENDPOINT_URL=${edge} npm run bench -- --target localstack; Ctrl-C to stop`);
      await new Promise<void>((resolvePromise) => process.once('SIGINT', () => resolvePromise()));
    }
    return 0;
  } catch (error) {
    if (error instanceof Unavailable && skipIfUnavailable) {
      say(`SKIPPED: ${error.message}`);
      return 0;
    }
    process.stderr.write(`✖ ${(error as Error).message}\n`);
    return 1;
  } finally {
    await stopProcessGroup(ministack, { graceMs: 5_000, terminate: 'group' });
    await issuer?.stop();
    // The outputs of a LocalStack deployment that was there before are put back.
    if (saved) writeFileSync(OUTPUTS, saved);
    else rmSync(OUTPUTS, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
};

if (require.main === module) void main().then((code) => process.exit(code));
