import { BenchClient, ChangeFollower, type Endpoints } from './lib/client';
import { cpuMs } from './lib/machine';
import { median, round1, sum } from './lib/stats';
import { latencyFigures, runOrders, throughputOf } from './saga';

/**
 * What tracing costs: the same sagas on clouds of the same run, one traced as by default (the functions'
 * OpenTelemetry, the runtime's and the services' spans, for the requests X-Ray's sampling rules pick),
 * one with `--no-tracing`, and one tracing every request (`--trace-sampling 1`), round by round in
 * turn (each first in its turn) so that drift falls on all alike.
 */
/** A cloud's medians over the rounds, and the cold starts of all its rounds (after its warm-up). */
export interface SideFigure {
  p50: number;
  p99: number;
  perSecond: number;
  coldStarts: number;
  /** CPU ms a saga costs the local cloud and DynamoDB Local (none on a deployed target). */
  cpuMsPerSaga?: number;
}

/** Percent more saga p50 latency, percent less throughput, percent more CPU a saga, than with tracing off. */
export interface Overhead {
  p50Percent: number;
  throughputPercent: number;
  cpuPercent?: number;
}

export interface TracingFigure {
  rounds: number;
  latencyOrders: number;
  concurrency: number;
  on: SideFigure;
  off: SideFigure;
  /** Every request traced (`--trace-sampling 1`). */
  every: SideFigure;
  /** What tracing on (the default rules) costs. */
  overhead: Overhead;
  /** The same, tracing every request. */
  everyOverhead: Overhead;
}

export type StartCloud = (
  name: string,
  args: string[],
  env: Record<string, string>,
) => Promise<{ endpoints: Endpoints; stop: () => Promise<void>; pids?: { cloud: number; jvm: number } }>;

interface Side {
  client: BenchClient;
  follower: ChangeFollower;
  stop: () => Promise<void>;
  p50: number[];
  p99: number[];
  perSecond: number[];
  coldStarts: number[];
  /** CPU ms per saga of the throughput part: the cloud's process (its workers' threads in it), and DynamoDB Local's. */
  cpuPerSaga: number[];
  pids?: { cloud: number; jvm: number };
}

