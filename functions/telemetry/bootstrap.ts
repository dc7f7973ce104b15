// Loaded before the handler (`NODE_OPTIONS=--require ./otel-bootstrap.js`), as the ADOT Lambda layer
// loads its wrapper: OpenTelemetry is set up, then Lambda's runtime requires the handler, which
// instrumentation-aws-lambda wraps, and the SDK v3 (left to the runtime, so loaded by `require`) is
// instrumented by instrumentation-aws-sdk. Both work in sampled traces only (bundled-handler.ts,
// aws-sdk-sampled.ts): nothing is recorded in the others, and what the instrumentation would do for
// them anyway was most of what tracing cost. The handler's code does not change.
import { defaultTextMapGetter, ROOT_CONTEXT, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AWSXRAY_TRACE_ID_HEADER, AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { SampledAwsInstrumentation } from './aws-sdk-sampled';
import { SampledLambdaInstrumentation } from './bundled-handler';
import { InvocationSampler } from './sampling';
import { isXrayEndpoint, SigV4OtlpExporter } from './sigv4-exporter';

const env = process.env;
const region = env.AWS_REGION ?? 'us-east-1';
/** Where spans go: the OTLP endpoint given, else X-Ray's in the function's region. */
const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `https://xray.${region}.amazonaws.com/v1/traces`;

const exporter: SpanExporter = isXrayEndpoint(endpoint)
  ? new SigV4OtlpExporter(endpoint, { region, service: 'xray' })
  : new OTLPTraceExporter({ url: endpoint });

/** The function as OpenTelemetry's semantic conventions for FaaS describe it. */
const resource = resourceFromAttributes({
  'service.name': env.OTEL_SERVICE_NAME ?? env.AWS_LAMBDA_FUNCTION_NAME ?? 'unknown_service',
  'cloud.provider': 'aws',
  'cloud.platform': 'aws_lambda',
  'cloud.region': region,
  ...(env.AWS_LAMBDA_FUNCTION_NAME && { 'faas.name': env.AWS_LAMBDA_FUNCTION_NAME }),
  ...(env.AWS_LAMBDA_FUNCTION_VERSION && { 'faas.version': env.AWS_LAMBDA_FUNCTION_VERSION }),
  ...(env.AWS_LAMBDA_LOG_STREAM_NAME && { 'faas.instance': env.AWS_LAMBDA_LOG_STREAM_NAME }),
  ...(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE && {
    'faas.max_memory': Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) * 1024 * 1024,
  }),
  ...(env.AWS_LAMBDA_LOG_GROUP_NAME && { 'aws.log.group.names': [env.AWS_LAMBDA_LOG_GROUP_NAME] }),
});

const propagator = new AWSXRayPropagator();

/**
 * Lambda freezes an environment once its invocation returns, so instrumentation-aws-lambda flushes the
 * spans before the response. A runtime that keeps environments running between invocations (the local
 * cloud's worker threads, `OTEL_LAMBDA_EXPORT_AFTER_RESPONSE=true`) lets them go in batches instead, as a
 * collector extension does on Lambda: each batch holds a second of invocations, the caller waits for
 * none of them, and the last one goes at the Shutdown phase (SIGTERM).
 */
const exportAfterResponse = env.OTEL_LAMBDA_EXPORT_AFTER_RESPONSE === 'true';
const provider = new NodeTracerProvider({
  resource,
  // A span follows its parent's decision, X-Ray's; one with no parent, the invocation's.
  sampler: new ParentBasedSampler({ root: new InvocationSampler() }),
  spanProcessors: [
    new BatchSpanProcessor(exporter, {
      maxExportBatchSize: 512,
      // OpenTelemetry's own variable, when it is set.
      scheduledDelayMillis: Number(env.OTEL_BSP_SCHEDULE_DELAY) || (exportAfterResponse ? 1000 : 5000),
    }),
  ],
});
// The context manager `register` would make, kept: an invocation that is not sampled disables it.
const contextManager = new AsyncLocalStorageContextManager();
provider.register({ propagator, contextManager });
const lambdaProvider = exportAfterResponse
  ? { getTracer: provider.getTracer.bind(provider), forceFlush: () => Promise.resolve() }
  : provider;
// The local runtime awaits what its SIGTERM listeners return (see local/lambda/worker.cjs).
// eslint-disable-next-line @typescript-eslint/no-misused-promises
if (exportAfterResponse) process.on('SIGTERM', () => provider.forceFlush());

/** The function span's parent: the Lambda service's span, from the invocation's X-Ray trace header. */
const fromTraceHeader = () =>
  propagator.extract(ROOT_CONTEXT, { [AWSXRAY_TRACE_ID_HEADER]: env._X_AMZN_TRACE_ID }, defaultTextMapGetter);

registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [new SampledAwsInstrumentation({ suppressInternalInstrumentation: true })],
});
registerInstrumentations({
  tracerProvider: lambdaProvider,
  instrumentations: [
    new SampledLambdaInstrumentation(
      {
        eventContextExtractor: fromTraceHeader,
        requestHook: (span: Span, { context }) => span.setAttribute('aws.request_id', context.awsRequestId),
      },
      contextManager,
    ),
  ],
});
