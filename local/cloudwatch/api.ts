import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { type LocalService, queryActionFor } from '../http/local-service';
import type { HttpResponse } from '../http/messages';
import { ServiceError } from '../support/errors';
import { answerQuery, xmlEscape } from '../support/query-protocol';
import { invalidValue, type Params } from './input';
import { OPERATIONS } from './operations';
import type { CloudWatchService } from './service';

const TARGET = 'GraniteServiceVersion20100801.';
const XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
/** The largest body a gzip'd request (the SDK compresses large PutMetricData) may inflate to. */
const INFLATED_LIMIT = 8 * 1024 * 1024;

/** The JSON protocol's error shape for each query-protocol error code (what `x-amzn-query-error` carries). */
const SHAPES: Record<string, string> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  InvalidNextToken: 'InvalidNextToken',
  ResourceNotFound: 'DashboardNotFoundError',
  InvalidParameterInput: 'DashboardInvalidInputError',
  ValidationError: 'ValidationException',
  InternalServiceError: 'InternalServiceFault',
};

/** A value as the query protocol writes it: lists as `<member>`s, maps (ExtendedStatistics) as `<entry>`s, timestamps in ISO 8601. */
export const toXml = (name: string, value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (Array.isArray(value)) return `<${name}>${value.map((item) => toXml('member', item)).join('')}</${name}>`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (name === 'ExtendedStatistics')
      return `<${name}>${entries.map(([k, v]) => `<entry><key>${xmlEscape(k)}</key><value>${Number(v)}</value></entry>`).join('')}</${name}>`;
    return `<${name}>${entries.map(([k, v]) => toXml(k, v)).join('')}</${name}>`;
  }
  return `<${name}>${xmlEscape(typeof value === 'string' ? value : JSON.stringify(value))}</${name}>`;
};

/** JSON as the JSON 1.0 protocol writes it: timestamps in epoch seconds. */
const toJson = (value: unknown): string =>
  JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : item;
  });

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** The query protocol's flattened parameters (`A.member.1.B=x`) as nested objects and lists. */
export const unflatten = (form: URLSearchParams): Params => {
  const root: Params = {};
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const path: (string | number)[] = [];
    const parts = key.split('.');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if ((part === 'member' || part === 'entry') && /^\d{1,4}$/.test(parts[i + 1] ?? ''))
        path.push(Number(parts[++i]) - 1);
      else if (FORBIDDEN.has(part) || part === '')
        throw invalidValue(`The parameter name ${key.slice(0, 200)} is not valid.`);
      else path.push(part);
    }
    let node: Record<string | number, unknown> = root;
    path.forEach((segment, i) => {
      if (typeof segment === 'number' && (segment < 0 || segment >= 1000))
        throw invalidValue(`The parameter ${key.slice(0, 200)} has an index out of range.`);
      if (i === path.length - 1) return void (node[segment] = value);
      const existing = node[segment];
      if (typeof existing !== 'object' || existing === null) node[segment] = typeof path[i + 1] === 'number' ? [] : {};
      node = node[segment] as Record<string | number, unknown>;
    });
  }
  return root;
};

const run = (service: CloudWatchService, action: string, params: Params): object => {
  const operation = Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined;
  if (!operation)
    throw new ServiceError(
      'InvalidAction',
      `CloudWatch action ${action.slice(0, 100)} is not supported by the local cloud`,
    );
  return operation(service, params);
};

const bodyText = (req: IncomingMessage, body: Buffer): string => {
  if (String(req.headers['content-encoding'] ?? '').includes('gzip')) {
    try {
      return gunzipSync(body, { maxOutputLength: INFLATED_LIMIT }).toString('utf8');
    } catch {
      throw new ServiceError('SerializationException', 'The request body is not valid gzip, or inflates beyond 8 MB');
    }
  }
  return body.toString('utf8');
};

/** AWS JSON 1.0, query-compatible (`X-Amz-Target: GraniteServiceVersion20100801.<Action>`), as the SDK v3 and the AWS CLI send it. */
const jsonRequest = (service: CloudWatchService, action: string, req: IncomingMessage, body: Buffer): HttpResponse => {
  const requestId = randomUUID();
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId };
  try {
    const text = bodyText(req, body);
    let params: unknown = {};
    try {
      params = text ? JSON.parse(text) : {};
    } catch {
      throw new ServiceError('SerializationException', 'The request body is not valid JSON');
    }
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      throw new ServiceError('SerializationException', 'The request body must be a JSON object');
    return { status: 200, headers, body: toJson(run(service, action, params as Params)) };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const code = error.code === 'InvalidAction' ? 'UnknownOperationException' : error.code;
    const shape = SHAPES[code] ?? code;
    return {
      status: error.status,
      headers: {
        ...headers,
        'x-amzn-query-error': `${code};${error.status < 500 ? 'Sender' : 'Receiver'}`,
        'x-amzn-errortype': shape,
      },
      body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${shape}`, message: error.message }),
    };
  }
};

/** The query protocol (`Action=<Action>&Version=2010-08-01`, form-encoded, XML answers), as older AWS CLIs and SDKs send it. */
const queryRequest = (service: CloudWatchService, form: URLSearchParams): Promise<HttpResponse> => {
  const action = form.get('Action') ?? '';
  return answerQuery(XMLNS, action, () => {
    const result = run(service, action, unflatten(form));
    return Object.keys(result).length ? toXml(`${action}Result`, result) : '';
  });
};

/**
 * CloudWatch on the edge: `GET /metrics` (Prometheus), the JSON protocol (by its target) or the query
 * protocol (by its version or its signature's service).
 */
export const cloudwatchEdge = (service: CloudWatchService): LocalService => ({
  name: 'cloudwatch',
  recognises: async (request) =>
    (request.path === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')) ||
    request.target.startsWith(TARGET) ||
    (request.method === 'POST' && (await queryActionFor(request, '2010-08-01', 'monitoring'))),
  handle: async (request) => {
    if (request.path === '/metrics') return service.prometheus.scrape();
    if (request.target.startsWith(TARGET))
      return jsonRequest(service, request.target.slice(TARGET.length), request.req, await request.body());
    return queryRequest(service, (await request.form())!);
  },
  health: () => 'running',
});
