import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import type { FunctionSpec } from '../../../local/lambda/specs';
import { match } from '../../support/matchers';

// The worker-thread Lambda runtime, on small handlers written for each case.

const dir = mkdtempSync(join(tmpdir(), 'runtime-test-'));
const handlerFile = (name: string, source: string) => {
  const entry = join(dir, `${name}.js`);
  writeFileSync(entry, source);
  return entry;
};

const spec = (name: string, source: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
  logicalId: `${name}0123ABCD`,
  name,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  entry: handlerFile(name, source),
  exportName: 'handler',
  handler: `${name}.handler`,
  timeoutSeconds: 3,
  memorySize: 128,
  environment: {},
  ...overrides,
});

const runtimes: LambdaRuntime[] = [];
const start = (functions: FunctionSpec[], options = {}) => {
  const runtime = new LambdaRuntime(functions, options);
  runtimes.push(runtime);
  return runtime;
};
afterAll(() => Promise.all(runtimes.map((r) => r.stop(0))));

test('returns the handler result as JSON, with its own environment and a Lambda context', async () => {
  const runtime = start([
    spec(
      'echo',
      `exports.handler = async (event, context) => ({ event, greeting: process.env.GREETING, name: context.functionName, remaining: context.getRemainingTimeInMillis() > 0, at: new Date(0), gone: undefined });`,
      { environment: { GREETING: 'hello' } },
    ),
  ]);

  const result = await runtime.invoke('echo', { a: 1 });

  expect(result.functionError).toBeUndefined();
  expect(result.payload).toEqual({
    event: { a: 1 },
    greeting: 'hello',
    name: 'echo',
    remaining: true,
    at: '1970-01-01T00:00:00.000Z',
  });
});

test('a thrown error comes back in the shape Lambda reports, its name as errorType', async () => {
  const runtime = start([
    spec(
      'thrower',
      `class PaymentDeclined extends Error { name = 'PaymentDeclined' }; exports.handler = async () => { throw new PaymentDeclined('no money'); };`,
    ),
  ]);

  const result = await runtime.invoke('arn:aws:lambda:us-east-1:000000000000:function:thrower', {});

  expect(result.functionError).toBe('Unhandled');
  expect(result.payload).toMatchObject({
    errorType: 'PaymentDeclined',
    errorMessage: 'no money',
    trace: match.any(Array),
  });
});

test('a warm worker is reused: module state survives between invocations', async () => {
  const runtime = start([spec('counter', `let n = 0; exports.handler = async () => ++n;`)]);

  const results = [];
  for (let i = 0; i < 3; i++) results.push((await runtime.invoke('counter', {})).payload);

  expect(results).toEqual([1, 2, 3]);
  expect(runtime.stats().workers).toBe(1);
});

test('concurrent invocations scale out to more workers, up to the limit, then queue', async () => {
  const runtime = start(
    [
      spec(
        'slow',
        `const id = Math.random(); exports.handler = async () => { await new Promise((r) => setTimeout(r, 300)); return id; };`,
      ),
    ],
    { defaultConcurrency: 2 },
  );

  const results = await Promise.all(Array.from({ length: 4 }, () => runtime.invoke('slow', {})));

  expect(new Set(results.map((r) => r.payload)).size).toBe(2);
  expect(runtime.stats().workers).toBe(2);
});

test('the timeout ends the worker with Sandbox.Timedout; the next invocation starts cold', async () => {
  const runtime = start([
    spec(
      'sleepy',
      `let calls = 0; exports.handler = async (event) => { calls++; if (event.hang) await new Promise(() => setInterval(() => {}, 1000)); return calls; };`,
      { timeoutSeconds: 1 },
    ),
  ]);

  const hung = await runtime.invoke('sleepy', { hang: true });
  const next = await runtime.invoke('sleepy', {});

  expect(hung.functionError).toBe('Unhandled');
  expect(hung.payload).toMatchObject({
    errorType: 'Sandbox.Timedout',
    errorMessage: match.stringContaining('Task timed out after 1.00 seconds'),
  });
  expect(next.payload).toBe(1);
});

test('a module that fails to load reports Runtime.ImportModuleError', async () => {
  const runtime = start([spec('broken', `throw new Error('boom at init');`)]);

  const result = await runtime.invoke('broken', {});

  expect(result.functionError).toBe('Unhandled');
  expect(result.payload).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: 'boom at init' });
});

test('output is captured per function and request', async () => {
  const lines: { fn: string; requestId?: string; text: string }[] = [];
  const runtime = start(
    [spec('talker', `exports.handler = async () => { console.log('hello from talker'); return 1; };`)],
    {
      onOutput: ({ fn, requestId, text }: { fn: FunctionSpec; requestId?: string; text: string }) =>
        lines.push({ fn: fn.name, requestId, text }),
    },
  );

  const result = await runtime.invoke('talker', {});

  expect(lines).toContainEqual({
    fn: 'talker',
    requestId: result.requestId,
    text: match.stringContaining('hello from talker'),
  });
});

test('an unknown function is ResourceNotFoundException', async () => {
  const runtime = start([]);
  await expect(runtime.invoke('nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
});
