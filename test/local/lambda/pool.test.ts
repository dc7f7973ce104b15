import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPARE_AFTER_MS } from '../../../local/lambda/pool';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import type { FunctionSpec } from '../../../local/lambda/specs';

// The runtime's worker budget: a cap on worker threads, all functions together, that never deadlocks.

const dir = mkdtempSync(join(tmpdir(), 'budget-test-'));
const spec = (name: string, source: string): FunctionSpec => {
  const entry = join(dir, `${name}.js`);
  writeFileSync(entry, source);
  return {
    logicalId: `${name}0123ABCD`,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    entry,
    exportName: 'handler',
    handler: `${name}.handler`,
    timeoutSeconds: 5,
    memorySize: 128,
    environment: {},
  };
};
const slow = (name: string) =>
  spec(name, `exports.handler = async () => { await new Promise((r) => setTimeout(r, 100)); return '${name}'; };`);

const runtimes: LambdaRuntime[] = [];
afterAll(() => Promise.all(runtimes.map((r) => r.stop(0))));

test('many functions at once share the cap: never more workers than allowed, and every invocation is answered', async () => {
  const runtime = new LambdaRuntime(['a', 'b', 'c', 'd'].map(slow), { maxWorkers: 3, defaultConcurrency: 2 });
  runtimes.push(runtime);
  let peak = 0;
  const watch = setInterval(() => (peak = Math.max(peak, runtime.stats().workers)), 5);

  const results = await Promise.all(Array.from({ length: 24 }, (_, i) => runtime.invoke('abcd'[i % 4]!, {})));
  clearInterval(watch);

  expect(results.map((r) => r.payload)).toEqual(Array.from({ length: 24 }, (_, i) => 'abcd'[i % 4]));
  expect(peak).toBeLessThanOrEqual(3);
  expect(runtime.stats().workers).toBeLessThanOrEqual(3);
});

test('an idle worker of one function gives up its place to another function that needs one', async () => {
  const runtime = new LambdaRuntime(['x', 'y'].map(slow), { maxWorkers: 1 });
  runtimes.push(runtime);

  const first = await runtime.invoke('x', {});
  const second = await runtime.invoke('y', {});
  const third = await runtime.invoke('x', {});

  expect([first.payload, second.payload, third.payload]).toEqual(['x', 'y', 'x']);
  expect(runtime.stats().workers).toBe(1);
});

test('the init phase does not count against the function timeout', async () => {
  // A module that takes 1.5 s to load, and a 1 s timeout: on Lambda the init has its own limit.
  const heavy = spec(
    'heavy',
    `const until = Date.now() + 1500; while (Date.now() < until); exports.handler = async () => 'ok';`,
  );
  const runtime = new LambdaRuntime([{ ...heavy, timeoutSeconds: 1 }]);
  runtimes.push(runtime);

  const result = await runtime.invoke('heavy', {});

  expect(result).toMatchObject({ payload: 'ok' });
  expect(result.functionError).toBeUndefined();
});

test('new code under a full budget: an invocation waiting for the function is still answered, on the new code', async () => {
  // One place in all: f's busy worker, g and f waiting behind it.
  const f = slow('f');
  const runtime = new LambdaRuntime([f, slow('g')], { maxWorkers: 1, defaultConcurrency: 1 });
  runtimes.push(runtime);
  const busy = runtime.invoke('f', {});
  await new Promise((resolve) => setTimeout(resolve, 20));
  const forG = runtime.invoke('g', {});
  const forF = runtime.invoke('f', {});
  const newEntry = join(dir, 'f-new.js');
  writeFileSync(newEntry, `exports.handler = async () => 'f, new code';`);

  runtime.update('f', { entry: newEntry });
  const answers = await Promise.all(
    [busy, forG, forF].map((call) =>
      Promise.race([
        call.then((r) => r.payload),
        new Promise((resolve) => setTimeout(() => resolve('no answer'), 5000)),
      ]),
    ),
  );

  expect(answers).toEqual(['f', 'g', 'f, new code']);
  expect(runtime.stats().workers).toBeLessThanOrEqual(1);
});

test('under a full budget, a function that scales out waits for its own worker rather than end one another function just used; a spare one it may end', async () => {
  const cold: string[] = [];
  const runtime = new LambdaRuntime(['x', 'y'].map(slow), {
    maxWorkers: 2,
    defaultConcurrency: 2,
    onReport: (report) => report.coldStart && cold.push(report.fn.name),
  });
  runtimes.push(runtime);
  await runtime.invoke('y', {}); // y's worker, idle from now on
  // Two at once for x: the first starts a worker in the free place; the second waits for it, and y's stays.
  await Promise.all([runtime.invoke('x', {}), runtime.invoke('x', {})]);
  await runtime.invoke('y', {});
  expect(cold).toEqual(['y', 'x']);

  // y's worker idle beyond SPARE_AFTER_MS is spare: x scales out into its place.
  await new Promise((resolve) => setTimeout(resolve, SPARE_AFTER_MS + 100));
  await Promise.all([runtime.invoke('x', {}), runtime.invoke('x', {})]);
  expect(cold).toEqual(['y', 'x', 'x']);
  expect(runtime.stats().workers).toBe(2);
});
