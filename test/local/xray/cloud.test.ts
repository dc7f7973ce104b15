import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../../support/cloud-process';
import { eventually } from '../../e2e/support';
import { orderTraceRequest } from './support';

// The local X-Ray in running clouds: a cloud forwards every span it records (--otlp-endpoint, with
// OpenTelemetry's OTLP/HTTP exporter) to a second cloud's /v1/traces, a real OTLP receiver; the first
// keeps its traces across a restart on its data directory; the AWS CLI reads them.

let receiver: CloudProcess;
let sender: CloudProcess;
const dataDir = mkdtempSync(join(tmpdir(), 'shop-xray-'));

const client = (cloud: CloudProcess) =>
  new XRayClient({
    endpoint: cloud.edge,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
const xrayId = (id: string) => `1-${id.slice(0, 8)}-${id.slice(8)}`;

beforeAll(async () => {
  receiver = await startCloudProcess('xray-receiver', ['--no-seed']);
  sender = await startCloudProcess('xray-sender', ['--no-seed', '--otlp-endpoint', `${receiver.edge}/v1/traces`], {
    dataDir,
  });
}, 600_000);

afterAll(async () => {
  await stopCloudProcess(sender?.child);
  await stopCloudProcess(receiver?.child);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const segmentNames = async (cloud: CloudProcess, traceId: string) => {
  const xray = client(cloud);
  try {
    const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: [xrayId(traceId)] }));
    return Traces?.[0]?.Segments?.map((s) => (JSON.parse(s.Document!) as { name: string }).name).sort();
  } finally {
    xray.destroy();
  }
};

test('spans recorded by one cloud are forwarded by OTLP/HTTP to another, kept across a restart, and read by the AWS CLI', async () => {
  const { traceId, body, services } = orderTraceRequest('order-forwarded');
  const sent = await fetch(`${sender.edge}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect(await sent.json()).toEqual({ partialSuccess: {} });
  expect(await segmentNames(sender, traceId)).toEqual([...services].sort());
  // The receiver has the same trace, from the sender's exporter.
  const forwarded = await eventually(
    async () => {
      const names = await segmentNames(receiver, traceId);
      return names?.length === services.length ? names : undefined;
    },
    'the forwarded trace',
    30_000,
  );
  expect(forwarded).toEqual([...services].sort());

  // A restart on the same data keeps the trace.
  await stopCloudProcess(sender.child);
  sender = await startCloudProcess('xray-sender', ['--no-seed'], { dataDir });
  expect(await segmentNames(sender, traceId)).toEqual([...services].sort());
  const xray = client(sender);
  const { TraceSummaries } = await xray.send(
    new GetTraceSummariesCommand({
      StartTime: new Date(Date.now() - 600_000),
      EndTime: new Date(),
      FilterExpression: 'annotation.order_id = "order-forwarded"',
    }),
  );
  xray.destroy();
  expect(TraceSummaries?.map((s) => s.Id)).toEqual([xrayId(traceId)]);
}, 300_000);

test('aws xray get-trace-summaries (AWS CLI) works against the edge', () => {
  const cli = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  if (cli.error) throw new Error('The AWS CLI (`aws`) is not installed: pip install awscli');
  const now = Math.floor(Date.now() / 1000);
  const result = spawnSync(
    'aws',
    [
      'xray',
      'get-trace-summaries',
      '--endpoint-url',
      sender.edge,
      '--start-time',
      String(now - 600),
      '--end-time',
      String(now + 60),
      '--filter-expression',
      'annotation.order_id = "order-forwarded"',
      '--output',
      'json',
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'l', AWS_SECRET_ACCESS_KEY: 'l', AWS_DEFAULT_REGION: 'us-east-1' },
      timeout: 60_000,
    },
  );
  expect(result.stderr).toBe('');
  const summaries = JSON.parse(result.stdout) as {
    TraceSummaries: { Id: string; Annotations: Record<string, unknown> }[];
  };
  expect(summaries.TraceSummaries).toHaveLength(1);
  expect(summaries.TraceSummaries[0]!.Annotations.order_id).toBeDefined();
}, 90_000);
