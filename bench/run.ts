/**
 * The benchmark: start-up, saga latency with its breakdown, throughput at concurrency 1, 8, 32 and
 * 128, the DynamoDB floor measured in the same run against the same DynamoDB Local, function
 * bundles and invokes, memory, and the machine. Prints a readable table (stderr) and one JSON
 * document (stdout). Every figure is the median of its rounds.
 *
 *   npm run bench                       # a local cloud of its own, in memory
 *   npm run bench -- --quick            # smoke-sized (CI): every figure, few orders, one round
 *   npm run bench -- --target localstack|aws   # saga latency and throughput against a deployment
 *   npm run bench -- --tracing-only     # what tracing costs, alone (bench/tracing.ts)
 *   npm run bench -- --circuits-only    # the circuit breakers' healthy path, alone (bench/circuits.ts)
 */
import '../local/support/node-version-warning.cjs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StackModel } from '../local/cloudformation/model';
import { type CfnTemplate, tableBindings } from '../local/cloudformation/template';
import { readRealm } from '../local/issuer/realm';
import type { InvocationRecord } from '../local/logs/hub';
import { readTarget } from '../scripts/targets';
import { startCloudProcess, stopCloudProcess } from '../test/support/cloud-process';
import { breakdown } from './breakdown';
import { cacheMsOf, measureCircuits } from './circuits';
import { Floor, type Tables } from './floor';
import { bundleSizes, invokeTimes } from './functions';
import { BenchClient, ChangeFollower, type Endpoints, type User } from './lib/client';
import { machine, rssPeak } from './lib/machine';
import { median, medianOfRounds, round1 } from './lib/stats';
import type { BenchResult } from './result';
import { renderTable } from './table';
import { latencyFigures, runOrders, throughputOf } from './saga';
import { measureEngine } from './engine';
import { measureReload } from './reload';
import { measureStartup } from './startup';
import { measureTracing, type StartCloud } from './tracing';
import { readFileSync } from 'node:fs';

const ROOT = resolve(__dirname, '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    target: { type: 'string' },
    rounds: { type: 'string' },
    orders: { type: 'string' },
    'tracing-only': { type: 'boolean', default: false },
    'circuits-only': { type: 'boolean', default: false },
  },
});
const QUICK = args.quick;
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));
const LATENCY_ORDERS = Number(args.orders ?? (QUICK ? 20 : 300));
const LEVELS = [1, 8, 32, 128];
const ordersAt = (concurrency: number) => (QUICK ? Math.max(8, concurrency) : Math.max(100, concurrency * 8));
const log = (line: string) => process.stderr.write(`${line}\n`);

const TEMPLATE = join(ROOT, 'cdk.out', 'ServerlessShop.template.json');

/** Table names as the local cloud names them (`<stack>-<logicalId>`), by the variable the functions read. */
const localTables = (): Tables => {
  const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as CfnTemplate;
  const model = new StackModel(template, {
    region: 'us-east-1',
    accountId: '000000000000',
    stackName: 'ServerlessShop',
  });
  return Object.fromEntries(
    [...tableBindings(template)].map(([variable, logicalId]) => [variable, model.physicalName(logicalId)]),
  ) as Tables;
};

const userIds = (): Record<User, string> => {
  const realm = readRealm(join(ROOT, 'keycloak', 'realm-shop.json'));
  return Object.fromEntries((realm.users ?? []).map((user) => [user.username, user.id])) as Record<User, string>;
};

/** Latency at concurrency 1, round after round, with the breakdown of the first round. */
const measureLatency = async (client: BenchClient, follower: ChangeFollower | undefined, edge: string | undefined) => {
  const rounds = [];
  let stages: Record<string, number> = {};
  let reports: InvocationRecord[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { placed, timings } = await runOrders(client, follower, LATENCY_ORDERS, 1);
    rounds.push({
      orders: placed.length,
      errors: placed.length - timings.filter((t) => t.outcome === 'COMPLETED').length,
      ...latencyFigures(timings),
    });
    if (round === 0 && edge) {
      reports = (await (await fetch(`${edge}/_local/reports`)).json()) as InvocationRecord[];
      stages = breakdown(placed, timings, reports);
    }
  }
  return { figure: { ...medianOfRounds(rounds), rounds: ROUNDS }, stages, reports };
};

