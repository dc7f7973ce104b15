/** The result as a person reads it: one small table per figure. */
type Row = (string | number | undefined)[];

const table = (title: string, head: string[], rows: Row[]): string => {
  const cells = [
    head,
    ...rows.map((row) =>
      row.map((cell) => (cell === undefined || (typeof cell === 'number' && Number.isNaN(cell)) ? '–' : String(cell))),
    ),
  ];
  const widths = head.map((_, i) => Math.max(...cells.map((row) => String(row[i] ?? '').length)));
  const line = (row: Row) => row.map((cell, i) => String(cell ?? '').padEnd(widths[i]!)).join('  ');
  return [`\n${title}`, line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
};

import type { BenchResult } from './result';

/** Start-up and hot reload: how long the developer waits. */
const devLoopTables = (result: BenchResult): string[] => {
  const parts: string[] = [];
  const s = result.startup;
  if (s) {
    const rows: Row[] = [
      ['cold (empty data, template current)', s.cold.readyMs, s.cold.jvmMs],
      ['warm (data kept)', s.warm.readyMs, s.warm.jvmMs],
    ];
    if (s.withSynth) rows.push(['with synth', s.withSynth.readyMs, s.withSynth.jvmMs]);
    parts.push(table('start-up', ['start', 'ready (ms)', 'DynamoDB Local JVM (ms)'], rows));
  }
  const r = result.reload;
  if (r) {
    parts.push(
      table(
        `hot reload (median of ${r.rounds})`,
        ['change', 'ms'],
        [
          ['a handler edited → its next response from the new code', r.handlerToServedMs],
          [`a module all ${r.sharedFunctions} functions take touched → every bundle rebuilt`, r.sharedRebuildMs],
        ],
      ),
    );
  }
  const e = result.engine;
  if (e) {
    parts.push(
      table(
        `the Step Functions engine alone (the saga, instant Tasks, median of ${e.executions})`,
        ['figure', 'value'],
        [
          ['ms per execution', e.executionMs],
          [`ms per transition (${e.transitionsPerExecution} per execution)`, e.transitionMs],
          ['executions per second, one after another', e.executionsPerSecond],
        ],
      ),
    );
  }
  return parts;
};

/** Latency and throughput of the saga, beside the floor. */
const sagaTables = (result: BenchResult): string[] => {
  const parts: string[] = [];
  const l = result.sagaLatency;
  if (l) {
    const head = ['orders', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'errors', 'floor p50 (ms)', 'saga / floor'];
    parts.push(
      table('saga latency, POST → COMPLETED, concurrency 1', head, [
        [l.orders, l.p50, l.p95, l.p99, l.errors, result.floor?.latency.p50, result.overhead?.latencyP50],
      ]),
    );
    if (Object.keys(l.breakdown).length)
      parts.push(
        table(
          'where the time goes (median per order, concurrency 1)',
          ['stage', 'ms'],
          Object.entries(l.breakdown).map(([stage, ms]) => [stage, ms]),
        ),
      );
  }
  const floorLevels = result.floor?.levels ?? [];
  const head = [
    'concurrency',
    'orders',
    'sagas/s',
    'p50 (ms)',
    'p99 (ms)',
    'errors',
    'floor/s',
    'floor p50',
    'saga / floor',
  ];
  const rows = (result.throughput ?? []).map((level, i) => [
    level.concurrency,
    level.orders,
    level.perSecond,
    level.p50,
    level.p99,
    level.errors,
    floorLevels[i]?.perSecond,
    floorLevels[i]?.p50,
    result.overhead?.throughput[i]?.sagaPerFloor,
  ]);
  if (rows.length > 0) parts.push(table('throughput (completed sagas per second)', head, rows));
  return parts;
};

/** What a saga costs: DynamoDB calls, memory, and each function's bundle and invocations. */
const costTables = (result: BenchResult): string[] => {
  const parts: string[] = [];
  const calls = result.dynamodbCallsPerSaga;
  if (calls) {
    const ops = [...new Set([...Object.keys(calls), ...Object.keys(result.floor?.callsPerSaga ?? {})])];
    parts.push(
      table(
        'DynamoDB calls per saga',
        ['operation', 'saga', 'floor'],
        ops.map((op) => [op, calls[op], result.floor?.callsPerSaga[op]]),
      ),
    );
  }
  if (result.memory)
    parts.push(
      table(
        'memory (peak RSS, MB)',
        ['concurrency', 'local cloud (workers included)', 'DynamoDB Local JVM'],
        Object.entries(result.memory).map(([level, mem]) => [
          level.replace('concurrency', ''),
          mem.cloudRssMb,
          mem.jvmRssMb,
        ]),
      ),
    );
  if (result.functions)
    parts.push(
      table(
        'functions (bundle minified, SDK external; invokes in the local runtime)',
        ['function', 'KB', 'cold init (ms)', 'cold (ms)', 'warm (ms)'],
        result.functions.map((f) => [f.function, f.kb, f.coldInitMs, f.coldMs, f.warmMs]),
      ),
    );
  return parts;
};

/** The circuit breakers' healthy path: what a pay, reserve or book step reads, writes and adds. */
const circuitTables = (result: BenchResult): string[] => {
  const c = result.circuits;
  if (!c) return [];
  const head = [
    'concurrency',
    'circuit',
    'steps',
    'reads/step',
    'max reads',
    'writes/step',
    'added p50',
    'added p95',
    'of which invoke hop p50',
  ];
  const rows = c.levels.flatMap((level) =>
    level.circuits.map((s) => [
      level.concurrency,
      s.circuit,
      s.steps,
      s.readsPerStep,
      s.maxReadsInAStep,
      s.writesPerStep,
      s.addedMs.p50,
      s.addedMs.p95,
      s.invokeHopMs.p50,
    ]),
  );
  const parts = [
    table(`circuit breakers, healthy path (ms; cache ${c.cacheMs} ms, every request traced)`, head, rows),
    table(
      'circuit bench: coverage (traced = run, spans = edge calls) and the cache (reads ≥ cache ms apart)',
      [
        'concurrency',
        'sagas',
        'errors',
        'steps traced / run',
        'DynamoDB spans / edge calls',
        'environments',
        'min gap between reads (ms)',
        'a read (ms, p50)',
      ],
      c.levels.map((level) => [
        level.concurrency,
        level.sagas,
        level.errors,
        `${level.stepsTraced} / ${level.stepsRun}`,
        `${level.dynamodbSpans} / ${level.dynamodbCalls}`,
        level.environments,
        level.minReadGapMs,
        level.circuits[0]?.readMs,
      ]),
    ),
  ];
  const share = c.sagaShare;
  if (share)
    parts.push(
      table(
        "the three steps' share of a saga (concurrency 1)",
        ['added per saga (ms, median)', 'saga p50 (ms)', 'share (%)'],
        [[share.addedMs, share.sagaP50Ms, share.percent]],
      ),
    );
  return parts;
};

export const renderTable = (result: BenchResult): string => {
  const m = result.machine;
  return [
    `Serverless Shop benchmark — ${result.target}${result.quick ? ' (quick: smoke-sized, not for comparison)' : ''}, median of ${result.rounds} round(s)`,
    `machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGb} GB; Node ${m.node}; ${m.java}`,
    ...devLoopTables(result),
    ...sagaTables(result),
    ...costTables(result),
    ...circuitTables(result),
  ].join('\n');
};
