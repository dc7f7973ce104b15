import { RestApiGateway } from '../../../local/apigateway/gateway';
import type { MethodSpec, RestApiSpec } from '../../../local/apigateway/specs';
import { stageTracing } from '../../../local/apigateway/tracing';
import type { HttpRequest } from '../../../local/http/messages';
import type { InvokeResult } from '../../../local/lambda/invocation';
import { formatTraceHeader, newSpanId, newTraceId, parseTraceHeader } from '../../../local/xray/spans';
import { TraceRecorder } from '../../support/trace-recorder';

// An API stage's X-Ray: the stage's span, the authorizer's and the integration's Lambda invokes under
// it, the header each function gets, and the trace id in the response.

const AUTHORIZER = 'arn:aws:lambda:us-east-1:000000000000:function:authorizer';
const HANDLER = 'arn:aws:lambda:us-east-1:000000000000:function:handler';

const spec = (tracedStages: string[]): RestApiSpec => ({
  id: 'api123',
  name: 'shop-api',
  stages: ['v1'],
  tracedStages,
  resources: [
    {
      id: 'r1',
      path: '/orders/{id}',
      segments: ['orders', '{id}'],
      methods: new Map<string, MethodSpec>([
        [
          'GET',
          {
            httpMethod: 'GET',
            authorizationType: 'CUSTOM',
            authorizer: {
              id: 'a1',
              name: 'jwt',
              type: 'TOKEN',
              functionArn: AUTHORIZER,
              identitySources: ['method.request.header.Authorization'],
              ttlSeconds: 0,
            },
            integration: { type: 'AWS_PROXY', functionArn: HANDLER },
          },
        ],
      ]),
    },
  ],
  gatewayResponses: new Map(),
});

interface Call {
  arn: string;
  event: { headers?: Record<string, string> };
  traceHeader?: string;
}

const setUp = (tracedStages: string[], sink: TraceRecorder | undefined) => {
  const calls: Call[] = [];
  const invoke = (arn: string, event: unknown, options?: { traceHeader?: string }): Promise<InvokeResult> => {
    calls.push({
      arn,
      event: event as Call['event'],
      ...(options?.traceHeader && { traceHeader: options.traceHeader }),
    });
    const payload =
      arn === AUTHORIZER
        ? {
            principalId: 'u1',
            policyDocument: { Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }] },
          }
        : { statusCode: 200, body: '{}' };
    return Promise.resolve({ requestId: 'req', durationMs: 1, payload });
  };
  const api = spec(tracedStages);
  const gateway = new RestApiGateway(api, 'v1', invoke, { region: 'us-east-1', accountId: '000000000000' });
  gateway.tracing = stageTracing(sink, api, 'v1', 'us-east-1');
  return { gateway, calls };
};

const request = (headers: Record<string, string> = {}, path = '/orders/42'): HttpRequest => ({
  method: 'GET',
  path,
  query: new URLSearchParams(),
  headers: { authorization: 'Bearer t', 'user-agent': 'jest', ...headers },
  body: Buffer.alloc(0),
  sourceIp: '10.0.0.9',
});

describe('API Gateway tracing', () => {
  test('continues the caller’s trace: stage span, authorizer and integration spans, each function given its own parent', async () => {
    const recorder = new TraceRecorder();
    const { gateway, calls } = setUp([], recorder);
    const caller = { traceId: newTraceId(), spanId: newSpanId(), sampled: true };

    const response = await gateway.handle(request({ 'x-amzn-trace-id': formatTraceHeader(caller) }));

    expect(response.status).toBe(200);
    const stage = recorder.one('shop-api/v1');
    expect(stage).toMatchObject({
      traceId: caller.traceId,
      parentSpanId: caller.spanId,
      kind: 'SERVER',
      status: { code: 'UNSET' },
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/orders/42',
        'http.route': '/orders/{id}',
        'http.response.status_code': 200,
        'client.address': '10.0.0.9',
      },
      resource: {
        'service.name': 'shop-api/v1',
        'cloud.provider': 'aws',
        'cloud.platform': 'aws_api_gateway',
        'cloud.resource_id': 'arn:aws:apigateway:us-east-1::/restapis/api123/stages/v1',
        'aws.region': 'us-east-1',
      },
    });
    const invokes = recorder.childrenOf(stage);
    expect(
      invokes.map((span) => [span.attributes['aws.api_gateway.step'], span.attributes['faas.invoked_name']]),
    ).toEqual([
      ['authorizer', 'authorizer'],
      ['integration', 'handler'],
    ]);
    for (const span of invokes) expect(span).toMatchObject({ kind: 'CLIENT', attributes: { 'rpc.service': 'Lambda' } });
    expect(calls.map((call) => parseTraceHeader(call.traceHeader))).toEqual(
      invokes.map((span) => ({ traceId: caller.traceId, spanId: span.spanId, sampled: true })),
    );
    // The handler's event carries the header API Gateway hands on; the response the trace's id.
    expect(calls[1]!.event.headers?.['x-amzn-trace-id']).toBe(calls[1]!.traceHeader);
    expect(response.headers['x-amzn-trace-id']).toBe(
      `Root=1-${caller.traceId.slice(0, 8)}-${caller.traceId.slice(8)};Sampled=1`,
    );
  });

  test('a stage with tracing enabled starts a trace for a request that brings none; one without does not', async () => {
    const traced = new TraceRecorder();
    const active = setUp(['v1'], traced);
    await active.gateway.handle(request());
    const stage = traced.one('shop-api/v1');
    expect(stage.parentSpanId).toBeUndefined();
    expect(new Set(traced.spans.map((span) => span.traceId))).toEqual(new Set([stage.traceId]));
    expect(parseTraceHeader(active.calls[1]!.traceHeader)?.traceId).toBe(stage.traceId);

    const untraced = new TraceRecorder();
    const passive = setUp([], untraced);
    const response = await passive.gateway.handle(request());
    expect(untraced.spans).toEqual([]);
    expect(passive.calls.map((call) => call.traceHeader)).toEqual([undefined, undefined]);
    expect(response.headers['x-amzn-trace-id']).toBeUndefined();
  });

  test('a refusal is an error span with its status; Sampled=0 records nothing and passes the header on', async () => {
    const recorder = new TraceRecorder();
    const { gateway, calls } = setUp(['v1'], recorder);
    const refused = await gateway.handle(request({ authorization: '' }));
    expect(refused.status).toBe(401);
    expect(recorder.one('shop-api/v1')).toMatchObject({
      status: { code: 'ERROR' },
      attributes: { 'http.response.status_code': 401 },
    });
    expect(recorder.spans).toHaveLength(1);

    const unsampled = formatTraceHeader({ traceId: newTraceId(), spanId: newSpanId(), sampled: false });
    await gateway.handle(request({ 'x-amzn-trace-id': unsampled }));
    expect(recorder.spans).toHaveLength(1);
    expect(calls.map((call) => call.traceHeader)).toEqual([unsampled, unsampled]);
  });

  test('with tracing off nothing is emitted and no header added; a caller’s header passes through', async () => {
    const { gateway, calls } = setUp(['v1'], undefined);
    const response = await gateway.handle(request());
    expect(calls.map((call) => call.traceHeader)).toEqual([undefined, undefined]);
    expect(response.headers['x-amzn-trace-id']).toBeUndefined();

    const header = formatTraceHeader({ traceId: newTraceId(), spanId: newSpanId(), sampled: true });
    await gateway.handle(request({ 'x-amzn-trace-id': header }));
    expect(calls.slice(2).map((call) => call.traceHeader)).toEqual([header, header]);
  });
});
