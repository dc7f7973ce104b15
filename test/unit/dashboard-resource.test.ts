import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { match } from '../support/matchers';

// The dashboard custom resource speaks two protocols: CloudWatch's API (AWS JSON 1.0) and
// CloudFormation's custom resource response (a PUT to a presigned URL). Both ends are real HTTP
// servers here; CloudWatch's is a recorder, since no CloudWatch runs on this machine.

/** A request one of the servers got; `Body` is the JSON document its protocol sends. */
interface Recorded<Body = unknown> {
  target?: string;
  url?: string;
  body: Body;
}

const record = <Body = unknown>(request: IncomingMessage): Promise<Recorded<Body>> =>
  new Promise((resolve) => {
    let data = '';
    request.on('data', (chunk) => (data += chunk));
    request.on('end', () => {
      const body: unknown = data ? JSON.parse(data) : undefined;
      resolve({ target: request.headers['x-amz-target'] as string | undefined, url: request.url, body: body as Body });
    });
  });

let cloudwatch: Server;
let cloudformation: Server;
const calls: Recorded[] = [];
const responses: Recorded<CloudFormationCustomResourceResponse>[] = [];
let failCloudWatch = false;

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

let handler: typeof import('#observability/dashboard').handler;
let responseUrl: string;

beforeAll(async () => {
  cloudwatch = createServer((request, response) => {
    void record(request).then((call) => {
      calls.push(call);
      if (failCloudWatch) {
        response
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
          .end(JSON.stringify({ __type: 'InvalidParameterInput', message: 'Body is invalid' }));
      } else response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
  });
  cloudformation = createServer((request, response) => {
    void record<CloudFormationCustomResourceResponse>(request).then((call) => {
      responses.push(call);
      response.writeHead(200).end();
    });
  });
  process.env.AWS_ENDPOINT_URL_CLOUDWATCH = await listen(cloudwatch);
  responseUrl = `${await listen(cloudformation)}/presigned?signature=x`;
  // Loaded once the endpoint is set, since the module creates its CloudWatch client when it loads
  // (jest.requireActual is Jest's typed require; nothing is mocked here).
  ({ handler } = jest.requireActual<typeof import('#observability/dashboard')>('#observability/dashboard'));
});

afterAll(() => {
  cloudwatch.close();
  cloudformation.close();
  delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH;
});

beforeEach(() => {
  calls.length = 0;
  responses.length = 0;
  failCloudWatch = false;
});

/** The request CloudFormation sends; an update carries the properties it had before, as CloudFormation's does. */
function event(RequestType: 'Create'): CloudFormationCustomResourceEvent;
function event(RequestType: 'Update' | 'Delete', PhysicalResourceId: string): CloudFormationCustomResourceEvent;
function event(
  RequestType: 'Create' | 'Update' | 'Delete',
  PhysicalResourceId = '',
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:dashboard',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/ServerlessShop/1',
    RequestId: 'request-1',
    LogicalResourceId: 'ObservabilityDashboardThroughApi',
    ResourceType: 'Custom::Dashboard',
    ResourceProperties: { ServiceToken: 'x', DashboardName: 'ServerlessShop', DashboardBody: '{"widgets":[]}' },
  };
  if (RequestType === 'Create') return { ...common, RequestType };
  if (RequestType === 'Update')
    return { ...common, RequestType, PhysicalResourceId, OldResourceProperties: common.ResourceProperties };
  return { ...common, RequestType, PhysicalResourceId };
}

test('Create puts the dashboard and reports SUCCESS with its name as the physical id', async () => {
  await handler(event('Create'));
  expect(calls).toEqual([
    {
      target: 'GraniteServiceVersion20100801.PutDashboard',
      url: '/',
      body: { DashboardName: 'ServerlessShop', DashboardBody: '{"widgets":[]}' },
    },
  ]);
  expect(responses).toHaveLength(1);
  expect(responses[0]!.url).toBe('/presigned?signature=x');
  expect(responses[0]!.body).toEqual({
    Status: 'SUCCESS',
    PhysicalResourceId: 'ServerlessShop',
    StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/ServerlessShop/1',
    RequestId: 'request-1',
    LogicalResourceId: 'ObservabilityDashboardThroughApi',
  });
});

test('a rejected body fails the resource, with CloudWatch reason, so the stack rolls back', async () => {
  failCloudWatch = true;
  await handler(event('Create'));
  expect(responses[0]!.body).toMatchObject({ Status: 'FAILED', Reason: match.stringContaining('invalid') });
});

test('a renamed dashboard replaces the old one', async () => {
  await handler(event('Update', 'OldName'));
  expect(calls.map((c) => c.target)).toEqual([
    'GraniteServiceVersion20100801.PutDashboard',
    'GraniteServiceVersion20100801.DeleteDashboards',
  ]);
  expect(calls[1]!.body).toEqual({ DashboardNames: ['OldName'] });
  expect(responses[0]!.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'ServerlessShop' });
});

test('Delete removes it, and a failed delete never blocks the stack', async () => {
  await handler(event('Delete', 'ServerlessShop'));
  expect(calls[0]).toMatchObject({
    target: 'GraniteServiceVersion20100801.DeleteDashboards',
    body: { DashboardNames: ['ServerlessShop'] },
  });
  failCloudWatch = true;
  await handler(event('Delete', 'ServerlessShop'));
  expect(responses.map((r) => r.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
});
