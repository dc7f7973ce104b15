import { XRayClient } from '@aws-sdk/client-xray';
import {
  type Attributes,
  ROOT_CONTEXT,
  type Span as OtelSpan,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEdge } from '../../../local/http/edge';
import { xrayEdge } from '../../../local/xray/api';
import { XRayService } from '../../../local/xray/service';
import type { Span } from '../../../local/xray/spans';
import { eventually } from '../../e2e/support';

/** The local X-Ray alone on an edge, as the local cloud serves it. */
export const startXRayEdge = async (service = new XRayService()) => {
  const server: Server = createEdge([xrayEdge(service)], (error) => {
    throw error;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { service, server, base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

/** The AWS SDK's X-Ray client, pointed at an edge of `startXRayEdge`. */
export const xrayClientOf = (edge: { base: string }) =>
  new XRayClient({ endpoint: edge.base, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });

/** A tracer of one service (its resource), whose finished spans go through `exporter` (or are collected). */
export const tracerOf = (resource: Attributes, onEnd: SimpleSpanProcessor | ReadableSpan[]) => {
  const processor = Array.isArray(onEnd)
    ? {
        onStart: () => undefined,
        onEnd: (span: ReadableSpan) => void onEnd.push(span),
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      }
    : onEnd;
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: [processor] });
  return { tracer: provider.getTracer('test-scope'), provider };
};

export const childOf = (parent: OtelSpan) => trace.setSpan(ROOT_CONTEXT, parent);
export { SpanKind, SpanStatusCode };

const T0 = Date.now() - 60_000;

/** A span of our model, at `at` ms after a fixed start, lasting `ms`. */
export const span = (fields: Partial<Span> & { name: string; service: string; at?: number; ms?: number }): Span => {
  const { service, at = 0, ms = 10, resource, ...rest } = fields;
  return {
    traceId: 'a'.repeat(32),
    spanId: Math.random().toString(16).slice(2, 10).padEnd(16, '0'),
    kind: 'INTERNAL',
    start: T0 + at,
    end: T0 + at + ms,
    attributes: {},
    status: { code: 'UNSET' },
    resource: { 'service.name': service, ...resource },
    ...rest,
  };
};

/**
 * A trace through four services (an API stage, a function with a DynamoDB call, a state machine, an SNS
 * topic), as OTLP/HTTP JSON made by OpenTelemetry's SDK and serializer; with its 32-hex trace id.
 */
export const orderTraceRequest = (orderId: string): { traceId: string; body: string; services: string[] } => {
  const spans: ReadableSpan[] = [];
  const services = ['shop-api/prod', 'CreateOrder', 'order-saga', 'order-events'];
  const platforms = ['aws_api_gateway', 'aws_lambda', 'aws_step_functions', 'aws_sns'];
  const tracers = services.map(
    (name, i) => tracerOf({ 'service.name': name, 'cloud.platform': platforms[i]! }, spans).tracer,
  );
  const stage = tracers[0]!.startSpan('POST /orders', {
    kind: SpanKind.SERVER,
    attributes: { 'http.response.status_code': 201 },
  });
  const handler = tracers[1]!.startSpan('handler', { attributes: { 'annotation.order_id': orderId } }, childOf(stage));
  tracers[1]!
    .startSpan(
      'DynamoDB.PutItem',
      {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'PutItem' },
      },
      childOf(handler),
    )
    .end();
  const execution = tracers[2]!.startSpan('order-saga', { kind: SpanKind.SERVER }, childOf(handler));
  tracers[3]!.startSpan('publish', { kind: SpanKind.CONSUMER }, childOf(execution)).end();
  execution.end();
  handler.end();
  stage.end();
  return {
    traceId: stage.spanContext().traceId,
    body: Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString('utf8'),
    services,
  };
};

/** The shop's API of a running cloud (its base URL read at each call), as a client calls it. */
export const shopApi =
  (base: () => string) =>
  async <T>(token: string | undefined, method: string, path: string, body?: unknown, headers = {}) => {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...headers,
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as T };
  };

const TERMINAL = ['COMPLETED', 'CANCELLED', 'COMPENSATION_FAILED'];

/** Waits for the order's saga to end (the order in a terminal status); answers the order. */
export const orderEnded = (api: ReturnType<typeof shopApi>, token: string, orderId: string) =>
  eventually(
    async () => {
      const { body } = await api<{ status: string }>(token, 'GET', `/orders/${orderId}`);
      return TERMINAL.includes(body.status) ? body : undefined;
    },
    `order ${orderId} to end`,
    90_000,
  );