const measureThroughput = async (
  client: BenchClient,
  follower: ChangeFollower | undefined,
  pids?: { cloud: number; jvm: number },
) => {
  const levels = [];
  const memory: Record<string, { cloudRssMb: number; jvmRssMb: number }> = {};
  for (const concurrency of LEVELS) {
    const rounds = [];
    const peaks = { cloud: [] as number[], jvm: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const stop = pids && { cloud: rssPeak(pids.cloud), jvm: rssPeak(pids.jvm) };
      const { placed, timings } = await runOrders(client, follower, ordersAt(concurrency), concurrency);
      if (stop) {
        peaks.cloud.push(stop.cloud());
        peaks.jvm.push(stop.jvm());
      }
      rounds.push(throughputOf(concurrency, placed, timings));
      log(
        `  throughput at ${concurrency}: ${rounds.at(-1)!.perSecond}/s, p50 ${rounds.at(-1)!.p50} ms, ${rounds.at(-1)!.errors} errors`,
      );
    }
    levels.push(medianOfRounds(rounds));
    if (pids && (concurrency === 32 || concurrency === 128))
      memory[`concurrency${concurrency}`] = { cloudRssMb: median(peaks.cloud), jvmRssMb: median(peaks.jvm) };
  }
  return { levels, memory };
};

const measureFloor = async (endpoint: string, world: { skus: string[]; slots: string[] }) => {
  const floor = new Floor(endpoint, localTables(), { ...world, users: userIds() });
  try {
    await floor.run(5, 1); // warm the connections
    floor.calls.clear();
    const latencyRounds = [];
    for (let round = 0; round < ROUNDS; round++) latencyRounds.push(await floor.run(LATENCY_ORDERS, 1));
    const callsPerSaga = Object.fromEntries(
      [...floor.calls].map(([operation, count]) => [operation, round1(count / (LATENCY_ORDERS * ROUNDS))]),
    );
    const levels = [];
    for (const concurrency of LEVELS) {
      const rounds = [];
      for (let round = 0; round < ROUNDS; round++) rounds.push(await floor.run(ordersAt(concurrency), concurrency));
      levels.push(medianOfRounds(rounds));
    }
    return { latency: medianOfRounds(latencyRounds), levels, callsPerSaga };
  } finally {
    floor.destroy();
  }
};

