import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import type { FunctionSpec } from '../../../local/lambda/specs';
import { handleLogsRequest } from '../../../local/logs/api';
import { LambdaLogs } from '../../../local/logs/lambda-logs';
import { LogStore } from '../../../local/logs/store';
import { formatTraceHeader, newSpanId, newTraceId, xrayTraceId } from '../../../local/xray/spans';

// What a function's invocations leave in CloudWatch Logs: its lines in the stream of the worker that
// ran it, with Lambda's START, END and REPORT, Powertools' JSON lines carrying the trace id.

const dir = mkdtempSync(join(tmpdir(), 'lambda-logs-test-'));
const LOGGER = JSON.stringify(require.resolve('@aws-lambda-powertools/logger'));
const source = `
const { Logger } = require(${LOGGER});
const logger = new Logger({ serviceName: 'payments' });
console.log('loading');
exports.handler = async (event, context) => {
  logger.addContext(context);
  logger.info('charging', { orderId: event.orderId });
  console.log('plain %s', 'line');
  console.error('two\\nlines');
  if (event.sleep) await new Promise((resolve) => setTimeout(resolve, event.sleep));
  if (event.fail) throw new TypeError('card declined');
  return 'ok';
};`;
writeFileSync(join(dir, 'pay.js'), source);
const fn: FunctionSpec = {
  logicalId: 'Pay0123ABCD',
  name: 'shop-Pay',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:shop-Pay',
  entry: join(dir, 'pay.js'),
  exportName: 'handler',
  handler: 'pay.handler',
  timeoutSeconds: 1,
  memorySize: 256,
  environment: {},
};

const store = new LogStore([{ name: '/aws/lambda/shop-Pay', retentionInDays: 7 }]);
const logs = new LambdaLogs(store);
const runtime = new LambdaRuntime([fn], { onOutput: (o) => logs.output(o), onReport: (r) => logs.report(r) });
afterAll(() => runtime.stop(0));

const call = (action: string, body: object) => {
  const response = handleLogsRequest(
    { store, region: 'us-east-1', accountId: '000000000000' },
    action,
    Buffer.from(JSON.stringify(body)),
  );
  return { status: response.status, body: JSON.parse(String(response.body)) as Record<string, unknown> };
};
type Event = { message: string; logStreamName: string; timestamp: number; eventId: string };
const filter = (filterPattern: string) =>
  call('FilterLogEvents', { logGroupName: '/aws/lambda/shop-Pay', filterPattern }).body.events as Event[];

test("an invocation's lines: START, the init and handler output, END and REPORT, in the worker's stream", async () => {
  const otelId = newTraceId();
  const traceId = xrayTraceId(otelId);
  const traceHeader = formatTraceHeader({ traceId: otelId, spanId: newSpanId(), sampled: true });

  const { requestId } = await runtime.invoke('shop-Pay', { orderId: 'o-42' }, { traceHeader });

  const events = filter(`"${requestId}"`);
  const messages = events.map((e) => e.message);
  expect(messages[0]).toBe(`START RequestId: ${requestId} Version: $LATEST`);
  const json = messages.filter((m) => m.startsWith('{')).map((m) => JSON.parse(m) as Record<string, unknown>);
  expect(json).toEqual([
    expect.objectContaining({
      level: 'INFO',
      message: 'charging',
      orderId: 'o-42',
      function_request_id: requestId,
      xray_trace_id: traceId,
    }),
  ]);
  expect(messages).toContainEqual(
    expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${requestId}\\tINFO\\tplain line$`)),
  );
  expect(messages).toContainEqual(expect.stringMatching(new RegExp(`\\t${requestId}\\tERROR\\ttwo\nlines$`)));
  expect(messages.at(-2)).toBe(`END RequestId: ${requestId}`);
  expect(messages.at(-1)).toMatch(
    new RegExp(
      `^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms\\t$`,
    ),
  );
  // One stream, named as Lambda names them; the init line (no request id yet) is in it too, before START.
  const streams = new Set(events.map((e) => e.logStreamName));
  expect(streams.size).toBe(1);
  const [stream] = [...streams];
  expect(stream).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  const all = call('GetLogEvents', { logGroupName: '/aws/lambda/shop-Pay', logStreamName: stream, startFromHead: true })
    .body.events as Event[];
  expect(all[0]!.message).toMatch(/\tundefined\tINFO\tloading$/);
  // Found by its trace id, as the console's Trace tab and X-Ray link to them.
  expect(filter(`{ $.xray_trace_id = "${traceId}" }`).map((e) => e.message)).toEqual([
    messages.find((m) => m.startsWith('{')),
  ]);
});

test('a warm invocation has no Init Duration; a failure and a timeout are logged as the Node runtime logs them', async () => {
  await runtime.invoke('shop-Pay', { orderId: 'o-1' });
  const warm = await runtime.invoke('shop-Pay', { orderId: 'o-2', fail: true });
  const timedOut = await runtime.invoke('shop-Pay', { orderId: 'o-3', sleep: 1500 });

  const failed = filter(`"${warm.requestId}"`).map((e) => e.message);
  expect(failed).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `\\t${warm.requestId}\\tERROR\\tInvoke Error \\t\\{"errorType":"TypeError","errorMessage":"card declined","stack":\\[`,
      ),
    ),
  );
  expect(failed.at(-1)).not.toContain('Init Duration');
  const late = filter(`"${timedOut.requestId}"`).map((e) => e.message);
  expect(late).toContainEqual(
    expect.stringMatching(new RegExp(`Z ${timedOut.requestId} Task timed out after 1\\.\\d\\d seconds$`)),
  );
  expect(late.at(-1)).toMatch(/\tStatus: timeout\t$/);
});
