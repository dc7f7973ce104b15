import './node-version-warning.cjs';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { JavaMissing, freePort } from './dynamodb-local';
import { startLocalCloud, type LocalCloud } from './cloud';

const ROOT = resolve(__dirname, '..');
const SYNTH_TIMEOUT_MS = 120_000;

const HELP = `Serverless Shop — the embedded local cloud

Usage: npm start -- [options]

  --port <n>          API port                  (env SHOP_API_PORT, default 3000)
  --edge-port <n>     AWS edge port             (env SHOP_EDGE_PORT, default 4566)
  --issuer-port <n>   OIDC issuer port          (env SHOP_ISSUER_PORT, default 8080)
  --issuer-url <url>  trust this issuer instead of starting one: a Keycloak that imported
                      keycloak/realm-shop.json, e.g. http://localhost:8180/realms/shop
  --host <addr>       interface to listen on    (env SHOP_HOST, default 127.0.0.1)
  --data-dir <dir>    where data persists       (env SHOP_DATA_DIR, default .local)
  --in-memory         keep nothing on disk (tests)
  --no-authorizers    do not run the API's authorizers, as LocalStack's free tier: the
                      handlers verify the bearer tokens themselves
  --no-seed           do not seed the demo data
  --no-synth          run the existing template even if the sources are newer
  --verbose           also print EMF metric lines
  -h, --help          this help

A port of 0 picks a free one.`;

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    'edge-port': { type: 'string' },
    'issuer-port': { type: 'string' },
    'issuer-url': { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'in-memory': { type: 'boolean', default: false },
    'no-authorizers': { type: 'boolean', default: false },
    'no-seed': { type: 'boolean', default: false },
    'no-synth': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const fail = (message: string): never => {
  process.stderr.write(`\n✖ ${message}\n`);
  process.exit(1);
};

const port = async (flag: string | undefined, variable: string, fallback: number): Promise<number> => {
  const raw = flag ?? process.env[variable] ?? String(fallback);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) fail(`${raw} is not a port number (${variable})`);
  return value === 0 ? freePort() : value;
};

const newestChange = (paths: string[]): number => {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach((path) => visit(join(ROOT, path)));
  return newest;
};

