import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { type BenchClient, ChangeFollower, type PlacedOrder } from './lib/client';
import { percentiles, quantile, round1 } from './lib/stats';

/** A saga as its own history tells it: when it reached COMPLETED, and how long each Task took. */
export interface SagaTiming {
  orderId: string;
  outcome: 'COMPLETED' | 'CANCELLED' | 'FAILED';
  /** POST sent → the order COMPLETED (CompleteOrder's Task succeeded). */
  latencyMs: number;
  /** ExecutionStarted → COMPLETED, less the Tasks: the engine's own time between states. */
  engineMs: number;
  /** The transitions (states entered) up to COMPLETED: engineMs over them is the engine's time per transition. */
  transitions: number;
  /** Each Task: TaskScheduled → TaskSucceeded, by state (the Lambda invoke, its worker, its calls). */
  tasks: Record<string, number>;
  executionStart: number;
  /** When NotifyCompleted published (SNS delivery starts here). */
  published?: number;
  completedAt: number;
}

const time = (event: HistoryEvent) => (event.timestamp as Date).getTime();

export const timing = (order: PlacedOrder, events: HistoryEvent[]): SagaTiming => {
  const tasks: Record<string, number> = {};
  let state = '';
  let scheduled = 0;
  let completedAt = 0;
  let published: number | undefined;
  let transitions = 0;
  for (const event of events) {
    if (event.type?.endsWith('StateEntered')) {
      state = event.stateEnteredEventDetails!.name!;
      if (!completedAt) transitions++;
    }
    if (event.type === 'TaskScheduled') scheduled = time(event);
    if (event.type === 'TaskSucceeded') {
      tasks[state] = (tasks[state] ?? 0) + time(event) - scheduled;
      if (state === 'CompleteOrder') completedAt = time(event);
      if (state === 'NotifyCompleted') published = time(event);
    }
  }
  const executionStart = time(events[0]!);
  const beforeCompletion = Object.entries(tasks)
    .filter(([name]) => name !== 'NotifyCompleted')
    .reduce((total, [, ms]) => total + ms, 0);
  const failed = events.at(-1)?.type !== 'ExecutionSucceeded';
  return {
    orderId: order.orderId!,
    outcome: failed ? 'FAILED' : completedAt ? 'COMPLETED' : 'CANCELLED',
    latencyMs: completedAt - order.sentAt,
    engineMs: completedAt - executionStart - beforeCompletion,
    transitions,
    tasks,
    executionStart,
    ...(published !== undefined && { published }),
    completedAt,
  };
};

/** Orders from `clients` concurrent clients, each placing an order and waiting for its saga to end before the next. */
export const runOrders = async (
  client: BenchClient,
  follower: ChangeFollower | undefined,
  count: number,
  clients: number,
) => {
  const placed: PlacedOrder[] = [];
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const order = await client.placeOrder();
      placed.push(order);
      if (order.status !== 201 || !order.orderId) continue;
      const deadline = Date.now() + 120_000;
      if (follower) await follower.wait(order.orderId, 120_000);
      else await client.waitByPolling(order.orderId, deadline);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  // Read outside the timed window: each saga's own history says when its order completed.
  const timings: SagaTiming[] = [];
  for (const order of placed) if (order.orderId) timings.push(timing(order, await client.history(order.orderId)));
  return { placed, timings };
};

export interface ThroughputFigure {
  concurrency: number;
  orders: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Completed sagas per second at one concurrency: orders completed / (last completion − first POST). */
export const throughputOf = (concurrency: number, placed: PlacedOrder[], timings: SagaTiming[]): ThroughputFigure => {
  const completed = timings.filter((t) => t.outcome === 'COMPLETED');
  const errors = placed.filter((o) => o.status !== 201).length + (timings.length - completed.length);
  const start = Math.min(...placed.map((o) => o.sentAt));
  const end = Math.max(...completed.map((t) => t.completedAt));
  const latencies = completed.map((t) => t.latencyMs);
  return {
    concurrency,
    orders: placed.length,
    perSecond: round1((completed.length * 1000) / (end - start)),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    errors,
  };
};

export const latencyFigures = (timings: SagaTiming[]) =>
  percentiles(timings.filter((t) => t.outcome === 'COMPLETED').map((t) => t.latencyMs));
