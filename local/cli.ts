import './support/node-version-warning.cjs';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CloudOptions, LocalCloud } from './cloud';
import { type DynamoDbLocal, JavaMissing, startDynamoDbLocalFor } from './dynamodb/process';
import { lambdaSettings } from './lambda/settings';
import { freePort } from './support/ports';
import { ensureTemplate, synthesize } from './synth';
import { startDevLoop } from './dev-loop';
import { updateDefinitionsInPlace } from './stepfunctions/definition-updates';
import { preflight } from '../scripts/preflight';
import { HELP } from './cli-help';
import { httpUrl, traceEndpoints } from './xray/endpoints';

const ROOT = resolve(__dirname, '..');

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    'edge-port': { type: 'string' },
    'issuer-port': { type: 'string' },
    'web-port': { type: 'string' },
    'issuer-url': { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'in-memory': { type: 'boolean', default: false },
    'no-authorizers': { type: 'boolean', default: false },
    'no-seed': { type: 'boolean', default: false },
    'no-synth': { type: 'boolean', default: false },
    synth: { type: 'boolean', default: false },
    'no-watch': { type: 'boolean', default: false },
    'no-tracing': { type: 'boolean', default: false },
    'trace-sampling': { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'otlp-endpoint': { type: 'string' },
    'zipkin-endpoint': { type: 'string' },
    'retry-interval-scale': { type: 'string' },
    'alert-webhook': { type: 'string' },
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

const retryScale = (): number => {
  const raw = args['retry-interval-scale'] ?? process.env.SHOP_RETRY_INTERVAL_SCALE ?? '1';
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    fail(`${raw} is not a retry interval scale between 0 and 1 (SHOP_RETRY_INTERVAL_SCALE)`);
  return value;
};

/** Every sampling rule's fixed rate, when given (the rules' own otherwise). */
const traceSampling = (): number | undefined => {
  const raw = args['trace-sampling'] ?? process.env.SHOP_TRACE_SAMPLING;
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    fail(`${raw} is not a sampling rate between 0 and 1 (--trace-sampling, SHOP_TRACE_SAMPLING)`);
  return value;
};

const alertWebhook = (): string | undefined => {
  const raw = args['alert-webhook'] ?? process.env.SHOP_ALERT_WEBHOOK;
  if (!raw) return undefined;
  return httpUrl(raw, 'alert-webhook', fail);
};

const dataDir = () =>
  args['in-memory'] ? undefined : resolve(args['data-dir'] ?? process.env.SHOP_DATA_DIR ?? join(ROOT, '.local'));

const cloudOptions = async (
  templatePath: string,
  stackName: string,
  storage: Promise<DynamoDbLocal>,
): Promise<CloudOptions> => {
  const ports = {
    api: await port(args.port, 'SHOP_API_PORT', 3000),
    edge: await port(args['edge-port'], 'SHOP_EDGE_PORT', 4566),
    issuer: args['issuer-url'] ? 0 : await port(args['issuer-port'], 'SHOP_ISSUER_PORT', 8080),
    web: await port(args['web-port'], 'SHOP_WEB_PORT', 8000),
  };
  const sampling = traceSampling();
  return {
    templatePath,
    stackName,
    realmPath: join(ROOT, 'keycloak', 'realm-shop.json'),
    ...(args['issuer-url'] && { externalIssuer: args['issuer-url'] }),
    enforceAuthorizers: !args['no-authorizers'],
    dataDir: dataDir(),
    storage,
    host: args.host ?? process.env.SHOP_HOST ?? '127.0.0.1',
    ports,
    print: (line) => process.stdout.write(`${line}\n`),
    color: process.stdout.isTTY && !process.env.NO_COLOR,
    verbose: args.verbose,
    retryIntervalScale: retryScale(),
    tracing: !args['no-tracing'],
    ...(sampling !== undefined && { traceSampling: sampling }),
    ...lambdaSettings(process.env, fail),
    ...traceEndpoints(args, fail),
    alertWebhook: alertWebhook(),
    ...(!args['no-seed'] && { seed: (await import('./demo-seed')).seedThroughEdge(ports.edge) }),
  };
};

const start = async (options: CloudOptions): Promise<LocalCloud> => {
  try {
    // The rest of the cloud is loaded once the JVM is starting (see main).
    const { startLocalCloud } = await import('./cloud');
    return await startLocalCloud(options);
  } catch (error) {
    if (error instanceof JavaMissing) return fail(error.message);
    const e = error as NodeJS.ErrnoException & { port?: number };
    if (e.code === 'EADDRINUSE')
      return fail(
        `Port ${e.port ?? ''} is already in use. Stop what uses it, or pick other ports: npm start -- --port 3100 --edge-port 4600 --issuer-port 8100 --web-port 8200`,
      );
    throw error;
  }
};

/** The lines printed once the cloud is ready: one per endpoint, the data, the demo users, a first curl. */
const readyBanner = (cloud: LocalCloud, options: CloudOptions, seconds: string): string[] => {
  const { urls } = cloud;
  const counts = {
    functions: cloud.model.ofType('AWS::Lambda::Function').length,
    tables: cloud.model.ofType('AWS::DynamoDB::Table').length,
    machines: cloud.stepFunctions.stateMachines.length,
  };
  const { dataDir } = options;
  return [
    '',
    `Serverless Shop is ready in ${seconds} s (DynamoDB Local ${(Number(cloud.startup.dynamodbJvmMs) / 1000).toFixed(1)} s of it): ${options.stackName} (${counts.functions} functions, ${counts.tables} tables, ${counts.machines} state machine) from ${relative(ROOT, options.templatePath)}`,
    ...(urls.web ? [`  Shop       ${urls.web}/    console ${urls.web}/console/`] : []),
    `  API        ${urls.api}`,
    `  Issuer     ${urls.issuer}`,
    `  AWS edge   ${urls.edge}    aws --endpoint-url ${urls.edge} stepfunctions list-state-machines`,
    `  Data       ${dataDir ? `${relative(ROOT, dataDir) || dataDir} (kept across restarts)` : 'in memory'}`,
    args['no-watch']
      ? '  Watching   nothing (--no-watch)'
      : '  Watching   functions/ (hot reload), statemachines/ (UpdateStateMachine), stacks/ (synth, restart in place)',
    ...(cloud.seeded ? [`  Demo       ${cloud.seeded}`] : []),
    '',
    'Try it:',
    `  TOKEN=$(curl -s ${urls.issuer}/protocol/openid-connect/token -d grant_type=password -d client_id=shop-cli -d username=alice -d password=alice | jq -r .access_token)`,
    `  curl -s ${urls.api}/billing/account -H "Authorization: Bearer $TOKEN"`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
};

/** Ctrl-C (or SIGTERM) drains and stops the cloud as it is then; a second one stops at once. */
const stopOnSignals = (current: () => LocalCloud, before: () => void): void => {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stdout.write('Stopping now.\n');
      process.exit(130);
    }
    stopping = true;
    before();
    process.stdout.write(`\n${signal}: letting running executions finish, then stopping (Ctrl-C again to force)…\n`);
    current()
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

/**
 * After a change of the stack: a synth while the cloud keeps serving, then the cloud stopped (its
 * executions suspended) and started again on the same ports and data, where they resume.
 */
const restartInPlace = async (cloud: LocalCloud, options: CloudOptions): Promise<LocalCloud | undefined> => {
  const synth = await synthesize(ROOT);
  if (!synth.ok) {
    cloud.log(
      `cdk synth failed: the cloud keeps running the last template\n${synth.output.trim().split('\n').slice(-30).join('\n')}`,
    );
    return undefined;
  }
  const template = readFileSync(options.templatePath, 'utf8');
  if (template === cloud.template) {
    cloud.log(`synthesized in ${(synth.ms / 1000).toFixed(1)} s: the template is the same, nothing to restart`);
    return undefined;
  }
  const seconds = (synth.ms / 1000).toFixed(1);
  // Only definitions changed (an edit of statemachines/): UpdateStateMachine, as a deploy does, without a restart.
  try {
    const place = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
    const updated = updateDefinitionsInPlace(cloud.stepFunctions, cloud.template, template, {
      ...place,
      stackName: options.stackName,
    });
    if (updated) {
      cloud.template = template;
      cloud.log(
        `synthesized in ${seconds} s: only state machine definitions changed, applied as UpdateStateMachine (${updated.join(', ') || 'none'}): no restart; executions under way keep the definition they started with`,
      );
      return undefined;
    }
  } catch (error) {
    cloud.log(`the new template cannot run here, so the cloud keeps running the last one: ${(error as Error).message}`);
    return undefined;
  }
  // A template the cloud cannot run (a state machine that does not validate) leaves the running one be.
  try {
    (await import('./cloud')).checkTemplate(template, options);
  } catch (error) {
    cloud.log(`the new template cannot run here, so the cloud keeps running the last one: ${(error as Error).message}`);
    return undefined;
  }
  const started = performance.now();
  cloud.log(
    `synthesized in ${seconds} s: restarting in place (${options.dataDir ? 'data and running executions are kept' : 'in memory: the data is not kept'})…`,
  );
  await cloud.stop();
  const next = await start({ ...options, storage: undefined }).catch((error: Error) =>
    fail(`The cloud stopped for the new template and could not start again: ${error.stack ?? error.message}`),
  );
  next.log(`restarted in place in ${((performance.now() - started) / 1000).toFixed(1)} s with the new template`);
  return next;
};

const main = async () => {
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const started = performance.now();
  // The preflight first (Java for DynamoDB Local): installed where it can be, else what to run.
  try {
    preflight(['java']);
  } catch (error) {
    fail((error as Error).message);
  }
  // DynamoDB Local first: its JVM is the slowest part of a start, and needs nothing else of the cloud,
  // whose modules load meanwhile. A failure is the cloud's to report, when it awaits the JVM.
  const storage = startDynamoDbLocalFor(dataDir());
  storage.catch(() => undefined);
  const { templatePath, stackName } = ensureTemplate(ROOT, {
    synth: args.synth ? 'always' : args['no-synth'] ? 'never' : 'when-stale',
    fail,
  });
  const options = await cloudOptions(templatePath, stackName, storage);
  let cloud = await start(options);
  process.stdout.write(
    `${readyBanner(cloud, options, ((performance.now() - started) / 1000).toFixed(1)).join('\n')}\n`,
  );
  const watch = args['no-watch']
    ? undefined
    : startDevLoop({
        root: ROOT,
        sources: ['functions'],
        stack: ['stacks', 'statemachines'],
        cloud: () => cloud,
        restart: async () => {
          const next = await restartInPlace(cloud, options);
          if (next) cloud = next;
          return next !== undefined;
        },
      });
  stopOnSignals(
    () => cloud,
    () => watch?.close(),
  );
};

main().catch((error: Error) => fail(error.stack ?? error.message));
