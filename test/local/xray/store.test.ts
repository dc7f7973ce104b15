import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceStore } from '../../../local/xray/store';
import { span } from './support';

// The span store: bounded (traces, spans per trace, spans in all; the oldest traces go first), and kept
// across a restart in an append-only file compacted at each start.

const traceId = (n: number) => n.toString(16).padStart(32, '0');
const spanOf = (trace: number, i = 0) =>
  span({ name: `s${i}`, service: 'svc', traceId: traceId(trace), spanId: `${i.toString(16).padStart(15, '0')}1` });

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'xray-store-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('past its cap of traces the oldest trace goes first', () => {
  const store = new TraceStore({ maxTraces: 3 });
  for (let t = 1; t <= 5; t++) store.record([spanOf(t)]);
  expect([...store.all()].map((t) => t.id)).toEqual([traceId(3), traceId(4), traceId(5)]);
  // A span of a kept trace does not make it younger: insertion order is the trace's first span.
  store.record([spanOf(3, 1), spanOf(6)]);
  expect([...store.all()].map((t) => t.id)).toEqual([traceId(4), traceId(5), traceId(6)]);
});

test('spans past a trace’s cap are counted as dropped, and the cap on all spans drops old traces', () => {
  const store = new TraceStore({ maxSpansPerTrace: 2, maxSpans: 5 });
  store.record([spanOf(1, 0), spanOf(1, 1), spanOf(1, 2), spanOf(1, 3)]);
  expect(store.trace(traceId(1))).toMatchObject({ dropped: 2 });
  expect(store.trace(traceId(1))!.spans).toHaveLength(2);
  store.record([spanOf(2, 0), spanOf(2, 1), spanOf(3, 0), spanOf(3, 1)]);
  expect(store.spans).toBeLessThanOrEqual(5);
  expect(store.trace(traceId(1))).toBeUndefined();
  expect(store.size).toBe(2);
});

test('the spans are kept across a restart, the file compacted to what memory holds', () => {
  const first = new TraceStore({ dir, maxTraces: 2 });
  first.record([spanOf(1)]);
  first.record([spanOf(2), spanOf(2, 1)]);
  first.record([spanOf(3)]);
  first.close();
  // A line cut short by a crash is skipped.
  appendFileSync(join(dir, 'spans.jsonl'), '[{"traceId":"00');
  const logged: string[] = [];
  const second = new TraceStore({ dir, maxTraces: 2, log: (m) => logged.push(m) });
  expect([...second.all()].map((t) => [t.id, t.spans.length])).toEqual([
    [traceId(2), 2],
    [traceId(3), 1],
  ]);
  expect(second.trace(traceId(2))!.spans[1]).toEqual(spanOf(2, 1));
  expect(logged).toEqual([expect.stringContaining('skipped 1 unreadable span records')]);
  expect(readFileSync(join(dir, 'spans.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  second.record([spanOf(4)]);
  second.close();
  expect([...new TraceStore({ dir, maxTraces: 2 }).all()].map((t) => t.id)).toEqual([traceId(3), traceId(4)]);
});

test('the file is compacted again once it has grown to twice what is kept', () => {
  const store = new TraceStore({ dir, maxTraces: 10 });
  for (let t = 1; t <= 3000; t++) store.record([spanOf(t)]);
  store.close();
  const lines = readFileSync(join(dir, 'spans.jsonl'), 'utf8').trim().split('\n');
  expect(lines.length).toBeLessThanOrEqual(2000 + 10);
  expect([...new TraceStore({ dir, maxTraces: 10 }).all()].map((t) => t.id)).toEqual(
    Array.from({ length: 10 }, (_, i) => traceId(2991 + i)),
  );
});
