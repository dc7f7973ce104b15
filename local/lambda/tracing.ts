import {
  type Attributes,
  formatTraceHeader,
  newSpanId,
  newTraceId,
  parseTraceHeader,
  type Span,
  type TraceContext,
} from '../xray/spans';
import type { SamplingRequest } from '../xray/sampling';
import type { LambdaErrorPayload } from './invocation';
import type { FunctionSpec } from './specs';

// The spans Lambda's service emits for an invocation under active tracing: the invoke (`AWS::Lambda`),
// with its `Initialization` on a cold start. The function's own span (from its OpenTelemetry bootstrap)
// is a child of the invoke: the function is handed a trace header whose Parent is the invoke's span.

const SCOPE = 'local-cloud/lambda';

/** An invocation's place in its trace. */
export interface InvocationTrace {
  /** The caller's position (its span is the invoke's parent), or a new trace's root. */
  caller: TraceContext;
  /** The invoke span's id: the Parent of the header the function gets. */
  spanId: string;
  /** The function's `_X_AMZN_TRACE_ID`. */
  header: string;
}

/**
 * Where an invocation goes in a trace: under the caller's header, or in a new trace when none came
 * (as Lambda's active tracing starts one, sampled as the rules say).
 */
export const invocationTrace = (
  incoming: string | undefined,
  sample: (request: SamplingRequest) => boolean,
  fn: Pick<FunctionSpec, 'name' | 'arn'>,
): InvocationTrace => {
  const caller = parseTraceHeader(incoming) ?? {
    traceId: newTraceId(),
    sampled: sample({ serviceName: fn.name, serviceType: 'AWS::Lambda::Function', resourceArn: fn.arn }),
  };
  const spanId = newSpanId();
  return { caller, spanId, header: formatTraceHeader({ traceId: caller.traceId, spanId, sampled: caller.sampled }) };
};

export interface InvocationTiming {
  requestId: string;
  /** Epoch ms when the invocation was asked for, and when it answered. */
  start: number;
  end: number;
  coldStart: boolean;
  /** The init phase of a cold start (epoch ms). */
  init?: { start: number; end: number };
  error?: LambdaErrorPayload;
}

/** The resource of a function's spans, as OpenTelemetry's FaaS conventions describe it. */
export const functionResource = (fn: FunctionSpec): Attributes => ({
  'service.name': fn.name,
  'cloud.provider': 'aws',
  'cloud.platform': 'aws_lambda',
  'cloud.region': fn.arn.split(':')[3] ?? '',
  'faas.name': fn.name,
});

/** The invoke span (and its Initialization on a cold start); none for an unsampled trace. */
export const invocationSpans = (fn: FunctionSpec, trace: InvocationTrace, timing: InvocationTiming): Span[] => {
  if (!trace.caller.sampled) return [];
  const resource = functionResource(fn);
  const { error } = timing;
  const invoke: Span = {
    traceId: trace.caller.traceId,
    spanId: trace.spanId,
    ...(trace.caller.spanId && { parentSpanId: trace.caller.spanId }),
    name: fn.name,
    kind: 'SERVER',
    start: timing.start,
    end: timing.end,
    attributes: {
      'faas.name': fn.name,
      'cloud.resource_id': fn.arn,
      'cloud.account.id': fn.arn.split(':')[4] ?? '',
      'faas.invocation_id': timing.requestId,
      'aws.request_id': timing.requestId,
      'faas.coldstart': timing.coldStart,
      ...(error && { 'error.type': error.errorType, 'aws.lambda.function_error': 'Unhandled' }),
    },
    ...(error && {
      events: [
        {
          name: 'exception',
          time: timing.end,
          attributes: { 'exception.type': error.errorType, 'exception.message': error.errorMessage },
        },
      ],
    }),
    status: error ? { code: 'ERROR', message: `${error.errorType}: ${error.errorMessage}` } : { code: 'UNSET' },
    resource,
    scope: SCOPE,
  };
  if (!timing.init) return [invoke];
  const init: Span = {
    traceId: invoke.traceId,
    spanId: newSpanId(),
    parentSpanId: invoke.spanId,
    name: 'Initialization',
    kind: 'INTERNAL',
    start: timing.init.start,
    end: timing.init.end,
    attributes: { 'faas.name': fn.name, 'aws.request_id': timing.requestId },
    status: { code: 'UNSET' },
    resource,
    scope: SCOPE,
  };
  return [invoke, init];
};
