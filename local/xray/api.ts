import { gunzipSync } from 'node:zlib';
import type { EdgeRequest, LocalService } from '../http/local-service';
import { type HttpResponse, json } from '../http/messages';
import { ServiceError } from '../support/errors';
import { type JsonBody, parseJsonBody } from '../support/json-body';
import { spansOfRequest } from './otlp';
import { decodeTraceRequest } from './otlp-proto';
import { SAMPLING_OPERATIONS, samplingOperation } from './sampling-api';
import type { XRayService } from './service';

// The local X-Ray on the edge: OTLP/HTTP's trace receiver (`POST /v1/traces`, JSON or protobuf), and
// X-Ray's REST-JSON read API (`POST /TraceSummaries`, `/Traces`, `/ServiceGraph`, `/TraceGraph`), and
// its sampling rules (`/GetSamplingRules`, `/CreateSamplingRule`, …; see sampling-api.ts).

const OTLP_PATH = '/v1/traces';
const OPERATIONS = new Set(['/TraceSummaries', '/Traces', '/ServiceGraph', '/TraceGraph']);
/** The largest body a gzip'd OTLP request may inflate to. */
const INFLATED_LIMIT = 16 * 1024 * 1024;

const xrayError = (error: ServiceError) =>
  json(error.status, { __type: error.code, message: error.message }, { 'x-amzn-errortype': error.code });

const invalid = (message: string) => new ServiceError('InvalidRequestException', message);

const epochSeconds = (body: JsonBody, name: string): number => {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`${name} is required, as a timestamp in epoch seconds`);
  return value;
};

const optionalText = (body: JsonBody, name: string, max = 2000): string | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max)
    throw invalid(`${name} must be a string of at most ${max} characters`);
  return value;
};

const traceIds = (body: JsonBody): string[] => {
  const ids = body.TraceIds;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || id.length > 100))
    throw invalid('TraceIds is required, as a list of trace ids');
  if (ids.length > 100) throw invalid('TraceIds may name at most 100 traces');
  return ids as string[];
};

const operation = (service: XRayService, path: string, body: JsonBody): object => {
  if (SAMPLING_OPERATIONS.has(path)) return samplingOperation(service.sampling, path, body);
  switch (path) {
    case '/TraceSummaries':
      return service.traceSummaries({
        StartTime: epochSeconds(body, 'StartTime'),
        EndTime: epochSeconds(body, 'EndTime'),
        TimeRangeType: optionalText(body, 'TimeRangeType', 50),
        FilterExpression: optionalText(body, 'FilterExpression'),
        NextToken: optionalText(body, 'NextToken'),
      });
    case '/Traces':
      return service.batchGetTraces(traceIds(body));
    case '/ServiceGraph':
      return service.serviceGraph(epochSeconds(body, 'StartTime'), epochSeconds(body, 'EndTime'));
    default:
      return service.traceGraph(traceIds(body));
  }
};

const answerXRay = async (service: XRayService, request: EdgeRequest): Promise<HttpResponse> => {
  try {
    if (request.method !== 'POST') throw invalid(`${request.path} takes POST, not ${request.method.slice(0, 20)}`);
    return json(200, operation(service, request.path, parseJsonBody(await request.body())));
  } catch (error) {
    if (error instanceof ServiceError)
      return xrayError(error.code === 'SerializationException' ? invalid(error.message) : error);
    throw error;
  }
};

/** OTLP's error answer: google.rpc.Status (code 3, INVALID_ARGUMENT), with AWS's `__type` beside it. */
const otlpError = (status: number, type: string, message: string) =>
  json(status, { __type: type, code: 3, message }, { 'x-amzn-errortype': type });

const inflated = (request: EdgeRequest, body: Buffer): Buffer => {
  const encoding = String(request.req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return body;
  if (encoding !== 'gzip')
    throw new ServiceError(
      'UnsupportedMediaType',
      `Content-Encoding ${encoding.slice(0, 30)} is not supported (use gzip or none)`,
      415,
    );
  try {
    return gunzipSync(body, { maxOutputLength: INFLATED_LIMIT });
  } catch {
    throw new ServiceError('BadRequest', `The body is not valid gzip, or inflates beyond ${INFLATED_LIMIT} bytes`);
  }
};

/** `POST /v1/traces`: the spans recorded, answered as an OTLP receiver does (an empty partial success). */
const receiveOtlp = async (service: XRayService, request: EdgeRequest): Promise<HttpResponse> => {
  if (request.method !== 'POST') return otlpError(405, 'MethodNotAllowed', `${OTLP_PATH} takes POST`);
  const type = String(request.req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  try {
    const body = inflated(request, await request.body());
    if (type === 'application/x-protobuf') {
      service.record(spansOfRequest(decodeTraceRequest(body)));
      return { status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.alloc(0) };
    }
    if (type !== 'application/json')
      return otlpError(
        415,
        'UnsupportedMediaType',
        `${OTLP_PATH} takes application/json or application/x-protobuf, not ${type.slice(0, 60) || 'no Content-Type'}`,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ServiceError('BadRequest', 'The body is not valid JSON (an OTLP ExportTraceServiceRequest)');
    }
    service.record(spansOfRequest(parsed));
    return json(200, { partialSuccess: {} });
  } catch (error) {
    if (error instanceof ServiceError) return otlpError(error.status, error.code, error.message);
    throw error;
  }
};

/** The local X-Ray's `LocalService`: its requests are told by their path (none when tracing is off). */
export const xrayEdge = (service: XRayService | undefined): LocalService =>
  service
    ? {
        name: 'xray',
        recognises: (request) =>
          request.path === OTLP_PATH || OPERATIONS.has(request.path) || SAMPLING_OPERATIONS.has(request.path),
        handle: (request) =>
          request.path === OTLP_PATH ? receiveOtlp(service, request) : answerXRay(service, request),
        health: () => 'running',
      }
    : { name: 'xray' };
