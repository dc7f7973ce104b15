import type { HttpRequest, HttpResponse } from '../http/messages';
import type { SamplingRequest } from '../xray/sampling';
import { formatTraceHeader, parseTraceHeader, type TraceSink } from '../xray/spans';
import { type ActiveSpan, lambdaInvokeAttributes, serviceResource, Tracer } from '../xray/tracer';
import type { Invoke } from './authorizer';
import type { ProxyEvent } from './event';

// X-Ray on an API stage: the stage's SERVER span (named `<api name>/<stage>`, as X-Ray names the
// stage's segment) continues the caller's `X-Amzn-Trace-Id`, or starts a trace when the stage has
// tracing enabled; the authorizer's and the integration's Lambda invokes are its CLIENT spans, each
// handing the function a header whose Parent is that span.

/** How a stage traces: its tracer, and whether it starts a trace for a request that brings none. */
export interface StageTracing {
  tracer: Tracer;
  active: boolean;
  region: string;
}

/** A stage's tracing: spans to the sink (none: `--no-tracing`, headers only pass through). */
export const stageTracing = (
  sink: TraceSink | undefined,
  api: { id: string; name: string; tracedStages?: string[] },
  stage: string,
  region: string,
): StageTracing => ({
  tracer: new Tracer(
    sink,
    serviceResource(
      `${api.name}/${stage}`,
      'aws_api_gateway',
      `arn:aws:apigateway:${region}::/restapis/${api.id}/stages/${stage}`,
      region,
    ),
    'local-cloud/apigateway',
  ),
  active: api.tracedStages?.includes(stage) ?? false,
  region,
});

const headerOf = (request: HttpRequest): string | undefined => {
  const value = request.headers['x-amzn-trace-id'];
  return Array.isArray(value) ? value[0] : value;
};

/** What X-Ray's sampling rules match a stage's request on (the stage's segment: its name, type and ARN). */
const samplingRequest = (tracing: StageTracing, name: string, request: HttpRequest): SamplingRequest => ({
  serviceName: name,
  serviceType: 'AWS::ApiGateway::Stage',
  resourceArn: String(tracing.tracer.resource['cloud.resource_id']),
  httpMethod: request.method,
  urlPath: request.path,
  ...(typeof request.headers.host === 'string' && { host: request.headers.host }),
});

export const startStageSpan = (tracing: StageTracing, name: string, request: HttpRequest): ActiveSpan =>
  tracing.tracer.start(name, {
    kind: 'SERVER',
    parent: parseTraceHeader(headerOf(request)),
    root: tracing.active && samplingRequest(tracing, name, request),
    attributes: {
      'http.request.method': request.method,
      'url.path': request.path,
      'client.address': request.sourceIp,
      ...(typeof request.headers.host === 'string' && { 'server.address': request.headers.host }),
      'user_agent.original': String(request.headers['user-agent'] ?? ''),
    },
  });

/** Ends the stage's span with the answer; the response carries the trace's id as API Gateway returns it. */
export const endStageSpan = (
  tracing: StageTracing,
  span: ActiveSpan,
  response: HttpResponse,
  route: string | undefined,
): HttpResponse => {
  span.end({
    ...(response.status >= 400 && { status: 'ERROR' }),
    attributes: { 'http.response.status_code': response.status, ...(route !== undefined && { 'http.route': route }) },
  });
  if (!tracing.tracer.enabled || !span.context) return response;
  const { traceId, sampled } = span.context;
  return { ...response, headers: { ...response.headers, 'x-amzn-trace-id': formatTraceHeader({ traceId, sampled }) } };
};

/**
 * The stage's Lambda invokes, each a CLIENT span under the stage's (`step`: the authorizer or the
 * integration) whose header the function gets; a proxy event also gets it in its headers, as
 * API Gateway adds `X-Amzn-Trace-Id` to the request it hands on.
 */
export const tracedInvoke =
  (invoke: Invoke, tracing: StageTracing, stage: ActiveSpan, step: 'authorizer' | 'integration'): Invoke =>
  async (functionArn, event) => {
    const span = tracing.tracer.start('Lambda.Invoke', {
      kind: 'CLIENT',
      parent: stage.context,
      attributes: { ...lambdaInvokeAttributes(functionArn, tracing.region), 'aws.api_gateway.step': step },
    });
    const traceHeader = span.header;
    if (traceHeader && step === 'integration') withHeader(event as ProxyEvent, traceHeader);
    try {
      const result = await invoke(functionArn, event, traceHeader === undefined ? {} : { traceHeader });
      span.end(result.functionError ? { status: 'ERROR', message: result.functionError } : {});
      return result;
    } catch (error) {
      span.end({ status: 'ERROR', message: (error as Error).message });
      throw error;
    }
  };

const withHeader = (event: ProxyEvent, header: string) => {
  event.headers['x-amzn-trace-id'] = header;
  event.multiValueHeaders['x-amzn-trace-id'] = [header];
};
