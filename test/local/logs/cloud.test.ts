import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../../support/cloud-process';
import { eventually } from '../../e2e/support';
import { edgeConfig } from '../../reliability/support';

// CloudWatch Logs on a running local cloud, through the SDK: the template's log groups with their
// retention, a request's lines found by filter patterns, refusals in AWS's shapes, and the lines
// still there after a restart on the same data directory.

const dataDir = mkdtempSync(join(tmpdir(), 'logs-cloud-'));
let cloud: CloudProcess | undefined;
let client: CloudWatchLogsClient;

const start = async () => {
  cloud = await startCloudProcess('logs', ['--no-seed'], { dataDir });
  client = new CloudWatchLogsClient(edgeConfig(cloud));
};

beforeAll(start, 300_000);
afterAll(async () => {
  client?.destroy();
  await stopCloudProcess(cloud?.child);
}, 60_000);

const groupNamed = async (part: string) => {
  const { logGroups = [] } = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
  return logGroups.find((g) => g.logGroupName?.includes(part));
};

test("a request's lines are in its function's log group, found by filter patterns, and kept across a restart", async () => {
  const group = (await groupNamed('WarehouseListProducts'))!;
  expect(group).toMatchObject({
    retentionInDays: 7,
    logGroupName: expect.stringMatching(/^\/aws\/lambda\/ServerlessShop-WarehouseListProducts/) as unknown,
  });
  expect((await fetch(`${cloud!.api}/products`)).status).toBe(200);

  const report = await eventually(async () => {
    const { events = [] } = await client.send(
      new FilterLogEventsCommand({ logGroupName: group.logGroupName, filterPattern: '"REPORT RequestId"' }),
    );
    return events[0];
  }, 'the REPORT line');
  const requestId = /^REPORT RequestId: ([0-9a-f-]{36})\t/.exec(report.message!)![1]!;
  const { events = [] } = await client.send(
    new FilterLogEventsCommand({ logGroupIdentifier: group.arn, filterPattern: `"${requestId}"`, interleaved: true }),
  );
  expect(events[0]!.message).toBe(`START RequestId: ${requestId} Version: $LATEST`);
  expect(events.at(-1)!.message).toBe(report.message);
  const { logStreams = [] } = await client.send(
    new DescribeLogStreamsCommand({ logGroupName: group.logGroupName, orderBy: 'LastEventTime', descending: true }),
  );
  expect(logStreams[0]!.logStreamName).toBe(report.logStreamName);

  await stopCloudProcess(cloud!.child);
  client.destroy();
  await start();
  const after = await client.send(
    new FilterLogEventsCommand({ logGroupName: group.logGroupName, filterPattern: `"${requestId}"` }),
  );
  expect(after.events!.map((e) => [e.message, e.eventId])).toEqual(events.map((e) => [e.message, e.eventId]));
}, 400_000);

test('refusals come in AWS shapes', async () => {
  await expect(client.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/nope' }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
    message: 'The specified log group does not exist.',
    $metadata: { httpStatusCode: 400 },
  });
  const group = (await groupNamed('Warehouse'))!;
  await expect(
    client.send(new FilterLogEventsCommand({ logGroupName: group.logGroupName, filterPattern: '{ $.level = ' })),
  ).rejects.toMatchObject({ name: 'InvalidParameterException' });
});
