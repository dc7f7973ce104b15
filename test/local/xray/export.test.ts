import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createServer } from 'node:net';
import { ExporterForwarder, readableSpan, zipkinForwarder } from '../../../local/xray/export';
import { span } from './support';

// The forwarders: our spans as OpenTelemetry ReadableSpans, in batches, from a bounded queue; a backend
// that fails is logged once and never fails the caller.

const spans = (n: number, trace = 'b'.repeat(32)) =>
  Array.from({ length: n }, (_, i) =>
    span({ name: `s${i}`, service: 'svc', traceId: trace, spanId: (i + 1).toString(16).padStart(16, '0') }),
  );

test('a span becomes a ReadableSpan with its resource, parent, times, kind and status', () => {
  const [ours] = spans(1);
  const readable = readableSpan({
    ...ours!,
    parentSpanId: 'c'.repeat(16),
    kind: 'CLIENT',
    status: { code: 'ERROR', message: 'no' },
    start: 1_700_000_000_123.5,
    end: 1_700_000_000_124.75,
    events: [{ name: 'exception', time: 1_700_000_000_124, attributes: { 'exception.message': 'm' } }],
    scope: 'local-cloud/sns',
  });
  expect(readable.spanContext()).toEqual({ traceId: 'b'.repeat(32), spanId: ours!.spanId, traceFlags: 1 });
  expect(readable.parentSpanContext?.spanId).toBe('c'.repeat(16));
  expect(readable.startTime).toEqual([1_700_000_000, 123_500_000]);
  expect(readable.endTime).toEqual([1_700_000_000, 124_750_000]);
  expect(readable.kind).toBe(2);
  expect(readable.status).toEqual({ code: 2, message: 'no' });
  expect(readable.resource.attributes['service.name']).toBe('svc');
  expect(readable.instrumentationScope.name).toBe('local-cloud/sns');
  expect(readable.events[0]).toMatchObject({ name: 'exception', time: [1_700_000_000, 124_000_000] });
});

test('times are whole microseconds, as backends count them (Zipkin refuses a fraction)', () => {
  const readable = readableSpan({
    ...spans(1)[0]!,
    start: 1_700_000_000_000 + 123.4567,
    end: 1_700_000_000_000 + 124.0004,
  });

  expect(readable.startTime).toEqual([1_700_000_000, 123_457_000]);
  expect(readable.endTime).toEqual([1_700_000_000, 124_000_000]);
  expect(readable.duration[1] % 1000).toBe(0);
});

test('spans go in batches; past the queue’s bound they are dropped, said once', async () => {
  const exporter = new InMemorySpanExporter();
  const logged: string[] = [];
  const forwarder = new ExporterForwarder(exporter, 'memory', (m) => logged.push(m), {
    batchSize: 10,
    maxQueue: 25,
    delayMs: 10_000,
  });
  forwarder.forward(spans(5));
  expect(exporter.getFinishedSpans()).toHaveLength(0);
  forwarder.forward(spans(30));
  forwarder.forward(spans(5));
  await forwarder.flush();
  // 5 wait; of 30 more, 20 fit (10 dropped) and a full batch leaves at once; the last 5 fit in its room.
  expect(exporter.getFinishedSpans()).toHaveLength(30);
  expect(logged).toEqual(['traces: the export queue to memory is full; spans are dropped']);
  await forwarder.shutdown();
});

test('a backend that refuses is logged once, and the caller never waits nor fails', async () => {
  // A port nothing listens on.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const logged: string[] = [];
  const forwarder = zipkinForwarder(`http://127.0.0.1:${port}/api/v2/spans`, (m) => logged.push(m), { delayMs: 1 });
  forwarder.forward(spans(3));
  await forwarder.flush();
  forwarder.forward(spans(3));
  await forwarder.flush();
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatch(/^traces: export to http:\/\/127\.0\.0\.1:\d+\/api\/v2\/spans failed/);
  await forwarder.shutdown();
});
