import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEdge } from '../../../local/http/edge';
import { close } from '../../../local/http/listening';
import { lambdaEdge } from '../../../local/lambda/api';
import { AsyncInvocations } from '../../../local/lambda/async';
import { LambdaRuntime } from '../../../local/lambda/runtime';

// Get/UpdateFunctionConfiguration on the edge, through the AWS SDK: a changed environment reaches
// the next invocation, in a fresh environment; what Lambda refuses is refused in its shape.

const dir = mkdtempSync(join(tmpdir(), 'configuration-test-'));
const entry = join(dir, 'settings.js');
writeFileSync(
  entry,
  'const loaded = process.env.THRESHOLD; exports.handler = async () => ({ loaded, now: process.env.THRESHOLD, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE });',
);

const runtime = new LambdaRuntime([
  {
    logicalId: 'Settings0123ABCD',
    name: 'Settings',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:Settings',
    entry,
    exportName: 'handler',
    handler: 'settings.handler',
    timeoutSeconds: 3,
    memorySize: 128,
    environment: { THRESHOLD: '5', TABLE: 'circuits' },
  },
]);
let server: Server;
let lambda: LambdaClient;
beforeAll(async () => {
  server = createEdge(
    [lambdaEdge(runtime, new AsyncInvocations(() => Promise.resolve({ payload: null })))],
    () => undefined,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  lambda = new LambdaClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  lambda.destroy();
  await close(server);
  await runtime.stop(0);
});

const invoke = async () =>
  JSON.parse(Buffer.from((await lambda.send(new InvokeCommand({ FunctionName: 'Settings' }))).Payload!).toString()) as {
    loaded: string;
    now: string;
    memory: string;
  };

test('a new environment reaches the next invocation, in a fresh environment that loads it at init', async () => {
  const before = await invoke();
  const first = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'Settings' }));

  const updated = await lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: runtime.find('Settings')!.arn,
      Environment: { Variables: { THRESHOLD: '2', TABLE: 'circuits' } },
      MemorySize: 256,
      RevisionId: first.RevisionId,
    }),
  );
  const after = await invoke();

  expect(before).toEqual({ loaded: '5', now: '5', memory: '128' });
  expect(first).toMatchObject({ FunctionName: 'Settings', Timeout: 3, MemorySize: 128, State: 'Active' });
  expect(first.Environment?.Variables).toEqual({ THRESHOLD: '5', TABLE: 'circuits' });
  expect(updated).toMatchObject({ MemorySize: 256, LastUpdateStatus: 'Successful' });
  expect(updated.Environment?.Variables).toEqual({ THRESHOLD: '2', TABLE: 'circuits' });
  expect(updated.RevisionId).not.toBe(first.RevisionId);
  // Read at init: only a fresh environment sees the new value.
  expect(after).toEqual({ loaded: '2', now: '2', memory: '256' });
});

test.each([
  [
    'a reserved variable',
    { Environment: { Variables: { AWS_REGION: 'eu-west-1' } } },
    'InvalidParameterValueException',
  ],
  ['a variable that is not a string', { Environment: { Variables: { N: 5 } } }, 'InvalidParameterValueException'],
  ['a timeout over 900 s', { Timeout: 901 }, 'InvalidParameterValueException'],
  ['an environment that is not an object', { Environment: 'oops' }, 'InvalidParameterValueException'],
  ['what the local runtime does not honour', { Handler: 'other.handler' }, 'InvalidParameterValueException'],
  ['a stale revision', { Timeout: 4, RevisionId: 'stale' }, 'PreconditionFailedException'],
])('%s is refused, and nothing changes', async (_case, change, type) => {
  const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'Settings' }));

  const refused = await lambda
    .send(new UpdateFunctionConfigurationCommand({ FunctionName: 'Settings', ...(change as object) }))
    .then(
      () => undefined,
      (error: Error) => error.name,
    );

  expect(refused).toBe(type);
  expect(await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'Settings' }))).toEqual(before);
});

test('an unknown function is a 404, a body that is not JSON or a name that is not one a 400, each in Lambda’s shape', async () => {
  const base = await lambda.config.endpoint!();
  const url = `${base.protocol}//${base.hostname}:${base.port}/2015-03-31/functions`;

  const unknown = await fetch(`${url}/nope/configuration`);
  const junk = await fetch(`${url}/Settings/configuration`, { method: 'PUT', body: '{nope' });
  const broken = await fetch(`${url}/%E0%A4%A/configuration`);

  expect([unknown.status, unknown.headers.get('x-amzn-errortype')]).toEqual([404, 'ResourceNotFoundException']);
  expect([junk.status, junk.headers.get('x-amzn-errortype')]).toEqual([400, 'InvalidParameterValueException']);
  expect([broken.status, broken.headers.get('x-amzn-errortype')]).toEqual([400, 'ValidationException']);
});
