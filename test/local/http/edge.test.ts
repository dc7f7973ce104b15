import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localChaos } from '../../support/chaos';
import { dynamodbEdge, dynamoDbForwarder } from '../../../local/dynamodb/api';
import { apiGatewayEdge } from '../../../local/apigateway/api';
import { chaosEdge } from '../../../local/chaos/api';
import { controlEdge } from '../../../local/control/api';
import { lambdaEdge } from '../../../local/lambda/api';
import { snsEdge } from '../../../local/sns/api';
import { stepFunctionsEdge } from '../../../local/stepfunctions/api';
import { createEdge } from '../../../local/http/edge';
import { originAllowed } from '../../../local/http/cors';
import { close } from '../../../local/http/listening';
import { AsyncInvocations } from '../../../local/lambda/async';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import { LogHub } from '../../../local/logs/hub';
import { SnsService } from '../../../local/sns/service';
import { changesEdge, ExecutionChanges } from '../../../local/stepfunctions/changes';
import { StepFunctionsService } from '../../../local/stepfunctions/service';

// The edge answers junk in AWS's error shapes, never with a 500, and goes on serving.

let server: Server;
let base: string;
const errors: Error[] = [];
beforeAll(async () => {
  const runtime = new LambdaRuntime([]);
  const queue = new AsyncInvocations(() => Promise.resolve({ payload: null }));
  const onError = (error: Error) => errors.push(error);
  const chaos = localChaos();
  const control = {
    logs: new LogHub(() => undefined),
    runtime,
    outputs: {},
    startup: {},
    dynamodbCalls: new Map<string, number>(),
  };
  const services = [
    // Nothing listens on port 9: DynamoDB Local "is down".
    dynamodbEdge(
      dynamoDbForwarder('http://127.0.0.1:9', () => undefined),
      () => false,
    ),
    stepFunctionsEdge(
      new StepFunctionsService(
        [],
        {
          invokeLambda: () => Promise.reject(new Error('none')),
          publish: () => ({ MessageId: 'm' }),
          dynamodb: () => Promise.resolve({}),
        },
        { region: 'us-east-1' },
      ),
      chaos,
    ),
    lambdaEdge(runtime, queue),
    apiGatewayEdge(new Map()),
    snsEdge(new SnsService([], [], queue)),
    chaosEdge(chaos),
    changesEdge(new ExecutionChanges()),
    controlEdge({ ...control, services: () => [] }),
  ];
  server = createEdge(services, onError);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => close(server));

const call = async (path: string, init: RequestInit) => {
  const response = await fetch(`${base}${path}`, init);
  // JSON protocols name the error in the body (`__type`); REST JSON ones (Lambda) in a header.
  const body = (await response.json()) as { __type?: string };
  return { status: response.status, type: body.__type ?? response.headers.get('x-amzn-errortype') };
};
const sfn = (action: string, body: string) =>
  call('/', {
    method: 'POST',
    headers: { 'x-amz-target': `AWSStepFunctions.${action}`, 'content-type': 'application/x-amz-json-1.0' },
    body,
  });

test.each([
  ['a body that is not JSON', () => sfn('ListExecutions', '{not json'), 400, 'SerializationException'],
  ['a JSON body that is not an object', () => sfn('ListExecutions', '[1,2]'), 400, 'SerializationException'],
  ['a member of the wrong type', () => sfn('StartExecution', '{"stateMachineArn":42}'), 400, 'ValidationException'],
  ['a missing member', () => sfn('DescribeExecution', '{}'), 400, 'ValidationException'],
  ['an unknown action', () => sfn('DoSomethingElse', '{}'), 400, 'UnknownOperationException'],
  [
    'a function name with a broken percent-encoding',
    () => call('/2015-03-31/functions/%E0%A4%A/invocations', { method: 'POST', body: '{}' }),
    400,
    'ValidationException',
  ],
  [
    'an unknown function',
    () => call('/2015-03-31/functions/nope/invocations', { method: 'POST', body: '{}' }),
    404,
    'ResourceNotFoundException',
  ],
  ['a path no service serves', () => call('/%%%/../x', { method: 'GET' }), 400, 'UnknownOperationException'],
  [
    'a body over the edge’s limit',
    () => sfn('ListExecutions', `{"pad":"${'x'.repeat(7 * 1024 * 1024)}"}`),
    413,
    'RequestEntityTooLargeException',
  ],
  [
    'a chaos rule that is not one',
    () => call('/_local/chaos/faults', { method: 'PATCH', body: '{"service":"ec2"}' }),
    400,
    'ValidationException',
  ],
  [
    'DynamoDB while DynamoDB Local is down',
    () => call('/', { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' }),
    503,
    'com.amazonaws.dynamodb.v20120810#ServiceUnavailableException',
  ],
])('%s', async (_what, request, status, type) => {
  expect(await request()).toEqual({ status, type });
});

test('nothing of it reached the error log as an internal failure', () => {
  expect(errors).toEqual([]);
});

describe('CORS, for the console in a browser on another origin', () => {
  test('a preflight is answered with the method and headers it asks for', async () => {
    const response = await fetch(`${base}/`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-amz-target,x-amz-date,authorization,content-type,amz-sdk-invocation-id',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8000');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'x-amz-target,x-amz-date,authorization,content-type,amz-sdk-invocation-id',
    );
  });

  test('an answer, an error too, allows the page’s origin and exposes AWS’s headers', async () => {
    const response = await fetch(`${base}/`, {
      method: 'POST',
      headers: {
        origin: 'http://localhost:8000',
        'x-amz-target': 'AWSStepFunctions.DescribeExecution',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8000');
    expect(response.headers.get('access-control-expose-headers')?.split(', ')).toEqual(
      expect.arrayContaining(['x-amzn-requestid', 'x-amzn-errortype', 'x-amz-request-id']),
    );
  });

  test('the chaos API answers a browser too', async () => {
    const preflight = await fetch(`${base}/_local/chaos/faults`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8000',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-methods')).toBe('PATCH');
    const list = await fetch(`${base}/_local/chaos/faults`, { headers: { origin: 'http://localhost:8000' } });
    expect(list.headers.get('access-control-allow-origin')).toBe('http://localhost:8000');
    expect(await list.json()).toEqual([]);
  });

  test.each([
    [
      'a form post to SNS',
      '/',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Action=Publish&Version=2010-03-31&TopicArn=x&Message=m',
    ],
    [
      'a fault rule',
      '/_local/chaos/faults',
      { 'content-type': 'text/plain' },
      '{"service":"lambda","function":"BillingPay","effect":"error"}',
    ],
  ])('a page from another website is refused before any service: %s', async (_what, path, headers, body) => {
    const response = await fetch(`${base}${path}`, {
      method: path === '/' ? 'POST' : 'PATCH',
      headers: { origin: 'https://evil.example', ...headers },
      body,
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { __type: string }).__type).toBe('AccessDeniedException');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await (await fetch(`${base}/_local/chaos/faults`)).json()).toEqual([]);
  });

  test('a preflight from another website is refused; 127.0.0.1 and the listed origins are allowed', async () => {
    const preflight = (origin: string) =>
      fetch(`${base}/`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight('https://evil.example')).status).toBe(403);
    expect((await preflight('http://localhost.evil.example')).status).toBe(403);
    expect((await preflight('http://127.0.0.1:5173')).status).toBe(204);
  });

  test('an OPTIONS that is not a preflight is not answered as one', async () => {
    const response = await fetch(`${base}/`, { method: 'OPTIONS' });
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });
});

test('SHOP_CORS_ALLOWED_ORIGINS adds origins, or any with *', () => {
  expect(originAllowed('https://console.example', '')).toBe(false);
  expect(originAllowed('https://console.example', 'https://other.example, https://console.example')).toBe(true);
  expect(originAllowed('https://console.example', '*')).toBe(true);
  expect(originAllowed('http://[::1]:8000', '')).toBe(true);
});
