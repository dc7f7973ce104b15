import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpRequest } from '../http/messages';
import type { Route } from './router';

/** The Lambda proxy integration's event (payload format 1.0), as API Gateway builds it for a REST API. */
export interface ProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: null;
  requestContext: Record<string, unknown>;
  body: string | null;
  isBase64Encoded: boolean;
}

const single = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
  );
const multi = (headers: IncomingHttpHeaders): Record<string, string[]> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v : [String(v)]]),
  );

export interface StageContext {
  accountId: string;
  apiId: string;
  stage: string;
}

export const proxyEvent = (request: HttpRequest, route: Route, stage: StageContext): ProxyEvent => {
  const requestId = randomUUID();
  const queryEntries = [...request.query.entries()];
  return {
    resource: route.resource.path,
    path: request.path,
    httpMethod: request.method,
    headers: single(request.headers),
    multiValueHeaders: multi(request.headers),
    queryStringParameters: queryEntries.length ? Object.fromEntries(queryEntries) : null,
    multiValueQueryStringParameters: queryEntries.length
      ? queryEntries.reduce<Record<string, string[]>>((acc, [k, v]) => ({ ...acc, [k]: [...(acc[k] ?? []), v] }), {})
      : null,
    pathParameters: Object.keys(route.params).length ? route.params : null,
    stageVariables: null,
    requestContext: {
      accountId: stage.accountId,
      apiId: stage.apiId,
      resourceId: route.resource.id,
      resourcePath: route.resource.path,
      stage: stage.stage,
      requestId,
      extendedRequestId: requestId,
      httpMethod: request.method,
      path: `/${stage.stage}${request.path}`,
      protocol: 'HTTP/1.1',
      requestTime: new Date().toUTCString(),
      requestTimeEpoch: Date.now(),
      domainName: String(request.headers.host ?? 'localhost'),
      identity: { sourceIp: request.sourceIp, userAgent: String(request.headers['user-agent'] ?? '') },
    },
    body: request.body.length ? request.body.toString('utf8') : null,
    isBase64Encoded: false,
  };
};