const localEndpoints = async (
  name = 'bench',
  extraArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<{
  endpoints: Endpoints;
  stop: () => Promise<void>;
  pids: { cloud: number; jvm: number };
  dynamodb: string;
}> => {
  const cloud = await startCloudProcess(name, extraArgs, { env });
  const outputs = (await (await fetch(`${cloud.edge}/_local/outputs`)).json()) as Record<string, string>;
  const startup = (await (await fetch(`${cloud.edge}/_local/startup`)).json()) as Record<string, number | string>;
  return {
    endpoints: {
      api: cloud.api,
      issuer: cloud.issuer,
      edge: cloud.edge,
      stateMachineArn: outputs.StateMachineArn!,
      deliveryTable: outputs.DeliveryTableName!,
      local: true,
    },
    stop: () => stopCloudProcess(cloud.child),
    pids: { cloud: Number(startup.pid), jvm: Number(startup.jvmPid) },
    dynamodb: String(startup.dynamodbEndpoint),
  };
};

/** Tracing on against off, on two clouds of this run (see bench/tracing.ts). */
const tracingCost = () => {
  log('tracing on and off…');
  return measureTracing(
    localEndpoints satisfies StartCloud,
    {
      rounds: QUICK ? 1 : Number(args.rounds ?? 4),
      latencyOrders: QUICK ? 10 : Number(args.orders ?? 100),
      concurrency: 8,
      throughputOrders: QUICK ? 16 : Number(args.orders ?? 100) * 2,
      // DynamoDB Local's JIT and each function's environments warmed at the concurrency measured.
      warmOrders: QUICK ? 32 : 100,
    },
    log,
  );
};

/** The circuit breakers' healthy path, on a cloud of this run that traces every request (see bench/circuits.ts). */
const circuitsCost = () => {
  log('circuit breakers, healthy path…');
  const orders = QUICK ? 20 : Number(args.orders ?? 100);
  return measureCircuits(
    localEndpoints satisfies StartCloud,
    {
      levels: [
        { concurrency: 1, orders },
        { concurrency: 8, orders: orders * 2 },
      ],
      warmOrders: QUICK ? 32 : 100,
      cacheMs: cacheMsOf(JSON.parse(readFileSync(TEMPLATE, 'utf8')) as CfnTemplate),
    },
    log,
  );
};

/** The table on stderr, the JSON document on stdout. */
const report = (result: BenchResult) => {
  process.stderr.write(`${renderTable(result)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
};

const main = async () => {
  const result: BenchResult = {
    benchmark: 'serverless-shop',
    quick: QUICK,
    rounds: ROUNDS,
    target: args.target ?? 'local (in memory)',
    machine: machine(),
  };
  if (!args.target) {
    if (!args['circuits-only']) result.tracing = await tracingCost();
    if (!args['tracing-only']) result.circuits = await circuitsCost();
    if (args['tracing-only'] || args['circuits-only']) {
      report(result);
      return;
    }
    log('start-up…');
    result.startup = await measureStartup(!QUICK);
    log('hot reload…');
    result.reload = await measureReload(QUICK ? 3 : 5);
    log('the engine alone…');
    result.engine = await measureEngine(QUICK ? 200 : 1000);
  }
  const local = args.target ? undefined : await localEndpoints();
  const target = args.target ? readTarget(args.target) : undefined;
  const endpoints: Endpoints = local?.endpoints ?? {
    api: target!.apiUrl,
    issuer: target!.issuerUrl,
    edge: target!.edgeUrl,
    stateMachineArn: target!.stateMachineArn,
    deliveryTable: target!.tables.DELIVERY_TABLE!,
    local: false,
  };
  const client = new BenchClient(endpoints);
  const follower = local ? new ChangeFollower(endpoints.edge!) : undefined;
  try {
    await follower?.start();
    await client.prepare(LATENCY_ORDERS * ROUNDS + LEVELS.reduce((n, c) => n + ordersAt(c) * ROUNDS, 0) + 100);
    await runOrders(client, follower, 10, 2); // warm every function once
    const dynamodbBefore = local
      ? ((await (await fetch(`${endpoints.edge}/_local/dynamodb-calls`)).json()) as Record<string, number>)
      : {};
    log('saga latency at concurrency 1…');
    const latency = await measureLatency(client, follower, endpoints.edge && local ? endpoints.edge : undefined);
    result.sagaLatency = { ...latency.figure, breakdown: latency.stages };
    if (local) {
      const after = (await (await fetch(`${endpoints.edge}/_local/dynamodb-calls`)).json()) as Record<string, number>;
      const perSaga = Object.fromEntries(
        Object.entries(after).map(([op, count]) => [
          op,
          round1((count - (dynamodbBefore[op] ?? 0)) / (LATENCY_ORDERS * ROUNDS)),
        ]),
      );
      result.dynamodbCallsPerSaga = perSaga;
    }
    log('throughput…');
    const throughput = await measureThroughput(client, follower, local?.pids);
    result.throughput = throughput.levels;
    if (local) {
      log('the floor…');
      const floor = await measureFloor(local.dynamodb, client.world!);
      result.floor = floor;
      result.overhead = {
        latencyP50: round1(latency.figure.p50 / floor.latency.p50),
        throughput: throughput.levels.map((level, i) => ({
          concurrency: level.concurrency,
          sagaPerFloor: round1(level.perSecond / floor.levels[i]!.perSecond),
        })),
      };
      result.memory = throughput.memory;
      result.functions = mergeFunctions(bundleSizes(TEMPLATE), invokeTimes(latency.reports));
    }
  } finally {
    follower?.stop();
    client.destroy();
    await local?.stop();
  }
  report(result);
};

const mergeFunctions = (bundles: { function: string; bytes: number }[], invokes: ReturnType<typeof invokeTimes>) =>
  bundles.map((bundle) => ({
    ...bundle,
    kb: round1(bundle.bytes / 1024),
    ...invokes.find((i) => i.function === bundle.function),
  }));

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
