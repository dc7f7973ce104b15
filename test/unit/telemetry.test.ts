import { context, defaultTextMapGetter, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { AWSXRAY_TRACE_ID_HEADER, AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createHash } from 'node:crypto';
import { SampledAwsInstrumentation } from '../../functions/telemetry/aws-sdk-sampled';
import { SampledLambdaInstrumentation, withConfigurableExports } from '../../functions/telemetry/bundled-handler';
import { InvocationSampler, invocationSampled } from '../../functions/telemetry/sampling';
import { isXrayEndpoint, SigV4OtlpExporter, signedHeaders } from '../../functions/telemetry/sigv4-exporter';
import { startOtlpReceiver } from '../support/otlp-receiver';

// The functions' OpenTelemetry bootstrap, its parts: requests signed for X-Ray's OTLP endpoint, and a
// bundled handler's exports made wrappable.

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

test("X-Ray's OTLP endpoint is recognized, in any region, and nothing else is", () => {
  expect(isXrayEndpoint('https://xray.eu-west-1.amazonaws.com/v1/traces')).toBe(true);
  expect(isXrayEndpoint('https://xray.cn-north-1.amazonaws.com.cn/v1/traces')).toBe(true);
  expect(isXrayEndpoint('http://127.0.0.1:4566/v1/traces')).toBe(false);
  expect(isXrayEndpoint('https://xray.eu-west-1.amazonaws.com.evil.example/v1/traces')).toBe(false);
  expect(isXrayEndpoint('https://otlp.example.com/v1/traces')).toBe(false);
});

test('a request is signed with SigV4 for xray in its region, over its body, with the session token', async () => {
  const body = new TextEncoder().encode('{"resourceSpans":[]}');
  const url = 'https://xray.eu-west-1.amazonaws.com/v1/traces';

  const headers = await signedHeaders(url, body, {
    region: 'eu-west-1',
    service: 'xray',
    credentials: { ...credentials, sessionToken: 'the-session' },
  });

  const date = headers['x-amz-date']!;
  expect(date).toMatch(/^\d{8}T\d{6}Z$/);
  expect(headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
  expect(headers['x-amz-security-token']).toBe('the-session');
  expect(headers.authorization).toMatch(
    new RegExp(
      `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${date.slice(0, 8)}/eu-west-1/xray/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
    ),
  );
  expect(headers.authorization).toContain('x-amz-date');
});

test('the signing exporter sends OTLP JSON, signed, that an OTLP receiver reads', async () => {
  const receiver = await startOtlpReceiver();
  const exporter = new SigV4OtlpExporter(receiver.url, {
    region: 'us-east-1',
    service: 'xray',
    credentials: () => credentials,
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'signed' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  try {
    provider
      .getTracer('test')
      .startSpan('work', { attributes: { orderId: 'o-1' } })
      .end();
    await provider.forceFlush();

    expect(receiver.spans).toMatchObject([
      { name: 'work', attributes: { orderId: 'o-1' }, resource: { 'service.name': 'signed' } },
    ]);
    expect(String(receiver.headers[0]!.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/xray\//,
    );
  } finally {
    await provider.shutdown();
    await receiver.close();
  }
});

test("a bundled handler's exports (esbuild's getters, not configurable) become a plain copy the instrumentation can wrap", () => {
  const handler = () => Promise.resolve('ok');
  const bundled = {};
  Object.defineProperty(bundled, '__esModule', { value: true });
  Object.defineProperty(bundled, 'handler', { enumerable: true, get: () => handler });

  const copy = withConfigurableExports(bundled) as Record<string, unknown>;

  expect(copy).not.toBe(bundled);
  expect(copy.handler).toBe(handler);
  expect(Object.getOwnPropertyDescriptor(copy, 'handler')).toMatchObject({ configurable: true, writable: true });
  const plain = { handler };
  expect(withConfigurableExports(plain)).toBe(plain);
});

/** Runs `fn` as the runtime runs an invocation with this X-Ray trace header (none: no header). */
const inInvocation = async <T>(header: string | undefined, fn: () => Promise<T>): Promise<T> => {
  const before = process.env._X_AMZN_TRACE_ID;
  if (header === undefined) delete process.env._X_AMZN_TRACE_ID;
  else process.env._X_AMZN_TRACE_ID = header;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env._X_AMZN_TRACE_ID;
    else process.env._X_AMZN_TRACE_ID = before;
  }
};
const ROOT = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8';
const UNSAMPLED = `${ROOT};Sampled=0`;
const SAMPLED = `${ROOT};Sampled=1`;

describe('instrumentation-aws-sdk in sampled traces only', () => {
  const provider = new BasicTracerProvider();
  const contextManager = new AsyncLocalStorageContextManager().enable();
  beforeAll(() => context.setGlobalContextManager(contextManager));
  afterAll(() => context.disable());
  const instrumentation = new SampledAwsInstrumentation();
  instrumentation.setTracerProvider(provider);
  // The stack's resolve, as the instrumentation patches it: the SDK's own handler answers.
  type Resolve = (this: unknown, handler: unknown, executionContext: unknown) => (command: unknown) => Promise<unknown>;
  const patch = (
    instrumentation as unknown as { _getV3MiddlewareStackResolvePatch: (v: string, o: Resolve) => Resolve }
  )._getV3MiddlewareStackResolvePatch;
  const answered: unknown[] = [];
  const resolve = patch(
    '3.0.0',
    () => (command) => (answered.push(command), Promise.resolve({ output: { $metadata: {} } })),
  );
  const handler = resolve.call({}, undefined, { clientName: 'DynamoDBClient', commandName: 'GetItemCommand' });
  const within = (traceFlags: number) =>
    context.with(
      trace.setSpanContext(ROOT_CONTEXT, {
        traceId: '5759e988bd862e3fe1be46a994272793',
        spanId: '53995c3f42cd8ad8',
        traceFlags,
      }),
      () => handler({ input: { TableName: 'Orders' } }),
    );

  test('a call in a trace that is not sampled goes straight to the SDK: no span is started', async () => {
    const startSpan = jest.spyOn(instrumentation['tracer'], 'startSpan');
    await within(TraceFlags.NONE);
    expect(startSpan).not.toHaveBeenCalled();
    await within(TraceFlags.SAMPLED);
    expect(startSpan).toHaveBeenCalledTimes(1);
    expect(answered).toHaveLength(2);
  });

  test("a call with no active trace follows the invocation's header: none when it is not sampled", async () => {
    const startSpan = jest.spyOn(instrumentation['tracer'], 'startSpan');
    startSpan.mockClear();
    const call = () => handler({ input: { TableName: 'Orders' } });
    await inInvocation(UNSAMPLED, call);
    expect(startSpan).not.toHaveBeenCalled();
    await inInvocation(SAMPLED, call);
    await inInvocation(undefined, call);
    expect(startSpan).toHaveBeenCalledTimes(2);
  });
});

test("an invocation's sampling decision is read from its trace header, and left open when the header does not say", () => {
  expect(invocationSampled(UNSAMPLED)).toBe(false);
  expect(invocationSampled(SAMPLED)).toBe(true);
  expect(invocationSampled('Sampled=0;Root=1-5759e988-bd862e3fe1be46a994272793')).toBe(false);
  expect(invocationSampled(`${ROOT};Sampled=?`)).toBeUndefined();
  expect(invocationSampled(ROOT)).toBeUndefined();
  expect(invocationSampled('Root=1-x;NotSampled=1')).toBeUndefined();
  expect(invocationSampled(undefined)).toBeUndefined();
  expect(invocationSampled('')).toBeUndefined();
});

describe('instrumentation-aws-lambda in sampled invocations only', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new InvocationSampler() }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager();
  const disable = jest.spyOn(contextManager, 'disable');
  beforeAll(() => context.setGlobalContextManager(contextManager));
  afterAll(() => context.disable());
  afterEach(() => {
    exporter.reset();
    disable.mockClear();
  });

  /** The handler as the runtime gets it: the instrumentation's patch of a handler that reports what it saw. */
  const instrumented = () => {
    // The bootstrap's parent: the invocation's trace header.
    const eventContextExtractor = () =>
      new AWSXRayPropagator().extract(
        ROOT_CONTEXT,
        { [AWSXRAY_TRACE_ID_HEADER]: process.env._X_AMZN_TRACE_ID },
        defaultTextMapGetter,
      );
    const instrumentation = new SampledLambdaInstrumentation({ eventContextExtractor }, contextManager);
    instrumentation.setTracerProvider(provider);
    const seen: { activeSpan: boolean; ownSpanRecorded: boolean }[] = [];
    const handler = (_event: unknown, _context: unknown) => {
      const own = provider.getTracer('handler').startSpan('own work');
      seen.push({ activeSpan: trace.getActiveSpan() !== undefined, ownSpanRecorded: own.isRecording() });
      own.end();
      return Promise.resolve('done');
    };
    type Patch = (start: number) => (original: typeof handler) => typeof handler;
    const patched = (instrumentation as unknown as { _getHandler: Patch })._getHandler(Date.now())(handler);
    const invoke = (header: string | undefined) =>
      inInvocation(header, () =>
        patched(
          {},
          { functionName: 'shop-fn', awsRequestId: 'r-1', invokedFunctionArn: 'arn:aws:lambda:x:1:function:shop-fn' },
        ),
      );
    return { invoke, seen };
  };

  test('an invocation that is not sampled runs the handler as it is: no span, no context, the context manager disabled', async () => {
    const { invoke, seen } = instrumented();

    await expect(invoke(UNSAMPLED)).resolves.toBe('done');

    expect(seen).toEqual([{ activeSpan: false, ownSpanRecorded: false }]);
    expect(disable).toHaveBeenCalledTimes(1);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  test("a sampled invocation gets its span in the caller's trace, and is the cold start only when it is the first", async () => {
    const { invoke, seen } = instrumented();

    await invoke(UNSAMPLED);
    await invoke(SAMPLED);
    await invoke(SAMPLED);

    expect(seen.slice(1)).toEqual([
      { activeSpan: true, ownSpanRecorded: true },
      { activeSpan: true, ownSpanRecorded: true },
    ]);
    expect(disable).toHaveBeenCalledTimes(1);
    const invocations = exporter.getFinishedSpans().filter((span) => span.name === 'shop-fn');
    expect(invocations).toHaveLength(2);
    expect(invocations.map((span) => span.attributes['faas.coldstart'])).toEqual([false, false]);
    expect(invocations[0]!.spanContext().traceId).toBe('5759e988bd862e3fe1be46a994272793');
  });

  test('the first invocation, sampled, is the cold start; one with no trace header is instrumented', async () => {
    const { invoke } = instrumented();

    await invoke(SAMPLED);
    await invoke(undefined);

    const invocations = exporter.getFinishedSpans().filter((span) => span.name === 'shop-fn');
    expect(invocations.map((span) => span.attributes['faas.coldstart'])).toEqual([true, false]);
    expect(disable).not.toHaveBeenCalled();
  });
});