/** The stack's template, synthesized first when it is missing or older than the sources. */
const ensureTemplate = (): { templatePath: string; stackName: string } => {
  const outDir = join(ROOT, 'cdk.out');
  const find = () => (existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.template.json')) : []);
  let templates = find();
  const templateAge = templates.length ? statSync(join(outDir, templates[0]!)).mtimeMs : 0;
  const stale = newestChange(['functions', 'stacks', 'statemachines', 'cdk.json', 'package-lock.json']) > templateAge;
  if (templates.length === 0 || (stale && !args['no-synth'])) {
    process.stdout.write(templates.length ? 'The sources changed since the last synth: synthesizing the stack…\n' : 'Synthesizing the stack…\n');
    // Its output is shown as it comes. CDK bundles each function with `npx --no-install esbuild`:
    // npm is kept offline (esbuild is local), and a synth that hangs is stopped and tried once more.
    const runSynth = () =>
      spawnSync(process.execPath, [require.resolve('aws-cdk/bin/cdk'), 'synth', '--quiet', '--no-notices'], {
        cwd: ROOT,
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true', npm_config_offline: 'true', npm_config_update_notifier: 'false' },
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: SYNTH_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      });
    let synth = runSynth();
    if (synth.error) {
      process.stdout.write(`cdk synth did not finish (${synth.error.message}): trying once more…\n`);
      synth = runSynth();
    }
    if (synth.error) fail(`cdk synth did not finish: ${synth.error.message}`);
    if (synth.status !== 0) fail(`cdk synth failed (exit ${synth.status}): see its output above`);
    templates = find();
  }
  if (templates.length !== 1) fail(`Expected one stack template in cdk.out, found ${templates.length}`);
  return { templatePath: join(outDir, templates[0]!), stackName: templates[0]!.replace(/\.template\.json$/, '') };
};

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

const main = async () => {
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const started = performance.now();
  const { templatePath, stackName } = ensureTemplate();
  const ports = {
    api: await port(args.port, 'SHOP_API_PORT', 3000),
    edge: await port(args['edge-port'], 'SHOP_EDGE_PORT', 4566),
    issuer: args['issuer-url'] ? 0 : await port(args['issuer-port'], 'SHOP_ISSUER_PORT', 8080),
  };
  const dataDir = args['in-memory'] ? undefined : resolve(args['data-dir'] ?? process.env.SHOP_DATA_DIR ?? join(ROOT, '.local'));
  const color = process.stdout.isTTY && !process.env.NO_COLOR;

  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({
      templatePath,
      stackName,
      realmPath: join(ROOT, 'keycloak', 'realm-shop.json'),
      ...(args['issuer-url'] && { externalIssuer: args['issuer-url'] }),
      enforceAuthorizers: !args['no-authorizers'],
      dataDir,
      host: args.host ?? process.env.SHOP_HOST ?? '127.0.0.1',
      ports,
      print: (line) => process.stdout.write(`${line}\n`),
      color,
      verbose: args.verbose,
      ...(!args['no-seed'] && {
        seed: async (tableFor, realm) => {
          // The seed writes through the services' own stores, whose SDK client reads this endpoint:
          // a service-specific endpoint in the caller's environment would win over it, so it goes.
          for (const name of Object.keys(process.env)) if (name.startsWith('AWS_ENDPOINT_URL_')) delete process.env[name];
          Object.assign(process.env, { AWS_ENDPOINT_URL: `http://127.0.0.1:${ports.edge}`, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
          const { seedDemo, OPENING_BALANCES } = await import('../demo/seed');
          const summary = await seedDemo(tableFor, [...realm.usersById.values()]);
          const users = [...realm.usersById.values()]
            .map((u) => `${u.username}/${u.credentials?.find((c) => c.type === 'password')?.value ?? '…'} (${realm.rolesOf(u).join(', ')}${OPENING_BALANCES[u.username] !== undefined ? `, opening balance ${dollars(OPENING_BALANCES[u.username]!)}` : ''})`)
            .join('; ');
          return `${summary.products} products, ${summary.slots} delivery slots (${summary.fullSlot} is full); users ${users}`;
        },
      }),
    });
  } catch (error) {
    if (error instanceof JavaMissing) return fail(error.message);
    const e = error as NodeJS.ErrnoException & { port?: number };
    if (e.code === 'EADDRINUSE') return fail(`Port ${e.port ?? ''} is already in use. Stop what uses it, or pick other ports: npm start -- --port 3100 --edge-port 4600 --issuer-port 8100`);
    throw error;
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const { urls } = cloud;
  const counts = {
    functions: cloud.model.ofType('AWS::Lambda::Function').length,
    tables: cloud.model.ofType('AWS::DynamoDB::Table').length,
    machines: cloud.stepFunctions.stateMachines.length,
  };
  const out = [
    '',
    `Serverless Shop is ready in ${seconds} s: ${stackName} (${counts.functions} functions, ${counts.tables} tables, ${counts.machines} state machine) from ${relative(ROOT, templatePath)}`,
    `  API        ${urls.api}`,
    `  Issuer     ${urls.issuer}`,
    `  AWS edge   ${urls.edge}    aws --endpoint-url ${urls.edge} stepfunctions list-state-machines`,
    `  Data       ${dataDir ? `${relative(ROOT, dataDir) || dataDir} (kept across restarts)` : 'in memory'}`,
    ...(cloud.seeded ? [`  Demo       ${cloud.seeded}`] : []),
    '',
    'Try it:',
    `  TOKEN=$(curl -s ${urls.issuer}/protocol/openid-connect/token -d grant_type=password -d client_id=shop-cli -d username=alice -d password=alice | jq -r .access_token)`,
    `  curl -s ${urls.api}/billing/account -H "Authorization: Bearer $TOKEN"`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stdout.write('Stopping now.\n');
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: letting running executions finish, then stopping (Ctrl-C again to force)…\n`);
    cloud
      .stop()
      .then(() => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      })
      .catch((error: Error) => fail(`Stop failed: ${error.message}`));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

main().catch((error: Error) => fail(error.stack ?? error.message));
