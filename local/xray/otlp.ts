import { ServiceError } from '../support/errors';
import type { Attributes, AttributeValue, Span, SpanEvent, SpanKind } from './spans';

// OTLP/HTTP's trace request (ExportTraceServiceRequest) in its JSON encoding, as
// @opentelemetry/exporter-trace-otlp-http sends it, read into the local cloud's `Span`s. The protobuf
// encoding (otlp-proto.ts) is decoded into the same shape first.

/** `{ key, value: { stringValue | intValue | boolValue | doubleValue | arrayValue | kvlistValue | bytesValue } }`. */
export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}

const KINDS: SpanKind[] = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'] as const;
/** The spans one request may carry. */
export const MAX_SPANS_PER_REQUEST = 10_000;

const bad = (message: string) => new ServiceError('BadRequest', message);

const object = (value: unknown, where: string): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${where} must be an object`);
  return value as Record<string, unknown>;
};

const list = (value: unknown, where: string): unknown[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bad(`${where} must be an array`);
  return value;
};

const hexId = (value: unknown, digits: number, where: string): string => {
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(value))
    throw bad(`${where} must be ${digits} hex digits`);
  if (/^0+$/.test(value)) throw bad(`${where} must not be all zeros`);
  return value.toLowerCase();
};

/** Nanoseconds since the epoch (a decimal string, or a number) as fractional milliseconds. */
const nanosToMillis = (value: unknown, where: string): number => {
  const text = typeof value === 'number' ? String(Math.trunc(value)) : value;
  if (typeof text !== 'string' || !/^\d{1,20}$/.test(text)) throw bad(`${where} must be nanoseconds since the epoch`);
  const nanos = BigInt(text);
  return Number(nanos / 1000n) / 1000;
};

/** One attribute value: scalars as they are, arrays of scalars as arrays, anything else as JSON text. */
const anyValue = (value: OtlpAnyValue | undefined): AttributeValue | undefined => {
  if (!value || typeof value !== 'object') return undefined;
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue) {
    const items = (Array.isArray(value.arrayValue.values) ? value.arrayValue.values : []).map(anyValue);
    const scalars = items.filter((item) => item !== undefined && !Array.isArray(item));
    const types = new Set(scalars.map((item) => typeof item));
    return types.size <= 1 ? (scalars as string[]) : scalars.map((item) => String(item));
  }
  if (value.kvlistValue) return JSON.stringify(attributes(value.kvlistValue.values, 'kvlistValue'));
  if (typeof value.bytesValue === 'string') return value.bytesValue;
  return undefined;
};

export const attributes = (value: unknown, where: string): Attributes => {
  const result: Attributes = {};
  for (const item of list(value, where)) {
    const { key, value: raw } = object(item, `${where}[]`) as unknown as OtlpKeyValue;
    if (typeof key !== 'string') throw bad(`${where}[].key must be a string`);
    const converted = anyValue(raw);
    if (converted !== undefined && key !== '__proto__') result[key] = converted;
  }
  return result;
};

const kindOf = (value: unknown): SpanKind => {
  if (typeof value === 'number') return KINDS[value] ?? 'INTERNAL';
  if (typeof value === 'string') {
    const name = value.replace(/^SPAN_KIND_/, '') as SpanKind;
    return KINDS.includes(name) ? name : 'INTERNAL';
  }
  return 'INTERNAL';
};

const statusOf = (value: unknown): Span['status'] => {
  if (!value || typeof value !== 'object') return { code: 'UNSET' };
  const { code, message } = value as { code?: unknown; message?: unknown };
  const name =
    typeof code === 'number'
      ? (STATUS[code] ?? 'UNSET')
      : (STATUS.find((s) => s === String(code).replace(/^STATUS_CODE_/, '')) ?? 'UNSET');
  return { code: name, ...(typeof message === 'string' && message && { message }) };
};

const eventsOf = (value: unknown, where: string): SpanEvent[] =>
  list(value, where).map((item, i) => {
    const event = object(item, `${where}[${i}]`);
    return {
      name: typeof event.name === 'string' ? event.name : '',
      time: nanosToMillis(event.timeUnixNano, `${where}[${i}].timeUnixNano`),
      ...(event.attributes !== undefined && { attributes: attributes(event.attributes, `${where}[${i}].attributes`) }),
    };
  });

const spanOf = (raw: unknown, resource: Attributes, scope: string | undefined, where: string): Span => {
  const span = object(raw, where);
  const parent = span.parentSpanId;
  const traceId = hexId(span.traceId, 32, `${where}.traceId`);
  const spanId = hexId(span.spanId, 16, `${where}.spanId`);
  const start = nanosToMillis(span.startTimeUnixNano, `${where}.startTimeUnixNano`);
  const end = nanosToMillis(span.endTimeUnixNano, `${where}.endTimeUnixNano`);
  const events = eventsOf(span.events, `${where}.events`);
  return {
    traceId,
    spanId,
    ...(typeof parent === 'string' && parent !== '' && { parentSpanId: hexId(parent, 16, `${where}.parentSpanId`) }),
    name: typeof span.name === 'string' ? span.name : '',
    kind: kindOf(span.kind),
    start,
    end: Math.max(start, end),
    attributes: attributes(span.attributes, `${where}.attributes`),
    ...(events.length > 0 && { events }),
    status: statusOf(span.status),
    resource,
    ...(scope && { scope }),
  };
};

/** The spans of an ExportTraceServiceRequest (JSON); junk is a `BadRequest` naming where it is. */
export const spansOfRequest = (body: unknown): Span[] => {
  const request = object(body, 'The request');
  const spans: Span[] = [];
  list(request.resourceSpans, 'resourceSpans').forEach((item, r) => {
    const resourceSpans = object(item, `resourceSpans[${r}]`);
    const resource = attributes(
      resourceSpans.resource === undefined
        ? []
        : object(resourceSpans.resource, `resourceSpans[${r}].resource`).attributes,
      `resourceSpans[${r}].resource.attributes`,
    );
    // Before OTLP 1.0 the scope's spans were `instrumentationLibrarySpans`.
    const scopes = resourceSpans.scopeSpans ?? resourceSpans.instrumentationLibrarySpans;
    list(scopes, `resourceSpans[${r}].scopeSpans`).forEach((scopeItem, s) => {
      const where = `resourceSpans[${r}].scopeSpans[${s}]`;
      const scopeSpans = object(scopeItem, where);
      const scope = scopeSpans.scope ?? scopeSpans.instrumentationLibrary;
      const scopeName = typeof scope === 'object' && scope !== null ? (scope as { name?: unknown }).name : undefined;
      list(scopeSpans.spans, `${where}.spans`).forEach((span, i) => {
        if (spans.length >= MAX_SPANS_PER_REQUEST)
          throw bad(`A request may carry at most ${MAX_SPANS_PER_REQUEST} spans`);
        spans.push(
          spanOf(span, resource, typeof scopeName === 'string' ? scopeName : undefined, `${where}.spans[${i}]`),
        );
      });
    });
  });
  return spans;
};
