import { BenchClient, ChangeFollower, type Endpoints } from './lib/client';
import { median, round1 } from './lib/stats';
import { latencyFigures, runOrders, throughputOf } from './saga';

/**
 * What tracing costs: the same sagas on two clouds of the same run, one traced (the default: the
 * functions' OpenTelemetry, the runtime's and the services' spans) and one with `--no-tracing`, round
 * by round in turn (on first, then off first) so that drift falls on both alike.
 */
export interface TracingFigure {
  rounds: number;
  latencyOrders: number;
  concurrency: number;
  on: { p50: number; p99: number; perSecond: number };
  off: { p50: number; p99: number; perSecond: number };
  /** Percent more saga p50 latency, and percent less throughput, with tracing on. */
  overhead: { p50Percent: number; throughputPercent: number };
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
  let on: Side | undefined;
  let off: Side | undefined;
  try {
    on = await open(start, 'bench-traced', [], orders);
    off = await open(start, 'bench-untraced', ['--no-tracing'], orders);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [on, off] : [off, on];
      for (const side of order) await measure(side, latencyOrders, concurrency, throughputOrders);
      log(
        `  tracing round ${round + 1}: on p50 ${on.p50.at(-1)} ms, ${on.perSecond.at(-1)}/s; off p50 ${off.p50.at(-1)} ms, ${off.perSecond.at(-1)}/s`,
      );
    }
    const [traced, untraced] = [figures(on), figures(off)];
    return {
      rounds,
      latencyOrders,
      concurrency,
      on: traced,
      off: untraced,
      overhead: {
        p50Percent: round1((traced.p50 / untraced.p50 - 1) * 100),
        throughputPercent: round1((1 - traced.perSecond / untraced.perSecond) * 100),
      },
    };
  } finally {
    await close(on);
    await close(off);
  }
};