/** Cold starts so far, from the cloud's Prometheus endpoint (`shop_lambda_cold_starts_total`). */
const coldStartsOf = async (edge: string): Promise<number> => {
  const text = await (await fetch(`${edge}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('shop_lambda_cold_starts_total'))
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
};

/**
 * Environments a cloud may keep together. At concurrency 8 a saga keeps a dozen functions busy, several
 * of them in 2–4 environments: past the default 24 the runtime ends warm environments to start others,
 * and each round had 5–19 cold starts on either side, which a traced cold start makes costlier. With
 * room for all of them (about 40 MB a worker), a round measures warm invocations, as on Lambda.
 */
const BENCH_WORKERS = 48;

/**
 * A cloud, warmed at the concurrency it is measured at: the rounds then measure a steady state, each
 * function with the warm environments it scales to, as on Lambda after its first minute of traffic.
 * What a cold start costs is the start-up figure's part; the cold starts a round still has are counted.
 */
const open = async (
  start: StartCloud,
  name: string,
  args: string[],
  orders: number,
  concurrency: number,
  warmOrders: number,
): Promise<Side> => {
  // The other clouds' rounds take minutes: this cloud keeps its environments meanwhile, as Lambda keeps
  // an idle environment for minutes (the local runtime's default, 60 s, would start them cold again),
  // and room for every environment its traffic scales to.
  const { endpoints, stop, pids } = await start(name, args, {
    SHOP_LAMBDA_IDLE_TIMEOUT: '900',
    SHOP_LAMBDA_MAX_WORKERS: String(BENCH_WORKERS),
  });
  const client = new BenchClient(endpoints);
  const follower = new ChangeFollower(endpoints.edge!);
  await follower.start();
  await client.prepare(orders);
  await runOrders(client, follower, warmOrders, concurrency);
  return { client, follower, stop, pids, p50: [], p99: [], perSecond: [], coldStarts: [], cpuPerSaga: [] };
};

const close = async (side: Side | undefined) => {
  side?.follower.stop();
  side?.client.destroy();
  await side?.stop();
};

const measure = async (side: Side, latencyOrders: number, concurrency: number, throughputOrders: number) => {
  const coldBefore = await coldStartsOf(side.client.endpoints.edge!);
  const latency = latencyFigures((await runOrders(side.client, side.follower, latencyOrders, 1)).timings);
  side.p50.push(latency.p50);
  side.p99.push(latency.p99);
  const cpu = () => (side.pids ? cpuMs(side.pids.cloud) + cpuMs(side.pids.jvm) : 0);
  const cpuBefore = cpu();
  const { placed, timings } = await runOrders(side.client, side.follower, throughputOrders, concurrency);
  if (side.pids) side.cpuPerSaga.push(Math.round((cpu() - cpuBefore) / Math.max(1, timings.length)));
  side.perSecond.push(throughputOf(concurrency, placed, timings).perSecond);
  side.coldStarts.push((await coldStartsOf(side.client.endpoints.edge!)) - coldBefore);
};

type Figures = ReturnType<typeof figures>;
const figures = (side: Side) => ({
  p50: median(side.p50),
  p99: median(side.p99),
  perSecond: median(side.perSecond),
  coldStarts: sum(side.coldStarts),
  ...(side.cpuPerSaga.length > 0 && { cpuMsPerSaga: median(side.cpuPerSaga) }),
});

/**
 * What a side costs over the untraced one: the median of the rounds' paired ratios (each round's
 * figures were measured minutes apart, so a drift of the machine over the run falls out of each ratio).
 */
const overhead = (side: Side, untraced: Side): Overhead => {
  const paired = (of: (round: number) => number) => round1(median(side.p50.map((_, round) => of(round) * 100)));
  return {
    p50Percent: paired((r) => side.p50[r]! / untraced.p50[r]! - 1),
    throughputPercent: paired((r) => 1 - side.perSecond[r]! / untraced.perSecond[r]!),
    ...(side.cpuPerSaga.length > 0 && {
      cpuPercent: paired((r) => side.cpuPerSaga[r]! / untraced.cpuPerSaga[r]! - 1),
    }),
  };
};

export const measureTracing = async (
  start: StartCloud,
  {
    rounds,
    latencyOrders,
    concurrency,
    throughputOrders,
    warmOrders,
  }: Record<'rounds' | 'latencyOrders' | 'concurrency' | 'throughputOrders' | 'warmOrders', number>,
  log: (line: string) => void,
): Promise<TracingFigure> => {
  const orders = rounds * (latencyOrders + throughputOrders) + warmOrders + 50;
  const sides: Partial<Record<'on' | 'off' | 'every', Side>> = {};
  try {
    sides.on = await open(start, 'bench-traced', [], orders, concurrency, warmOrders);
    sides.off = await open(start, 'bench-untraced', ['--no-tracing'], orders, concurrency, warmOrders);
    sides.every = await open(start, 'bench-every', ['--trace-sampling', '1'], orders, concurrency, warmOrders);
    const all = [sides.on, sides.off, sides.every];
    for (let round = 0; round < rounds; round++) {
      const order = [...all.slice(round % 3), ...all.slice(0, round % 3)];
      for (const side of order) await measure(side, latencyOrders, concurrency, throughputOrders);
      const line = (name: string, side: Side) =>
        `${name} p50 ${side.p50.at(-1)} ms, ${side.perSecond.at(-1)}/s, ${side.coldStarts.at(-1)} cold, ${side.cpuPerSaga.at(-1) ?? '?'} ms CPU/saga`;
      log(
        `  tracing round ${round + 1}: ${line('on', sides.on)}; ${line('off', sides.off)}; ${line('every', sides.every)}`,
      );
    }
    const [traced, untraced, every] = all.map(figures) as [Figures, Figures, Figures];
    return {
      rounds,
      latencyOrders,
      concurrency,
      on: traced,
      off: untraced,
      every,
      overhead: overhead(sides.on, sides.off),
      everyOverhead: overhead(sides.every, sides.off),
    };
  } finally {
    for (const side of Object.values(sides)) await close(side);
  }
};
