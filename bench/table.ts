/** The result as a person reads it: one small table per figure. */
type Row = (string | number | undefined)[];

const table = (title: string, head: string[], rows: Row[]): string => {
  const cells = [head, ...rows.map((row) => row.map((cell) => (cell === undefined || (typeof cell === 'number' && Number.isNaN(cell)) ? '–' : String(cell))))];
  const widths = head.map((_, i) => Math.max(...cells.map((row) => String(row[i] ?? '').length)));
  const line = (row: Row) => row.map((cell, i) => String(cell ?? '').padEnd(widths[i]!)).join('  ');
  return [`\n${title}`, line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
};

import type { BenchResult } from './result';

export const renderTable = (result: BenchResult): string => {
  const parts: string[] = [];
  const m = result.machine;
  parts.push(`Serverless Shop benchmark — ${result.target}${result.quick ? ' (quick: smoke-sized, not for comparison)' : ''}, median of ${result.rounds} round(s)`);
  parts.push(`machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGb} GB; Node ${m.node}; ${m.java}`);
  if (result.startup) {
    const s = result.startup;
    parts.push(table('start-up', ['start', 'ready (ms)', 'DynamoDB Local JVM (ms)'], [['cold (empty data, template current)', s.cold.readyMs, s.cold.jvmMs], ['warm (data kept)', s.warm.readyMs, s.warm.jvmMs], ...(s.withSynth ? [['with synth', s.withSynth.readyMs, s.withSynth.jvmMs]] : [])]));
  }
  const r = result.reload;
  if (r) {
    parts.push(
      table(`hot reload (median of ${r.rounds})`, ['change', 'ms'], [
        ['a handler edited → its next response from the new code', r.handlerToServedMs],
        [`a module all ${r.sharedFunctions} functions take touched → every bundle rebuilt`, r.sharedRebuildMs],
      ]),
    );
  }
  const l = result.sagaLatency;
  if (l) {
    parts.push(table('saga latency, POST → COMPLETED, concurrency 1', ['orders', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'errors', 'floor p50 (ms)', 'saga / floor'], [[l.orders, l.p50, l.p95, l.p99, l.errors, result.floor?.latency.p50, result.overhead?.latencyP50]]));
    if (Object.keys(l.breakdown).length) parts.push(table('where the time goes (median per order, concurrency 1)', ['stage', 'ms'], Object.entries(l.breakdown).map(([stage, ms]) => [stage, ms])));
  }
  const floorLevels = result.floor?.levels ?? [];
  parts.push(
    table(
      'throughput (completed sagas per second)',
      ['concurrency', 'orders', 'sagas/s', 'p50 (ms)', 'p99 (ms)', 'errors', 'floor/s', 'floor p50', 'saga / floor'],
      (result.throughput ?? []).map((level, i) => [level.concurrency, level.orders, level.perSecond, level.p50, level.p99, level.errors, floorLevels[i]?.perSecond, floorLevels[i]?.p50, result.overhead?.throughput[i]?.sagaPerFloor]),
    ),
  );
  const calls = result.dynamodbCallsPerSaga;
  if (calls) {
    const ops = [...new Set([...Object.keys(calls), ...Object.keys(result.floor?.callsPerSaga ?? {})])];
    parts.push(table('DynamoDB calls per saga', ['operation', 'saga', 'floor'], ops.map((op) => [op, calls[op], result.floor?.callsPerSaga[op]])));
  }
  if (result.memory) parts.push(table('memory (peak RSS, MB)', ['concurrency', 'local cloud (workers included)', 'DynamoDB Local JVM'], Object.entries(result.memory).map(([level, mem]) => [level.replace('concurrency', ''), mem.cloudRssMb, mem.jvmRssMb])));
  if (result.functions) parts.push(table('functions (bundle minified, SDK external; invokes in the local runtime)', ['function', 'KB', 'cold init (ms)', 'cold (ms)', 'warm (ms)'], result.functions.map((f) => [f.function, f.kb, f.coldInitMs, f.coldMs, f.warmMs])));
  return parts.join('\n');
};
