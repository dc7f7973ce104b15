import type { IncomingMessage } from 'node:http';
import type { LocalService } from '../http/local-service';
import { type HttpResponse, json, toHttpRequest } from '../http/messages';
import type { RestApiGateway } from './gateway';

/** A stage's user request, LocalStack-style: `/restapis/{apiId}/{stage}/_user_request_/…`. */
const USER_REQUEST = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/.*)?$/;

/**
 * API Gateway on the edge, as LocalStack serves it: `GET /restapis` (GetRestApis, so that clients
 * find an API's id as they would on AWS or LocalStack), and each stage's routes at
 * `/restapis/{apiId}/{stage}/_user_request_/…`. Answers undefined for any other path.
 */
export const handleApiGatewayRequest = async (
  apis: ReadonlyMap<string, RestApiGateway>,
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
  body: () => Promise<Buffer>,
): Promise<HttpResponse | undefined> => {
  if (path === '/restapis' && req.method === 'GET') {
    const specs = [...new Map([...apis.values()].map((g) => [g.spec.id, g.spec])).values()];
    return json(200, { item: specs.map((spec) => ({ id: spec.id, name: spec.name, createdDate: 0 })) });
  }
  const userRequest = USER_REQUEST.exec(path);
  if (!userRequest) return undefined;
  const gateway = apis.get(`${userRequest[1]}/${userRequest[2]}`);
  if (!gateway) return json(404, { message: `API ${userRequest[1]} stage ${userRequest[2]} not found` });
  return gateway.handle(toHttpRequest(req, userRequest[3] ?? '/', query, await body()));
};

/** API Gateway on the edge, LocalStack-style: GetRestApis, and each stage at `/restapis/{apiId}/{stage}/_user_request_/…`. */
export const apiGatewayEdge = (apis: ReadonlyMap<string, RestApiGateway>): LocalService => ({
  name: 'apigateway',
  recognises: (request) =>
    (request.path === '/restapis' && request.method === 'GET') || USER_REQUEST.test(request.path),
  handle: (request) => handleApiGatewayRequest(apis, request.req, request.path, request.query, request.body),
  health: () => 'running',
});
