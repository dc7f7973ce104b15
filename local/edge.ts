import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequest, HttpResponse, RestApiGateway } from './apigateway';
import { ServiceError } from './errors';
import type { LambdaRuntime } from './lambda/runtime';
import type { SnsService } from './sns';
import type { StepFunctionsService } from './stepfunctions';

export interface EdgeServices {
  dynamodbEndpoint: string;
  stepFunctions: StepFunctionsService;
  sns: SnsService;
  lambda: LambdaRuntime;
  apis: Map<string, RestApiGateway>;
  /** Local-only JSON endpoints under `/_local/…` (health, metrics, functions). */
  local: Record<string, () => unknown>;
}

const MAX_BODY = 6 * 1024 * 1024;

export const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new ServiceError('RequestEntityTooLargeException', 'Request must be smaller than 6291456 bytes', 413));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

export const send = (res: ServerResponse, response: HttpResponse): void => {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
};

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  send(res, { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** The service a SigV4-signed request is for, from its credential scope (`…/us-east-1/sns/aws4_request`). */
const signedService = (req: IncomingMessage): string | undefined =>
  /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''))?.[1];

export const apiRequest = (req: IncomingMessage, path: string, query: URLSearchParams, body: Buffer): HttpRequest => ({
  method: String(req.method),
  path: path || '/',
  query,
  headers: req.headers,
  body,
  sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
});

/**
 * The edge on LocalStack's port: one HTTP endpoint that speaks each service's AWS wire protocol, so
 * that the AWS SDK and CLI work unchanged with `--endpoint-url`. DynamoDB is forwarded to DynamoDB
 * Local as is; Step Functions (JSON 1.0), SNS (Query/XML) and Lambda (REST JSON) are answered here;
 * REST APIs are reachable LocalStack-style at `/restapis/{apiId}/{stage}/_user_request_/…`.
 */
export const createEdge = (services: EdgeServices, onError: (error: Error) => void): Server => {
  const dynamo = new URL(services.dynamodbEndpoint);

  const forwardToDynamo = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = httpRequest(
      { host: dynamo.hostname, port: dynamo.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      onError(error);
      if (!res.headersSent) sendJson(res, 503, { __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailableException', message: 'DynamoDB Local is not answering' });
    });
    req.pipe(upstream);
  };

  const stepFunctions = async (action: string, body: Buffer, res: ServerResponse) => {
    const headers = { 'content-type': 'application/x-amz-json-1.0' };
    try {
      const result = await services.stepFunctions.handle(action, body.length ? JSON.parse(body.toString('utf8')) : {});
      sendJson(res, 200, result, headers);
    } catch (error) {
      if (error instanceof ServiceError) sendJson(res, error.status, { __type: error.code, message: error.message }, headers);
      else throw error;
    }
  };

  const lambdaInvoke = async (req: IncomingMessage, name: string, body: Buffer, res: ServerResponse) => {
    const fn = services.lambda.find(decodeURIComponent(name));
    if (!fn) {
      return sendJson(res, 404, { Type: 'User', message: `Function not found: ${decodeURIComponent(name)}` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
    }
    let event: unknown = null;
    try {
      event = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return sendJson(res, 400, { Type: 'User', message: 'Could not parse request body into json' }, { 'x-amzn-errortype': 'InvalidRequestContentException' });
    }
    if (req.headers['x-amz-invocation-type'] === 'Event') {
      void services.lambda.invoke(fn.arn, event).catch(onError);
      return send(res, { status: 202, headers: {}, body: '' });
    }
    if (req.headers['x-amz-invocation-type'] === 'DryRun') return send(res, { status: 204, headers: {}, body: '' });
    const result = await services.lambda.invoke(fn.arn, event);
    send(res, {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'x-amz-executed-version': '$LATEST',
        'x-amzn-requestid': result.requestId,
        ...(result.functionError && { 'x-amz-function-error': result.functionError }),
      },
      body: JSON.stringify(result.payload),
    });
  };

  return createServer((req, res) => {
    const handle = async () => {
      const url = new URL(req.url ?? '/', 'http://edge');
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target.startsWith('DynamoDB_')) return forwardToDynamo(req, res);
      const body = await readBody(req);
      if (target.startsWith('AWSStepFunctions.')) return stepFunctions(target.slice('AWSStepFunctions.'.length), body, res);

      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      if (invoke && req.method === 'POST') return lambdaInvoke(req, invoke[1]!, body, res);

      if (url.pathname === '/restapis' && req.method === 'GET') {
        // API Gateway's GetRestApis, so that clients can find an API's id as they would on AWS or LocalStack.
        const items = [...new Map([...services.apis.values()].map((g) => [g.spec.id, g.spec])).values()];
        return sendJson(res, 200, { item: items.map((spec) => ({ id: spec.id, name: spec.name, createdDate: 0 })) });
      }
      const restApi = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/.*)?$/.exec(url.pathname);
      if (restApi) {
        const gateway = services.apis.get(`${restApi[1]}/${restApi[2]}`);
        if (!gateway) return sendJson(res, 404, { message: `API ${restApi[1]} stage ${restApi[2]} not found` });
        return send(res, await gateway.handle(apiRequest(req, restApi[3] ?? '/', url.searchParams, body)));
      }

      const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body.toString('utf8')) : undefined;
      if (form?.has('Action') && (signedService(req) === 'sns' || form.get('Version') === '2010-03-31')) {
        const { status, body: xml } = services.sns.handle(form);
        return send(res, { status, headers: { 'content-type': 'text/xml' }, body: xml });
      }

      const local = /^\/_local\/([a-z-]+)$/.exec(url.pathname) ?? (url.pathname === '/_localstack/health' ? [url.pathname, 'health'] : null);
      const localEndpoint = local && services.local[local[1]!];
      if (localEndpoint) return sendJson(res, 200, localEndpoint());

      sendJson(res, 400, { __type: 'UnknownOperationException', message: `The local cloud does not serve ${req.method} ${url.pathname}${target ? ` (${target})` : ''}` });
    };
    handle().catch((error: Error) => {
      onError(error);
      if (!res.headersSent) sendJson(res, 500, { __type: 'InternalFailure', message: 'The local cloud failed to handle this request' });
    });
  });
};

export const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

export const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
