import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The dashboard custom resource speaks two protocols: CloudWatch's API (AWS JSON 1.0) and
// CloudFormation's custom resource response (a PUT to a presigned URL). Both ends are real HTTP
// servers here; CloudWatch's is a recorder, since no CloudWatch runs on this machine.

interface Recorded {
  target?: string;
  url?: string;
  body: any;
}

const record = (request: IncomingMessage): Promise<Recorded> =>
  new Promise((resolve) => {
    let data = '';
    request.on('data', (chunk) => (data += chunk));
    request.on('end', () => resolve({ target: request.headers['x-amz-target'] as string | undefined, url: request.url, body: data ? JSON.parse(data) : undefined }));
  });

let cloudwatch: Server;
let cloudformation: Server;
const calls: Recorded[] = [];
const responses: Recorded[] = [];
let failCloudWatch = false;

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

let handler: typeof import('#observability/dashboard').handler;
let responseUrl: string;

beforeAll(async () => {
  cloudwatch = createServer(async (request, response) => {
    calls.push(await record(request));
    if (failCloudWatch) {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'InvalidParameterInput', message: 'Body is invalid' }));
    } else response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
  });
  cloudformation = createServer(async (request, response) => {
    responses.push(await record(request));
    response.writeHead(200).end();
  });
  process.env.AWS_ENDPOINT_URL_CLOUDWATCH = await listen(cloudwatch);
  responseUrl = `${await listen(cloudformation)}/presigned?signature=x`;
  ({ handler } = require('#observability/dashboard') as typeof import('#observability/dashboard'));
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

const event = (RequestType: 'Create' | 'Update' | 'Delete', PhysicalResourceId?: string): any => ({
  RequestType,
  ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:dashboard',
  ResponseURL: responseUrl,
  StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/ServerlessShop/1',
  RequestId: 'request-1',
  LogicalResourceId: 'ObservabilityDashboardThroughApi',
  ResourceType: 'Custom::Dashboard',
  ...(PhysicalResourceId && { PhysicalResourceId }),
  ResourceProperties: { ServiceToken: 'x', DashboardName: 'ServerlessShop', DashboardBody: '{"widgets":[]}' },
});

test('Create puts the dashboard and reports SUCCESS with its name as the physical id', async () => {
  await handler(event('Create'));
  expect(calls).toEqual([{ target: 'GraniteServiceVersion20100801.PutDashboard', url: '/', body: { DashboardName: 'ServerlessShop', DashboardBody: '{"widgets":[]}' } }]);
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
  expect(responses[0]!.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('invalid') });
});

test('a renamed dashboard replaces the old one', async () => {
  await handler(event('Update', 'OldName'));
  expect(calls.map((c) => c.target)).toEqual(['GraniteServiceVersion20100801.PutDashboard', 'GraniteServiceVersion20100801.DeleteDashboards']);
  expect(calls[1]!.body).toEqual({ DashboardNames: ['OldName'] });
  expect(responses[0]!.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'ServerlessShop' });
});

test('Delete removes it, and a failed delete never blocks the stack', async () => {
  await handler(event('Delete', 'ServerlessShop'));
  expect(calls[0]).toMatchObject({ target: 'GraniteServiceVersion20100801.DeleteDashboards', body: { DashboardNames: ['ServerlessShop'] } });
  failCloudWatch = true;
  await handler(event('Delete', 'ServerlessShop'));
  expect(responses.map((r) => r.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
});
