import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HotReload } from '../../../local/lambda/hot-reload';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import type { FunctionSpec } from '../../../local/lambda/specs';

// Hot reload on the worker-thread runtime: sources in a temporary folder, bundled by esbuild as the
// template's esbuild metadata says, edited while the function serves.

const dir = mkdtempSync(join(tmpdir(), 'hot-reload-test-'));
const src = join(dir, 'src');
mkdirSync(src);
const write = (file: string, source: string) => writeFileSync(join(src, file), source);

/** A function built from src/<name>.ts, its first bundle built by the same HotReload (as a synth would). */
const spec = (name: string): FunctionSpec => ({
  logicalId: `${name}0123ABCD`,
  name,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  entry: join(dir, 'none.js'),
  exportName: 'handler',
  handler: 'index.handler',
  timeoutSeconds: 5,
  memorySize: 128,
  environment: {},
  build: {
    entryPoints: [join(src, `${name}.ts`)],
    minify: false,
    sourcemap: true,
    target: 'node20',
    format: 'cjs',
    external: [],
  },
});

let runtime: LambdaRuntime;
let reload: HotReload;
const logged: string[] = [];

beforeAll(async () => {
  write('words.ts', `export const word = 'one';\n`);
  write('greet.ts', `import { word } from './words';\nexport const handler = async () => word;\n`);
  write(
    'slow.ts',
    `export const handler = async (event: { ms: number }) => { await new Promise((r) => setTimeout(r, event.ms)); return 'old'; };\n`,
  );
  write('alone.ts', `export const handler = async () => 'alone';\n`);
  write('shared.ts', `export const version = 1;\n`);
  for (const name of ['first', 'second', 'third'])
    write(
      `${name}.ts`,
      `import { version } from './shared';\nexport const handler = async () => \`${name} \${version}\`;\n`,
    );
  runtime = new LambdaRuntime(['greet', 'slow', 'alone', 'first', 'second', 'third'].map(spec));
  reload = new HotReload(runtime, join(dir, 'builds'), (line) => logged.push(line));
  // The first build of each: what a synth would have bundled.
  await reload.build(runtime.functions.map((fn) => fn.name));
});

afterAll(async () => {
  await reload.stop();
  await runtime.stop(0);
  rmSync(dir, { recursive: true, force: true });
});

test('a change to a module rebuilds only the bundles that import it, and the next invocation runs the new code', async () => {
  expect((await runtime.invoke('greet', {})).payload).toBe('one');
  write('words.ts', `export const word = 'two';\n`);

  const outcome = await reload.changed([join(src, 'words.ts')]);

  expect(outcome).toMatchObject({ reloaded: ['greet'], failed: [] });
  expect((await runtime.invoke('greet', {})).payload).toBe('two');
  expect((await runtime.invoke('alone', {})).payload).toBe('alone');
});

test('an invocation under way finishes on the old code; the one after it runs the new', async () => {
  const underWay = runtime.invoke('slow', { ms: 700 });
  write('slow.ts', `export const handler = async () => 'new';\n`);

  await reload.changed([join(src, 'slow.ts')]);
  const next = await runtime.invoke('slow', { ms: 0 });

  expect(next.payload).toBe('new');
  expect((await underWay).payload).toBe('old');
  expect((await runtime.invoke('slow', { ms: 0 })).payload).toBe('new');
});

test('a build error is printed with its place, and the old code keeps serving', async () => {
  write('greet.ts', `import { word } from './words';\nexport const handler = async () => word +;\n`);

  const outcome = await reload.changed([join(src, 'greet.ts')]);

  expect(outcome).toMatchObject({ reloaded: [], failed: ['greet'] });
  expect(logged.at(-1)).toMatch(/greet did not build, its old code keeps serving:\n {2}\S*greet\.ts:2:\d+: /);
  expect((await runtime.invoke('greet', {})).payload).toBe('two');

  write('greet.ts', `import { word } from './words';\nexport const handler = async () => word + '!';\n`);
  expect(await reload.changed([join(src, 'greet.ts')])).toMatchObject({ reloaded: ['greet'] });
  expect((await runtime.invoke('greet', {})).payload).toBe('two!');
});

test('a module several functions share is rebuilt for all of them at once, and a build error there keeps every one on its old code', async () => {
  expect(
    (await Promise.all(['first', 'second', 'third'].map((name) => runtime.invoke(name, {})))).map((r) => r.payload),
  ).toEqual(['first 1', 'second 1', 'third 1']);
  write('shared.ts', `export const version = 2;\n`);

  const outcome = await reload.changed([join(src, 'shared.ts')]);

  expect(outcome).toMatchObject({ reloaded: ['first', 'second', 'third'], failed: [] });
  expect(
    (await Promise.all(['first', 'second', 'third'].map((name) => runtime.invoke(name, {})))).map((r) => r.payload),
  ).toEqual(['first 2', 'second 2', 'third 2']);

  write('shared.ts', `export const version = ;\n`);
  expect(await reload.changed([join(src, 'shared.ts')])).toMatchObject({
    reloaded: [],
    failed: ['first', 'second', 'third'],
  });
  expect(logged.at(-1)).toMatch(
    /first, second, third did not build, their old code keeps serving:\n {2}\S*shared\.ts:1:\d+: /,
  );
  expect((await runtime.invoke('second', {})).payload).toBe('second 2');
});

test('a cold start under way when the code changes twice still loads the build it was given', async () => {
  // A cold worker starts on the build of now; two reloads follow before it has loaded it.
  write('alone.ts', `export const handler = async () => 'alone, 1';\n`);
  await reload.changed([join(src, 'alone.ts')]);
  const cold = runtime.invoke('alone', {});
  write('alone.ts', `export const handler = async () => 'alone, 2';\n`);
  await reload.changed([join(src, 'alone.ts')]);
  write('alone.ts', `export const handler = async () => 'alone, 3';\n`);
  await reload.changed([join(src, 'alone.ts')]);

  const answered = await cold;

  expect(answered.functionError).toBeUndefined();
  expect(answered.payload).toBe('alone, 1');
  expect((await runtime.invoke('alone', {})).payload).toBe('alone, 3');
});

test('a file no bundle includes rebuilds nothing', async () => {
  write('unused.ts', `export const nothing = 1;\n`);

  expect(await reload.changed([join(src, 'unused.ts')])).toMatchObject({ reloaded: [], failed: [] });
});
