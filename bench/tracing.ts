import { BenchClient, ChangeFollower, type Endpoints } from './lib/client';
import { median, round1 } from './lib/stats';
import { latencyFigures, runOrders, throughputOf } from './saga';

/**
 * What tracing costs: the same sagas on clouds of the same run, one traced as by default (the functions'
 * OpenTelemetry, the runtime's and the services' spans, for the requests X-Ray's sampling rules pick),
 * one with `--no-tracing`, and one tracing every request (`--trace-sampling 1`), round by round in
 * turn (each first in its turn) so that drift falls on all alike.
 */
export interface TracingFigure {
  rounds: number;
  latencyOrders: number;
  concurrency: number;
  on: { p50: number; p99: number; perSecond: number };
  off: { p50: number; p99: number; perSecond: number };
  /** Every request traced (`--trace-sampling 1`). */
  every: { p50: number; p99: number; perSecond: number };
  /** Percent more saga p50 latency, and percent less throughput, with tracing on (the default rules). */
  overhead: { p50Percent: number; throughputPercent: number };
  /** The same, tracing every request. */
  everyOverhead: { p50Percent: number; throughputPercent: number };
}

export type StartCloud = (name: string, args: string[]) => Promise<{ endpoints: Endpoints; stop: () => Promise<void> }>;

interface Side {
  client: BenchClient;
  follower: ChangeFollower;
  stop: () => Promise<void>;
  p50: number[];
  p99: number[];
  perSecond: number[];
}

const open = async (start: StartCloud, name: string, args: string[], orders: number): Promise<Side> => {
  const { endpoints, stop } = await start(name, args);
  const client = new BenchClient(endpoints);
  const follower = new ChangeFollower(endpoints.edge!);
  await follower.start();
  await client.prepare(orders);
  await runOrders(client, follower, 10, 2); // warm every function once
  return { client, follower, stop, p50: [], p99: [], perSecond: [] };
};

const close = async (side: Side | undefined) => {
  side?.follower.stop();
  side?.client.destroy();
  await side?.stop();
};

const measure = async (side: Side, latencyOrders: number, concurrency: number, throughputOrders: number) => {
  const latency = latencyFigures((await runOrders(side.client, side.follower, latencyOrders, 1)).timings);
  side.p50.push(latency.p50);
  side.p99.push(latency.p99);
  const { placed, timings } = await runOrders(side.client, side.follower, throughputOrders, concurrency);
  side.perSecond.push(throughputOf(concurrency, placed, timings).perSecond);
};

type Figures = ReturnType<typeof figures>;
const figures = (side: Side) => ({ p50: median(side.p50), p99: median(side.p99), perSecond: median(side.perSecond) });

export const measureTracing = async (
  start: StartCloud,
  {
    rounds,
    latencyOrders,
    concurrency,
    throughputOrders,
  }: Record<'rounds' | 'latencyOrders' | 'concurrency' | 'throughputOrders', number>,
  log: (line: string) => void,
): Promise<TracingFigure> => {
  const orders = rounds * (latencyOrders + throughputOrders) + 50;
  const sides: Partial<Record<'on' | 'off' | 'every', Side>> = {};
  try {
    sides.on = await open(start, 'bench-traced', [], orders);
    sides.off = await open(start, 'bench-untraced', ['--no-tracing'], orders);
    sides.every = await open(start, 'bench-every', ['--trace-sampling', '1'], orders);
    const all = [sides.on, sides.off, sides.every];
    for (let round = 0; round < rounds; round++) {
      const order = [...all.slice(round % 3), ...all.slice(0, round % 3)];
      for (const side of order) await measure(side, latencyOrders, concurrency, throughputOrders);
      const line = (name: string, side: Side) => `${name} p50 ${side.p50.at(-1)} ms, ${side.perSecond.at(-1)}/s`;
      log(
        `  tracing round ${round + 1}: ${line('on', sides.on)}; ${line('off', sides.off)}; ${line('every', sides.every)}`,
      );
    }
    const [traced, untraced, every] = all.map(figures) as [Figures, Figures, Figures];
    const overhead = (side: Figures) => ({
      p50Percent: round1((side.p50 / untraced.p50 - 1) * 100),
      throughputPercent: round1((1 - side.perSecond / untraced.perSecond) * 100),
    });
    return {
      rounds,
      latencyOrders,
      concurrency,
      on: traced,
      off: untraced,
      every,
      overhead: overhead(traced),
      everyOverhead: overhead(every),
    };
  } finally {
    for (const side of Object.values(sides)) await close(side);
  }
};
