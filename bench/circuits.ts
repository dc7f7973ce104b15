import { DEFAULT_CIRCUIT_SETTINGS } from '../functions/order/circuit';
import {
  type CfnTemplate,
  type FunctionEnvironment,
  propertiesOf,
  resourcesOfType,
} from '../local/cloudformation/template';
import type { InvocationRecord } from '../local/logs/hub';
import type { SegmentDocument } from '../local/xray/segments';
import { BenchClient, ChangeFollower, type Endpoints } from './lib/client';
import { environmentsOf } from './lib/logs';
import { median, quantile, round1, sum } from './lib/stats';
import { type Trace, Traces, subsegmentsOf } from './lib/xray';
import { latencyFigures, runOrders, type SagaTiming } from './saga';
import type { StartCloud } from './tracing';

/**
 * What the circuit breakers cost a healthy saga. The pay, reserve and book steps invoke the
 * call-participant function, which reads its circuit's state from the circuits table (through a cache
 * of CIRCUIT_CACHE_MS in each environment) and then invokes the participant. The issue asks that the
 * healthy path cost at most one read per step. On a cloud of its own that traces every request
 * (`--trace-sampling 1`), each step's spans say what it read and wrote of that table and which
 * participant invocation it made, and the runtime's reports say how long each invocation took.
 */

/** One concurrency's figures for one circuit, or for all three (`circuit: 'all'`). */
export interface CircuitStepFigure {
  circuit: string;
  /** Steps measured: calls through the circuit whose trace and reports were both found. */
  steps: number;
  /** Reads of the circuits table per step (the requirement: at most 1; the cache makes it far fewer). */
  readsPerStep: number;
  /** The most reads any one step made: the requirement holds for each step, not on average only. */
  maxReadsInAStep: number;
  /** Every other DynamoDB call per step: none on the healthy path (only a failure or a probe writes). */
  writesPerStep: number;
  /** The step's invocation less its participant's (queued, init and handler): what the circuit adds. */
  addedMs: { p50: number; p95: number };
  /** Of which the Lambda Invoke of the participant, less the participant's own time: the SDK, edge and runtime hop. */
  invokeHopMs: { p50: number; p95: number };
  /** A read's own time (its DynamoDB span), median, when the step read: what a stale cache costs. */
  readMs?: number;
}

export interface CircuitLevelFigure {
  concurrency: number;
  sagas: number;
  errors: number;
  /** Call-participant invocations in the runtime's reports, and those whose trace was found (should match). */
  stepsRun: number;
  stepsTraced: number;
  /** DynamoDB calls made in the window, in traces (the sagas', the reconciler's), and as the edge forwarded them (should match). */
  dynamodbSpans: number;
  dynamodbCalls: number;
  /** The same, by operation, where the two differ: which calls went untraced (or were traced twice). */
  dynamodbMismatch: Record<string, { spans: number; calls: number }>;
  /** The call-participant environments that served the steps (one log stream each). */
  environments: number;
  /**
   * The shortest time between one read of a circuit and the next in the same environment (the end of
   * one to the start of the next): the cache holds a read for cacheMs, so this is at least cacheMs.
   */
  minReadGapMs?: number;
  circuits: CircuitStepFigure[];
}

export interface CircuitsFigure {
  /** How long an environment reuses a read of a circuit (CIRCUIT_CACHE_MS). */
  cacheMs: number;
  warmOrders: number;
  levels: CircuitLevelFigure[];
  /** At concurrency 1: the three steps' added time in a saga (median over sagas), against the saga's p50. */
  sagaShare?: { addedMs: number; sagaP50Ms: number; percent: number };
}

/** The call-participant function, as the runtime's reports name it (its construct's path). */
const STEP_FUNCTION = 'CircuitsCallParticipant';
const READ_OPERATIONS: ReadonlySet<string> = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
/** How far back a trace may have begun and still make calls in a level's window. */
const STRAGGLERS_MS = 60_000;
/** How long the spans of the last invocations may take to reach the edge (they are sent in batches of a second). */
const SPANS_DEADLINE_MS = 30_000;

/** One pay, reserve or book step: its calls to DynamoDB (from its trace) and its added time (from the reports). */
interface StepCall {
  orderId: string;
  circuit: string;
  /** The environment (log stream) the step ran in. */
  environment?: string;
  /** Each read's start and end (epoch ms). */
  reads: Interval[];
  writes: number;
  addedMs: number;
  hopMs: number;
}
type Interval = { start: number; end: number };

