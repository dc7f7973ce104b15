import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaRuntime, type RuntimeOptions } from '../../../local/lambda/runtime';
import type { FunctionSpec } from '../../../local/lambda/specs';
import { parseTraceHeader, type Span } from '../../../local/xray/spans';

// The local Lambda under active tracing: the spans Lambda's service emits (the invoke, its
// Initialization on a cold start), the trace header the function gets (its Parent the invoke), and
// NODE_OPTIONS' --require loaded from the task root before the handler, as Lambda's runtime does.

const dir = mkdtempSync(join(tmpdir(), 'tracing-test-'));
const CALLER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

/** A function in a folder of its own (its task root), with a preload beside it. */
const spec = (name: string, source: string, environment: Record<string, string> = {}): FunctionSpec => {
  const root = join(dir, name);
  mkdirSync(root);
  writeFileSync(join(root, 'index.js'), source);
  writeFileSync(
    join(root, 'preload.js'),
    'globalThis.preloadedBefore = typeof require.cache === "object" && !globalThis.handlerLoaded;',
  );
  return {
    logicalId: `${name}0123ABCD`,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    entry: join(root, 'index.js'),
    exportName: 'handler',
    handler: 'index.handler',
    timeoutSeconds: 3,
    memorySize: 128,
    environment,
  };
};

const ECHO = `globalThis.handlerLoaded = true;
exports.handler = async (event) => {
  if (event.fail) throw Object.assign(new Error('it broke'), { name: 'Broken' });
  return { header: process.env._X_AMZN_TRACE_ID ?? null, preloaded: globalThis.preloadedBefore ?? false, handlerEnv: process.env._HANDLER, nodeOptions: process.env.NODE_OPTIONS };
};`;
const PRELOADING = { NODE_OPTIONS: '--enable-source-maps --require /var/task/preload.js' };

const runtimes: LambdaRuntime[] = [];
const start = (functions: FunctionSpec[], options: RuntimeOptions = {}) => {
  const spans: Span[] = [];
  const runtime = new LambdaRuntime(functions, { traces: { record: (s) => spans.push(...s) }, ...options });
  runtimes.push(runtime);
  return { runtime, spans };
};
afterAll(() => Promise.all(runtimes.map((r) => r.stop(0))));

type Echo = { header: string | null; preloaded: boolean; handlerEnv: string; nodeOptions?: string };

test('the invoke is a span of the caller’s trace, the function’s header is parented on it, and a cold start has an Initialization', async () => {
  const { runtime, spans } = start([spec('traced', ECHO)]);

  const first = await runtime.invoke('traced', {}, { traceHeader: CALLER });
  const second = await runtime.invoke('traced', {}, { traceHeader: CALLER });

  const [invoke, init, again, ...rest] = spans;
  expect(rest).toEqual([]);
  expect(invoke).toMatchObject({
    traceId: '5759e988bd862e3fe1be46a994272793',
    parentSpanId: '53995c3f42cd8ad8',
    name: 'traced',
    kind: 'SERVER',
    status: { code: 'UNSET' },
    attributes: {
      'faas.name': 'traced',
      'cloud.resource_id': 'arn:aws:lambda:us-east-1:000000000000:function:traced',
      'faas.invocation_id': first.requestId,
      'aws.request_id': first.requestId,
      'faas.coldstart': true,
    },
    resource: { 'service.name': 'traced', 'cloud.platform': 'aws_lambda', 'faas.name': 'traced' },
  });
  expect(init).toMatchObject({ name: 'Initialization', parentSpanId: invoke!.spanId, traceId: invoke!.traceId });
  expect(init!.start).toBeGreaterThanOrEqual(invoke!.start);
  expect(init!.end).toBeLessThanOrEqual(invoke!.end);
  // Warm: no Initialization.
  expect(again).toMatchObject({ parentSpanId: '53995c3f42cd8ad8', attributes: { 'faas.coldstart': false } });
  expect(again!.attributes['aws.request_id']).toBe(second.requestId);

  const header = parseTraceHeader((first.payload as Echo).header!);
  expect(header).toEqual({ traceId: invoke!.traceId, spanId: invoke!.spanId, sampled: true });
  expect(parseTraceHeader((second.payload as Echo).header!)?.spanId).toBe(again!.spanId);
  expect((first.payload as Echo).handlerEnv).toBe('index.handler');
});

test('without a caller’s header the invoke starts a new trace, as active tracing does', async () => {
  const { runtime, spans } = start([spec('root', ECHO)]);

  const result = await runtime.invoke('root', {});

  const [invoke] = spans;
  expect(invoke!.parentSpanId).toBeUndefined();
  expect(invoke!.traceId).toMatch(/^[0-9a-f]{32}$/);
  // An X-Ray trace id: its first 8 digits are the epoch second it started.
  expect(Math.abs(parseInt(invoke!.traceId.slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(60);
  expect(parseTraceHeader((result.payload as Echo).header!)).toEqual({
    traceId: invoke!.traceId,
    spanId: invoke!.spanId,
    sampled: true,
  });
});

test('an unsampled trace gets no spans, and the function is told it is not sampled', async () => {
  const { runtime, spans } = start([spec('unsampled', ECHO)]);

  const result = await runtime.invoke('unsampled', {}, { traceHeader: CALLER.replace('Sampled=1', 'Sampled=0') });

  expect(spans).toEqual([]);
  expect(parseTraceHeader((result.payload as Echo).header!)?.sampled).toBe(false);
});

test('a failed invocation marks the invoke span as an error, with the exception', async () => {
  const { runtime, spans } = start([spec('failing', ECHO)]);

  const result = await runtime.invoke('failing', { fail: true }, { traceHeader: CALLER });

  expect(result.functionError).toBe('Unhandled');
  expect(spans[0]).toMatchObject({
    status: { code: 'ERROR', message: 'Broken: it broke' },
    attributes: { 'error.type': 'Broken' },
    events: [{ name: 'exception', attributes: { 'exception.type': 'Broken', 'exception.message': 'it broke' } }],
  });
});

test('NODE_OPTIONS’ --require /var/task/… loads from the function’s folder before the handler, and leaves NODE_OPTIONS without it', async () => {
  const { runtime } = start([spec('preloading', ECHO, PRELOADING)]);

  const { payload } = await runtime.invoke('preloading', {});

  expect(payload).toMatchObject({ preloaded: true, nodeOptions: '--enable-source-maps' });
});

test('with tracing off, nothing is preloaded, no header is set, and no span is emitted', async () => {
  const { runtime, spans } = start([spec('untraced', ECHO, PRELOADING)], { tracing: false });

  const { payload } = await runtime.invoke('untraced', {}, { traceHeader: CALLER });

  expect(payload).toMatchObject({ header: null, preloaded: false });
  expect(spans).toEqual([]);
});

test('a preload that cannot be loaded fails the init, as a broken --require fails Lambda’s runtime', async () => {
  const { runtime } = start([spec('missing', ECHO, { NODE_OPTIONS: '--require /var/task/nowhere.js' })]);

  const result = await runtime.invoke('missing', {});

  expect(result.functionError).toBe('Unhandled');
  expect(result.payload).toMatchObject({ errorMessage: expect.stringContaining('nowhere.js') as unknown });
});
