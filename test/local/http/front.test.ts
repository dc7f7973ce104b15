import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { RestApiGateway } from '../../../local/apigateway/gateway';
import type { MethodSpec, RestApiSpec } from '../../../local/apigateway/specs';
import { createApiPort } from '../../../local/http/api-port';
import { close } from '../../../local/http/listening';
import { rawJsonRequest } from '../../support/raw-http';
import type { InvokeResult } from '../../../local/lambda/invocation';

// The API port's front, with a one-route API: nothing a client sends can stop it, and every answer
// is in the contract's error shape, through the API's gateway responses as on API Gateway.

const errorTemplate = (code: string, message = '$context.error.messageString') =>
  `{"error":"${code}","message":${message}}`;
const spec: RestApiSpec = {
  id: 'api123',
  name: 'test',
  stages: ['v1'],
  resources: [
    {
      id: 'r1',
      path: '/things/{id}',
      segments: ['things', '{id}'],
      methods: new Map<string, MethodSpec>([
        [
          'GET',
          { httpMethod: 'GET', authorizationType: 'NONE', integration: { type: 'AWS_PROXY', functionArn: 'fn' } },
        ],
      ]),
    },
  ],
  gatewayResponses: new Map([
    [
      'MISSING_AUTHENTICATION_TOKEN',
      {
        status: 404,
        headers: { 'access-control-allow-origin': '*' },
        template: errorTemplate('NOT_FOUND', '"No route for this method and path"'),
      },
    ],
    ['DEFAULT_4XX', { headers: { 'access-control-allow-origin': '*' }, template: errorTemplate('BAD_REQUEST') }],
    ['DEFAULT_5XX', { headers: { 'access-control-allow-origin': '*' }, template: errorTemplate('INTERNAL_ERROR') }],
  ]),
};

let slowMs = 0;
const invoke = async (_arn: string, event: unknown): Promise<InvokeResult> => {
  await new Promise((resolve) => setTimeout(resolve, slowMs));
  const { pathParameters } = event as { pathParameters: { id: string } };
  return {
    requestId: 'r',
    durationMs: 1,
    payload: {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: pathParameters.id }),
    },
  };
};

let server: Server;
let base: string;
const errors: Error[] = [];
beforeAll(async () => {
  server = createApiPort(
    new RestApiGateway(spec, 'v1', invoke, { region: 'us-east-1', accountId: '000000000000' }, true, 300),
    (error) => errors.push(error),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => close(server));

/** Sends raw bytes, as curl --path-as-is or a broken client would, and answers the status and the JSON body. */
const raw = (request: string | Buffer) => rawJsonRequest((server.address() as AddressInfo).port, request);

const get = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, body: (await response.json()) as unknown };
};

test('a request that used to stop the process (//[) is answered, and the process goes on', async () => {
  const hostile = await raw('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const fine = await get('/things/1');

  expect(hostile).toEqual({ status: 404, body: { error: 'NOT_FOUND', message: 'No route for this method and path' } });
  expect(fine).toEqual({ status: 200, body: { id: '1' } });
});

test('a malformed percent-encoding is a 400 in the error shape', async () => {
  expect(await raw('GET /things/% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toEqual({
    status: 400,
    body: { error: 'BAD_REQUEST', message: 'The path has a malformed percent-encoding' },
  });
});

test('an unknown method gets API Gateway’s answer for a missing route, through the gateway responses', async () => {
  expect(await raw('FOO /things/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toEqual({
    status: 404,
    body: { error: 'NOT_FOUND', message: 'No route for this method and path' },
  });
  expect(await get('/things/1', { method: 'PATCH' })).toEqual({
    status: 404,
    body: { error: 'NOT_FOUND', message: 'No route for this method and path' },
  });
});

test('a broken request line is a 400 in the error shape', async () => {
  expect(await raw('GET /things/1 HTTP/9.9x\r\n\r\n')).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
});

test('headers over 16 KB are a 431 in the error shape', async () => {
  const response = await raw(
    `GET /things/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
  );
  expect(response).toEqual({ status: 431, body: { error: 'BAD_REQUEST', message: 'Request Header Fields Too Large' } });
});

test('a body over API Gateway’s 10 MB is a 413, whether it says so up front or not', async () => {
  const declared = await raw(
    `POST /things/1 HTTP/1.1\r\nHost: x\r\nContent-Length: ${11 * 1024 * 1024}\r\nConnection: close\r\n\r\n`,
  );
  const streamed = await fetch(`${base}/things/1`, { method: 'GET', body: undefined });
  const chunked = await raw(
    Buffer.concat([
      Buffer.from('POST /things/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n'),
      Buffer.from(`${(11 * 1024 * 1024).toString(16)}\r\n`),
      Buffer.alloc(11 * 1024 * 1024, 97),
      Buffer.from('\r\n0\r\n\r\n'),
    ]),
  );

  expect(declared).toEqual({ status: 413, body: { error: 'BAD_REQUEST', message: 'Request Too Long' } });
  expect(streamed.status).toBe(200);
  expect(chunked).toEqual({ status: 413, body: { error: 'BAD_REQUEST', message: 'Request Too Long' } });
});

test('an integration that runs past the integration timeout is a 504 in the error shape', async () => {
  slowMs = 1000;
  const response = await get('/things/1');
  slowMs = 0;
  expect(response).toEqual({ status: 504, body: { error: 'INTERNAL_ERROR', message: 'Endpoint request timed out' } });
});

test('none of this reached the error log: every refusal was the front’s own answer', () => {
  expect(errors).toEqual([]);
});
