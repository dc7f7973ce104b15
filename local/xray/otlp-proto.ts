import { ServiceError } from '../support/errors';

// OTLP/HTTP's protobuf encoding of ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1),
// decoded into the shape of its JSON encoding (hex ids, nanoseconds as decimal strings), which otlp.ts
// reads. Only the fields the local X-Ray keeps are read; the others are skipped by their wire type.

type Message = Record<string, unknown>;
const bad = (message: string) =>
  new ServiceError('BadRequest', `The protobuf body is not an OTLP trace request: ${message}`);
const MAX_DEPTH = 32;

class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw bad('a varint runs past the end');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw bad('a varint is too long');
  }

  take(length: number): Reader {
    if (length < 0 || this.pos + length > this.end) throw bad('a field runs past the end');
    const sub = new Reader(this.buf, this.pos, this.pos + length);
    this.pos += length;
    return sub;
  }

  bytes(): Buffer {
    return this.buf.subarray(this.pos, this.end);
  }
}

/** Calls `each` with every field of a message; `each` reads it, or it is skipped. */
const fields = (reader: Reader, each: (field: number, wire: number, value: Reader) => void) => {
  while (reader.pos < reader.end) {
    const key = Number(reader.varint());
    const field = key >>> 3;
    const wire = key & 7;
    let value: Reader;
    if (wire === 0) {
      const start = reader.pos;
      reader.varint();
      value = new Reader(reader.buf, start, reader.pos);
    } else if (wire === 1) value = reader.take(8);
    else if (wire === 2) value = reader.take(Number(reader.varint()));
    else if (wire === 5) value = reader.take(4);
    else throw bad(`field ${field} has the unsupported wire type ${wire}`);
    if (field === 0) throw bad('a field has number 0');
    each(field, wire, value);
  }
};

const expectWire = (wire: number, expected: number, what: string) => {
  if (wire !== expected) throw bad(`${what} has wire type ${wire}, not ${expected}`);
};

const text = (value: Reader) => value.bytes().toString('utf8');
const hex = (value: Reader) => value.bytes().toString('hex');
const fixed64 = (value: Reader) => value.buf.readBigUInt64LE(value.pos).toString();

const anyValue = (reader: Reader, depth: number): Message => {
  if (depth > MAX_DEPTH) throw bad('values are nested too deeply');
  const value: Message = {};
  fields(reader, (field, wire, v) => {
    if (field === 1 && wire === 2) value.stringValue = text(v);
    else if (field === 2 && wire === 0) value.boolValue = v.varint() !== 0n;
    else if (field === 3 && wire === 0) value.intValue = BigInt.asIntN(64, v.varint()).toString();
    else if (field === 4 && wire === 1) value.doubleValue = v.buf.readDoubleLE(v.pos);
    else if (field === 5 && wire === 2) value.arrayValue = { values: repeated(v, (item) => anyValue(item, depth + 1)) };
    else if (field === 6 && wire === 2)
      value.kvlistValue = { values: repeated(v, (item) => keyValue(item, depth + 1)) };
    else if (field === 7 && wire === 2) value.bytesValue = v.bytes().toString('base64');
  });
  return value;
};

/** The repeated field 1 of a wrapper message (ArrayValue, KeyValueList). */
const repeated = (reader: Reader, read: (item: Reader) => Message): Message[] => {
  const items: Message[] = [];
  fields(reader, (field, wire, v) => {
    if (field === 1) {
      expectWire(wire, 2, 'a list item');
      items.push(read(v));
    }
  });
  return items;
};

const keyValue = (reader: Reader, depth = 0): Message => {
  const kv: Message = { key: '' };
  fields(reader, (field, wire, v) => {
    if (field === 1 && wire === 2) kv.key = text(v);
    else if (field === 2 && wire === 2) kv.value = anyValue(v, depth);
  });
  return kv;
};

const event = (reader: Reader): Message => {
  const e: Message = { attributes: [] };
  fields(reader, (field, wire, v) => {
    if (field === 1 && wire === 1) e.timeUnixNano = fixed64(v);
    else if (field === 2 && wire === 2) e.name = text(v);
    else if (field === 3 && wire === 2) (e.attributes as Message[]).push(keyValue(v));
  });
  return e;
};

const SPAN_FIELDS: Record<number, [wire: number, read: (span: Message, v: Reader) => void]> = {
  1: [2, (s, v) => (s.traceId = hex(v))],
  2: [2, (s, v) => (s.spanId = hex(v))],
  4: [2, (s, v) => (s.parentSpanId = hex(v))],
  5: [2, (s, v) => (s.name = text(v))],
  6: [0, (s, v) => (s.kind = Number(v.varint()))],
  7: [1, (s, v) => (s.startTimeUnixNano = fixed64(v))],
  8: [1, (s, v) => (s.endTimeUnixNano = fixed64(v))],
  9: [2, (s, v) => (s.attributes as Message[]).push(keyValue(v))],
  11: [2, (s, v) => (s.events as Message[]).push(event(v))],
  15: [
    2,
    (s, v) => {
      const status: Message = {};
      fields(v, (field, wire, value) => {
        if (field === 2 && wire === 2) status.message = text(value);
        else if (field === 3 && wire === 0) status.code = Number(value.varint());
      });
      s.status = status;
    },
  ],
};

const span = (reader: Reader): Message => {
  const s: Message = { attributes: [], events: [] };
  fields(reader, (field, wire, v) => {
    const known = SPAN_FIELDS[field];
    if (!known) return;
    expectWire(wire, known[0], `span field ${field}`);
    known[1](s, v);
  });
  return s;
};

const scopeSpans = (reader: Reader): Message => {
  const result: Message = { spans: [] };
  fields(reader, (field, wire, v) => {
    if (field === 1 && wire === 2) {
      const scope: Message = {};
      fields(v, (f, w, value) => f === 1 && w === 2 && (scope.name = text(value)));
      result.scope = scope;
    } else if (field === 2 && wire === 2) (result.spans as Message[]).push(span(v));
  });
  return result;
};

const resourceSpans = (reader: Reader): Message => {
  const result: Message = { resource: { attributes: [] }, scopeSpans: [] };
  fields(reader, (field, wire, v) => {
    if (field === 1 && wire === 2) {
      const attributes: Message[] = [];
      fields(v, (f, w, value) => f === 1 && w === 2 && attributes.push(keyValue(value)));
      result.resource = { attributes };
    } else if (field === 2 && wire === 2) (result.scopeSpans as Message[]).push(scopeSpans(v));
  });
  return result;
};

/** An ExportTraceServiceRequest in protobuf, as its JSON encoding; junk is a `BadRequest`. */
export const decodeTraceRequest = (body: Buffer): Message => {
  const request: Message = { resourceSpans: [] };
  fields(new Reader(body, 0, body.length), (field, wire, v) => {
    if (field !== 1) return;
    expectWire(wire, 2, 'resourceSpans');
    (request.resourceSpans as Message[]).push(resourceSpans(v));
  });
  return request;
};