/** What a step's function segment shows: its DynamoDB calls, and the request id of the participant it invoked. */
interface StepSegment {
  orderId: string;
  requestId: string;
  reads: Interval[];
  writes: number;
  invoke?: Interval & { participantRequestId: string };
}

/** A span's start and end, from the segment's epoch seconds. */
const intervalOf = (segment: { start_time: number; end_time: number }): Interval => ({
  start: segment.start_time * 1000,
  end: segment.end_time * 1000,
});
const lengthOf = ({ start, end }: Interval) => end - start;

/** CIRCUIT_CACHE_MS as the stack sets it on the call-participant function, or the breaker's default. */
export const cacheMsOf = (template: CfnTemplate): number => {
  const variables = resourcesOfType(template, 'AWS::Lambda::Function')
    .map(([, resource]) => propertiesOf<FunctionEnvironment>(resource).Environment?.Variables ?? {})
    .find((environment) => 'CIRCUIT_TABLE' in environment);
  const configured = variables?.CIRCUIT_CACHE_MS;
  return configured === undefined ? DEFAULT_CIRCUIT_SETTINGS.cacheMs : Number(configured);
};

const isDynamoCall = (segment: { name: string; namespace?: string }) =>
  segment.namespace === 'aws' && segment.name === 'DynamoDB';

/** A step's function segment: every DynamoDB call it makes is a read of the circuits table or counts as a write. */
const stepSegment = (orderId: string, doc: SegmentDocument, table: string): StepSegment => {
  const calls = subsegmentsOf(doc);
  const dynamo = calls.filter(isDynamoCall);
  const reads = dynamo.filter(
    (call) => call.aws?.table_name === table && READ_OPERATIONS.has(String(call.aws.operation)),
  );
  const invoke = calls.find((call) => call.name === 'Lambda' && call.aws?.operation === 'Invoke');
  return {
    orderId,
    requestId: String(doc.aws!.request_id),
    reads: reads.map(intervalOf),
    writes: dynamo.length - reads.length,
    ...(invoke?.aws?.request_id && {
      invoke: { ...intervalOf(invoke), participantRequestId: String(invoke.aws.request_id) },
    }),
  };
};

/** The segments of the steps named, in the sagas' traces. */
const stepSegments = (traces: Trace[], stepRequests: ReadonlySet<string>, table: string): StepSegment[] =>
  traces.flatMap(({ orderId, documents }) => {
    if (!orderId) return [];
    return documents
      .filter((doc) => doc.origin === 'AWS::Lambda::Function' && stepRequests.has(String(doc.aws?.request_id)))
      .map((doc) => stepSegment(orderId, doc, table));
  });

/** A participant's own time, as Step Functions would wait for it invoked directly: queued, init and handler. */
const ownMs = (report: InvocationRecord) => report.queuedMs + report.initMs + report.durationMs;

/** Each step joined with its own report, its participant's (whose function names the circuit) and its environment. */
const stepCalls = (
  segments: StepSegment[],
  reports: InvocationRecord[],
  environmentOf: ReadonlyMap<string, string>,
): StepCall[] => {
  const byRequest = new Map(reports.map((report) => [report.requestId, report]));
  return segments.flatMap((segment) => {
    const step = byRequest.get(segment.requestId);
    const participant = segment.invoke && byRequest.get(segment.invoke.participantRequestId);
    if (!step || !segment.invoke || !participant) return [];
    const environment = environmentOf.get(segment.requestId);
    return [
      {
        orderId: segment.orderId,
        circuit: participant.function,
        ...(environment && { environment }),
        reads: segment.reads,
        writes: segment.writes,
        addedMs: step.durationMs - ownMs(participant),
        hopMs: lengthOf(segment.invoke) - ownMs(participant),
      },
    ];
  });
};

/** The shortest gap between consecutive reads of one circuit in one environment (none with fewer than two). */
const minReadGap = (calls: StepCall[]): number | undefined => {
  const readsOf = new Map<string, Interval[]>();
  for (const call of calls) {
    if (!call.environment) continue;
    const key = `${call.environment} ${call.circuit}`;
    readsOf.set(key, [...(readsOf.get(key) ?? []), ...call.reads]);
  }
  const gaps = [...readsOf.values()].flatMap((reads) =>
    reads
      .sort((a, b) => a.start - b.start)
      .slice(1)
      .map((read, i) => read.start - reads[i]!.end),
  );
  return gaps.length > 0 ? round1(Math.min(...gaps)) : undefined;
};

