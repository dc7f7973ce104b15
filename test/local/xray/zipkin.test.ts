import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../../support/cloud-process';
import { startZipkin, stopZipkin, type Zipkin } from '../../support/zipkin';
import { eventually } from '../../e2e/support';
import { orderTraceRequest } from './support';

// A real Zipkin server (its exec jar from Maven Central, on the machine's Java) receives the local
// cloud's spans through --zipkin-endpoint (OpenTelemetry's Zipkin exporter), and the trace is found
// through Zipkin's own API with the spans of every service. Java missing fails here, saying how to get it.

let zipkin: Zipkin;
let cloud: CloudProcess;

beforeAll(async () => {
  zipkin = await startZipkin();
  cloud = await startCloudProcess('xray-zipkin', ['--no-seed', '--zipkin-endpoint', `${zipkin.url}/api/v2/spans`]);
}, 400_000);

afterAll(async () => {
  await stopCloudProcess(cloud?.child);
  await stopZipkin(zipkin);
}, 60_000);

interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

test('spans recorded by the cloud reach Zipkin, and the trace is found through its API', async () => {
  const { traceId, body, services } = orderTraceRequest('order-zipkin');
  const sent = await fetch(`${cloud.edge}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect(sent.status).toBe(200);
  const spans = await eventually(
    async () => {
      const response = await fetch(`${zipkin.url}/api/v2/trace/${traceId}`);
      if (response.status !== 200) return undefined;
      const found = (await response.json()) as ZipkinSpan[];
      return found.length >= 5 ? found : undefined;
    },
    `the trace ${traceId} in Zipkin`,
    30_000,
  );
  expect(spans).toHaveLength(5);
  expect(new Set(spans.map((s) => s.localEndpoint?.serviceName))).toEqual(
    new Set(services.map((s) => s.toLowerCase())),
  );
  const handler = spans.find((s) => s.name === 'handler')!;
  expect(handler.tags?.['annotation.order_id']).toBe('order-zipkin');
  expect(spans.find((s) => s.name === 'publish')!.parentId).toBe(spans.find((s) => s.name === 'order-saga')!.id);
  // Zipkin lists the services it has seen.
  const listed = (await (await fetch(`${zipkin.url}/api/v2/services`)).json()) as string[];
  expect(listed).toEqual(expect.arrayContaining(['createorder', 'order-saga']));
}, 60_000);
