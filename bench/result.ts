import type { CircuitsFigure } from './circuits';
import type { EngineFigure } from './engine';
import type { ReloadFigure } from './reload';
import type { StartupFigure } from './startup';
import type { ThroughputFigure } from './saga';
import type { TracingFigure } from './tracing';

export interface LatencyFigure {
  orders: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  rounds: number;
  /** Median milliseconds per stage of an order. */
  breakdown: Record<string, number>;
}

export interface FloorFigure {
  latency: { concurrency: number; sagas: number; perSecond: number; p50: number; p95: number; p99: number };
  levels: { concurrency: number; sagas: number; perSecond: number; p50: number; p95: number; p99: number }[];
  callsPerSaga: Record<string, number>;
}

export interface FunctionFigure {
  function: string;
  bytes: number;
  kb: number;
  invocations?: number;
  coldInitMs?: number;
  coldMs?: number;
  warmMs?: number;
}

/** The benchmark's JSON document. */
export interface BenchResult {
  benchmark: 'serverless-shop';
  quick: boolean;
  rounds: number;
  target: string;
  machine: { cpuModel: string; cores: number; memoryGb: number; node: string; java: string; os: string };
  startup?: { cold: StartupFigure; warm: StartupFigure; withSynth?: StartupFigure };
  reload?: ReloadFigure;
  engine?: EngineFigure;
  sagaLatency?: LatencyFigure;
  dynamodbCallsPerSaga?: Record<string, number>;
  throughput?: ThroughputFigure[];
  floor?: FloorFigure;
  overhead?: { latencyP50: number; throughput: { concurrency: number; sagaPerFloor: number }[] };
  memory?: Record<string, { cloudRssMb: number; jvmRssMb: number }>;
  functions?: FunctionFigure[];
  /** Saga p50 and throughput with tracing on and off (`--no-tracing`), and what tracing costs. */
  tracing?: TracingFigure;
  /** The circuit breakers' healthy path: circuit-table reads and writes per step, and the time a step adds. */
  circuits?: CircuitsFigure;
}