const perStep = (count: number, steps: number) => (steps === 0 ? NaN : Math.round((count / steps) * 1000) / 1000);

const p50p95 = (samples: number[]) => ({ p50: quantile(samples, 0.5), p95: quantile(samples, 0.95) });

const stepFigure = (circuit: string, calls: StepCall[]): CircuitStepFigure => {
  const readMs = calls.flatMap((call) => call.reads.map(lengthOf));
  return {
    circuit,
    steps: calls.length,
    readsPerStep: perStep(sum(calls.map((call) => call.reads.length)), calls.length),
    maxReadsInAStep: Math.max(0, ...calls.map((call) => call.reads.length)),
    writesPerStep: perStep(sum(calls.map((call) => call.writes)), calls.length),
    addedMs: p50p95(calls.map((call) => call.addedMs)),
    invokeHopMs: p50p95(calls.map((call) => call.hopMs)),
    ...(readMs.length > 0 && { readMs: median(readMs) }),
  };
};

/** All three circuits together, then each on its own. */
const circuitFigures = (calls: StepCall[]): CircuitStepFigure[] => [
  stepFigure('all', calls),
  ...[...new Set(calls.map((call) => call.circuit))].sort().map((circuit) =>
    stepFigure(
      circuit,
      calls.filter((call) => call.circuit === circuit),
    ),
  ),
];

/** The three steps' added time per saga (median), against the saga's p50 latency. */
const sagaShare = (calls: StepCall[], timings: SagaTiming[]) => {
  const perSaga = new Map<string, number[]>();
  for (const call of calls) perSaga.set(call.orderId, [...(perSaga.get(call.orderId) ?? []), call.addedMs]);
  const whole = [...perSaga.values()].filter((added) => added.length === 3).map(sum);
  const addedMs = median(whole);
  const sagaP50Ms = latencyFigures(timings).p50;
  return { addedMs, sagaP50Ms, percent: round1((addedMs / sagaP50Ms) * 100) };
};

interface Cloud {
  endpoints: Endpoints;
  client: BenchClient;
  follower: ChangeFollower;
  traces: Traces;
  edge: string;
  table: string;
}

const edgeJson = async <T>(edge: string, name: string): Promise<T> =>
  (await (await fetch(`${edge}/_local/${name}`)).json()) as T;

/**
 * The steps run since `since`, once every call-participant invocation in the reports
 * has its trace (the functions send their spans in batches after they answer), or at the deadline.
 */
