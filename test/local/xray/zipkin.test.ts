import { randomUUID } from 'node:crypto';
import { formatTraceHeader, newSpanId, newTraceId } from '../../../local/xray/spans';
import { tokenFor } from '../../reliability/support';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../../support/cloud-process';
import { startZipkin, stopZipkin, type Zipkin } from '../../support/zipkin';
import { eventually } from '../../e2e/support';
import { orderEnded, orderTraceRequest, shopApi } from './support';

// A real Zipkin server (its exec jar from Maven Central, on the machine's Java) receives the local
// cloud's spans through --zipkin-endpoint (OpenTelemetry's Zipkin exporter), and the trace is found
// through Zipkin's own API with the spans of every service. Java missing fails here, saying how to get it.

let zipkin: Zipkin;
let cloud: CloudProcess;

beforeAll(async () => {
  zipkin = await startZipkin();
  cloud = await startCloudProcess('xray-zipkin', ['--zipkin-endpoint', `${zipkin.url}/api/v2/spans`]);
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

const api = shopApi(() => cloud.api);

test("an order placed through the API: Zipkin finds its trace by the order id, with the spans of every function on the order's way", async () => {
  const admin = await tokenFor(cloud, 'admin');
  const alice = await tokenFor(cloud, 'alice');
  const sku = `ZK-${randomUUID().slice(0, 8).toUpperCase()}`;
  await api(admin, 'PUT', `/products/${sku}`, { name: `Zipkin ${sku}`, price: 100, stock: 5 });
  await api(alice, 'POST', '/billing/account/deposit', { amount: 1000 });
  const slot = (await api<{ slotId: string; remaining: number }[]>(undefined, 'GET', '/delivery/slots')).body.find(
    (s) => s.remaining > 5,
  )!;
  const caller = { traceId: newTraceId(), spanId: newSpanId(), sampled: true };

  const created = await api<{ orderId: string }>(
    alice,
    'POST',
    '/orders',
    { items: [{ sku, quantity: 1 }], delivery: { slotId: slot.slotId, address: '1 Zipkin Road' } },
    { 'idempotency-key': randomUUID(), 'x-amzn-trace-id': formatTraceHeader(caller) },
  );
  expect(created.status).toBe(201);
  const { orderId } = created.body;
  expect((await orderEnded(api, alice, orderId)).status).toBe('COMPLETED');

  // Found by the order id (the functions' orderId attribute, a tag in Zipkin), every step's function in it.
  const functions = ['ordercreateorder', 'billingpay', 'warehousereserve', 'deliverybook', 'orderupdatestatus'];
  const spans = await eventually(
    async () => {
      const query = new URLSearchParams({ annotationQuery: `orderId=${orderId}`, lookback: '3600000', limit: '5' });
      const traces = (await (await fetch(`${zipkin.url}/api/v2/traces?${query}`)).json()) as ZipkinSpan[][];
      const trace = traces.find((t) => t[0]?.traceId === caller.traceId);
      const services = new Set((trace ?? []).map((s) => s.localEndpoint?.serviceName ?? ''));
      return trace && functions.every((fn) => [...services].some((service) => service.includes(fn)))
        ? trace
        : undefined;
    },
    `the order ${orderId}'s trace in Zipkin, with ${functions.join(', ')}`,
    60_000,
  );
  expect(spans.every((s) => s.traceId === caller.traceId)).toBe(true);
  expect(spans.some((s) => s.tags?.orderId === orderId)).toBe(true);
  // The functions' SDK calls are in it too (Zipkin lowercases names).
  expect(spans.some((s) => /^dynamodb\./i.test(s.name))).toBe(true);
}, 240_000);
