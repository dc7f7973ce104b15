import type { MiddlewareObj } from '@middy/core';
import { trace } from '@opentelemetry/api';
import { OrderId } from './schemas';

// Trace attributes through OpenTelemetry's API only: the function's span is the active one while the
// handler runs (the bootstrap's instrumentation-aws-lambda makes it); without the bootstrap (tracing
// off, or in tests) there is no active span and these do nothing.

/** The attribute that holds the order's id, and the X-Ray annotation made of it. */
export const ORDER_ID_ATTRIBUTE = 'orderId';
/** ADOT's convention: the span attributes named here become X-Ray annotations (searchable in filter expressions). */
export const XRAY_ANNOTATIONS_ATTRIBUTE = 'aws.xray.annotations';

const isOrderId = (value: unknown): value is string => OrderId.safeParse(value).success;

/** Marks the active span with the order it works on, an X-Ray annotation: `annotation.orderId = "<id>"` finds it. */
export const annotateOrder = (orderId: unknown): boolean => {
  const span = trace.getActiveSpan();
  if (!span || !isOrderId(orderId)) return false;
  span.setAttribute(ORDER_ID_ATTRIBUTE, orderId);
  span.setAttribute(XRAY_ANNOTATIONS_ATTRIBUTE, [ORDER_ID_ATTRIBUTE]);
  return true;
};

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

const jsonField = (text: unknown, key: string): unknown => {
  if (typeof text !== 'string' || !text.includes(`"${key}"`)) return undefined;
  try {
    return field(JSON.parse(text), key);
  } catch {
    return undefined;
  }
};

/**
 * The order an event is about, wherever its source puts it: a saga step's input (`orderId`), an API
 * path (`/orders/{orderId}`), the saga's status-change event (the execution is named after its order),
 * an SNS message about an order (its first record).
 */
export const orderIdOf = (event: unknown): unknown => {
  const records = field(event, 'Records');
  const firstRecord = Array.isArray(records) ? (records[0] as unknown) : undefined;
  return (
    field(event, 'orderId') ??
    field(field(event, 'pathParameters'), 'orderId') ??
    field(field(event, 'detail'), 'name') ??
    jsonField(field(field(firstRecord, 'Sns'), 'Message'), 'orderId')
  );
};

/** The order an API response is about (POST /orders answers the order it made). */
const orderIdOfResponse = (response: unknown): unknown => jsonField(field(response, 'body'), 'orderId');

/** Middleware: the order's id on the function's span, from the event, else from the response. */
export const traceOrder = (): MiddlewareObj => {
  let annotated = false;
  return {
    before: (request) => {
      annotated = annotateOrder(orderIdOf(request.event));
    },
    after: (request) => {
      if (!annotated) annotateOrder(orderIdOfResponse(request.response));
    },
  };
};
