import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../../support/cloud-process';
import { projectCopy, type ProjectCopy } from '../../support/project-copy';
import { eventually } from '../../e2e/support';

// `npm start`'s watch, as a developer meets it: a local cloud started from a copy of the project,
// whose handler is edited while it serves. The catalogue (GET /products) is public: no token needed.

let copy: ProjectCopy;
let cloud: CloudProcess;
let handler: string;

beforeAll(async () => {
  copy = projectCopy();
  handler = join(copy.root, 'functions', 'warehouse', 'list-products.ts');
  cloud = await startCloudProcess('watch', ['--no-synth'], { root: copy.root, watch: true });
}, 300_000);

afterAll(async () => {
  await stopCloudProcess(cloud?.child);
  copy?.remove();
}, 60_000);

const names = async (): Promise<string[]> =>
  ((await (await fetch(`${cloud.api}/products`)).json()) as { name: string }[]).map((product) => product.name);
const log = () => readFileSync(cloud.logFile, 'utf8');

test('a handler edit is served by the next request, without a restart', async () => {
  const before = await names();
  const source = readFileSync(handler, 'utf8');
  expect(source).toContain('products.map(toView)');

  writeFileSync(
    handler,
    source.replace(
      'products.map(toView)',
      'products.map((product) => ({ ...toView(product), name: `Edited: ${product.name}` }))',
    ),
  );
  const after = await eventually(async () => {
    const now = await names();
    return now.every((name) => name.startsWith('Edited: ')) ? now : undefined;
  }, 'the edited handler to serve');

  expect(after).toEqual(before.map((name) => `Edited: ${name}`));
  expect(log()).toMatch(/hot reload: WarehouseListProducts rebuilt in \d+ ms/);
  expect(log()).not.toMatch(/Serverless Shop is ready[\s\S]*Serverless Shop is ready/);
}, 60_000);

test('a handler that does not build: the error is printed with its place, and the old code keeps serving', async () => {
  appendFileSync(handler, '\nexport const broken = ;\n');

  await eventually(
    () => Promise.resolve(/WarehouseListProducts did not build/.test(log()) ? true : undefined),
    'the build error to be printed',
  );

  expect(log()).toMatch(
    /WarehouseListProducts did not build, its old code keeps serving:\n {2}functions\/warehouse\/list-products\.ts:\d+:\d+: /,
  );
  expect((await names()).every((name) => name.startsWith('Edited: '))).toBe(true);
}, 60_000);