const collectSteps = async (cloud: Cloud, since: number) => {
  const deadline = Date.now() + SPANS_DEADLINE_MS;
  for (;;) {
    const reports = await edgeJson<InvocationRecord[]>(cloud.edge, 'reports');
    const steps = reports.filter((report) => report.function === STEP_FUNCTION && report.start >= since);
    const stepRequests = new Set(steps.map((report) => report.requestId));
    // The sagas' traces, and every other whose calls the edge may have counted meanwhile: the reconciler's,
    // the notifications of sagas that ended just before.
    const traces = await cloud.traces.since(new Date(since - STRAGGLERS_MS));
    const environmentOf = steps[0] ? await environmentsOf(cloud.endpoints, steps[0].functionName, since) : new Map();
    const calls = stepCalls(stepSegments(traces, stepRequests, cloud.table), reports, environmentOf);
    if (calls.length >= stepRequests.size || Date.now() > deadline)
      return { calls, stepsRun: stepRequests.size, traces };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

/** DynamoDB calls made since `since` in the traces, by operation. */
const dynamodbSpansIn = (traces: Trace[], since: number): Record<string, number> => {
  const spans: Record<string, number> = {};
  for (const { documents } of traces)
    for (const call of documents.flatMap(subsegmentsOf).filter(isDynamoCall)) {
      if (call.start_time * 1000 < since) continue;
      const operation = String(call.aws?.operation);
      spans[operation] = (spans[operation] ?? 0) + 1;
    }
  return spans;
};

/** The calls the edge forwarded between two of its counts, by operation. */
const forwardedSince = (before: Record<string, number>, after: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([operation, count]) => [operation, count - (before[operation] ?? 0)]));

const mismatch = (spans: Record<string, number>, calls: Record<string, number>) =>
  Object.fromEntries(
    [...new Set([...Object.keys(spans), ...Object.keys(calls)])]
      .filter((operation) => (spans[operation] ?? 0) !== (calls[operation] ?? 0))
      .map((operation) => [operation, { spans: spans[operation] ?? 0, calls: calls[operation] ?? 0 }]),
  );

const measureLevel = async (cloud: Cloud, concurrency: number, orders: number) => {
  const callsBefore = await edgeJson<Record<string, number>>(cloud.edge, 'dynamodb-calls');
  const since = Date.now();
  const { placed, timings } = await runOrders(cloud.client, cloud.follower, orders, concurrency);
  const { calls, stepsRun, traces } = await collectSteps(cloud, since);
  const callsAfter = await edgeJson<Record<string, number>>(cloud.edge, 'dynamodb-calls');
  const completed = timings.filter((t) => t.outcome === 'COMPLETED').length;
  const gap = minReadGap(calls);
  const spans = dynamodbSpansIn(traces, since);
  const forwarded = forwardedSince(callsBefore, callsAfter);
  const figure: CircuitLevelFigure = {
    concurrency,
    sagas: completed,
    errors: placed.length - completed,
    stepsRun,
    stepsTraced: calls.length,
    dynamodbSpans: sum(Object.values(spans)),
    dynamodbCalls: sum(Object.values(forwarded)),
    dynamodbMismatch: mismatch(spans, forwarded),
    environments: new Set(calls.flatMap((call) => (call.environment ? [call.environment] : []))).size,
    ...(gap !== undefined && { minReadGapMs: gap }),
    circuits: circuitFigures(calls),
  };
  return { figure, calls, timings };
};

const open = async (start: StartCloud, orders: number) => {
  // Kept warm through the run, as the tracing bench keeps its clouds (the runtime's default idle is 60 s).
  const { endpoints, stop } = await start('bench-circuits', ['--trace-sampling', '1'], {
    SHOP_LAMBDA_IDLE_TIMEOUT: '900',
  });
  const outputs = await edgeJson<Record<string, string>>(endpoints.edge!, 'outputs');
  const cloud: Cloud = {
    endpoints,
    client: new BenchClient(endpoints),
    follower: new ChangeFollower(endpoints.edge!),
    traces: new Traces(endpoints),
    edge: endpoints.edge!,
    table: outputs.CircuitTableName!,
  };
  await cloud.follower.start();
  await cloud.client.prepare(orders);
  const close = async () => {
    cloud.follower.stop();
    cloud.client.destroy();
    cloud.traces.destroy();
    await stop();
  };
  return { cloud, close };
};

/**
 * The circuit breakers' healthy path on a warm cloud: every participant healthy, the cloud warmed at
 * the highest concurrency measured (each function's environments started), then each level in turn.
 */
export const measureCircuits = async (
  start: StartCloud,
  {
    levels,
    warmOrders,
    cacheMs,
  }: { levels: { concurrency: number; orders: number }[]; warmOrders: number; cacheMs: number },
  log: (line: string) => void,
): Promise<CircuitsFigure> => {
  const { cloud, close } = await open(start, warmOrders + sum(levels.map((level) => level.orders)) + 50);
  try {
    await runOrders(cloud.client, cloud.follower, warmOrders, Math.max(...levels.map((level) => level.concurrency)));
    const figures: CircuitLevelFigure[] = [];
    let share: CircuitsFigure['sagaShare'];
    for (const { concurrency, orders } of levels) {
      const { figure, calls, timings } = await measureLevel(cloud, concurrency, orders);
      figures.push(figure);
      if (concurrency === 1) share = sagaShare(calls, timings);
      const all = figure.circuits[0];
      log(
        `  circuits at ${concurrency}: ${all?.readsPerStep} reads a step (at most ${all?.maxReadsInAStep}), ` +
          `${all?.writesPerStep} writes, adds ${all?.addedMs.p50} ms (p95 ${all?.addedMs.p95}); ` +
          `${figure.stepsTraced}/${figure.stepsRun} steps traced`,
      );
    }
    return { cacheMs, warmOrders, levels: figures, ...(share && { sagaShare: share }) };
  } finally {
    await close();
  }
};
