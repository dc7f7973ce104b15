import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventsEdge } from '../../../local/events/api';
import { EventsService } from '../../../local/events/service';
import { createEdge } from '../../../local/http/edge';
import { close } from '../../../local/http/listening';
import { AsyncInvocations } from '../../../local/lambda/async';
import { localChaos } from '../../support/chaos';
import { recorder } from '../../support/recorder';

// PutEvents on the edge, through the AWS SDK: each entry is matched against the template's rules and
// delivered to their targets; a refused entry is answered in its place and does not stop the others.

const { calls, invoke } = recorder();
const queue = new AsyncInvocations(invoke);
const events = new EventsService(
  [
    {
      logicalId: 'CircuitRule',
      name: 'circuit-open',
      arn: 'arn:aws:events:us-east-1:000000000000:rule/circuit-open',
      enabled: true,
      eventPattern: { source: ['serverless-shop.order'], detail: { to: ['OPEN'] } },
      targets: [{ id: 't', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn' }],
    },
  ],
  queue,
  { region: 'us-east-1', accountId: '000000000000' },
);
const chaos = localChaos();
let server: Server;
let client: EventBridgeClient;
beforeAll(async () => {
  chaos.accept(new Map([['events', ['error', 'latency']]]));
  server = createEdge([eventsEdge(events, chaos)], () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await close(server);
});

const entry = (to: string) => ({
  Source: 'serverless-shop.order',
  DetailType: 'Circuit State Change',
  Detail: JSON.stringify({ circuit: 'DeliveryBook', to }),
});

test('each entry is put on the bus: a matching rule delivers it to its target, in EventBridge’s envelope', async () => {
  const result = await client.send(
    new PutEventsCommand({ Entries: [entry('OPEN'), { ...entry('CLOSED'), Resources: ['arn:aws:dynamodb:x'] }] }),
  );
  await queue.idle(1000);

  expect(result.FailedEntryCount).toBe(0);
  expect(result.Entries?.map((e) => typeof e.EventId)).toEqual(['string', 'string']);
  expect(calls).toEqual([
    {
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
      event: expect.objectContaining({
        id: result.Entries![0]!.EventId,
        source: 'serverless-shop.order',
        'detail-type': 'Circuit State Change',
        account: '000000000000',
        detail: { circuit: 'DeliveryBook', to: 'OPEN' },
      }) as unknown,
    },
  ]);
});

test('a refused entry is answered in its place, and the others go on', async () => {
  const result = await client.send(
    new PutEventsCommand({
      Entries: [
        { ...entry('OPEN'), Detail: '[1, 2]' },
        { ...entry('OPEN'), Source: 'aws.states' },
        { ...entry('OPEN'), EventBusName: 'other' },
        { Source: 'serverless-shop.order', DetailType: 'Circuit State Change' },
        entry('HALF_OPEN'),
      ],
    }),
  );

  expect(result.FailedEntryCount).toBe(4);
  expect(result.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
    'MalformedDetail',
    'NotAuthorizedForSourceException',
    'InvalidArgument',
    'InvalidArgument',
    'ok',
  ]);
});

test('more than 10 entries, another operation, or a fault from the chaos API fail the whole call in AWS’s shape', async () => {
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: Error) => error.name,
    );
  const tooMany = await failure(
    client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry('OPEN')) })),
  );
  chaos.set([
    { service: 'events', operation: 'PutEvents', error: { code: 'InternalException', statusCode: 500 }, times: 1 },
  ]);
  const faulted = await failure(client.send(new PutEventsCommand({ Entries: [entry('OPEN')] })));
  const unknown = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
    method: 'POST',
    headers: { 'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1' },
    body: '{}',
  });

  const farOff = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
    method: 'POST',
    headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ Entries: [{ ...entry('OPEN'), Time: 1e20 }] }),
  });

  expect(((await farOff.json()) as { Entries: { ErrorCode?: string }[] }).Entries[0]!.ErrorCode).toBe(
    'InvalidArgument',
  );
  expect(tooMany).toBe('ValidationException');
  expect(faulted).toBe('InternalException');
  expect([unknown.status, ((await unknown.json()) as { __type: string }).__type]).toEqual([
    400,
    'UnknownOperationException',
  ]);
});
