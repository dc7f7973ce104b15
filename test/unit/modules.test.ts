import { join, relative } from 'node:path';
import { bundledInputs } from '../../web/build';
import { cyclesOf, importGraph, importsOf } from '../support/imports';

// The web apps' modules: no import cycles (type-only imports count too), so that each module can be
// read, moved and tested on its own; and nothing of the server in the bundles but the
// dependency-free modules the apps share with it.

const ROOT = join(__dirname, '..', '..');
const WEB = join(ROOT, 'web');

describe.each([
  ['the web modules', WEB, 40],
  ['the local cloud', join(ROOT, 'local'), 80],
  ['the functions', join(ROOT, 'functions'), 40],
])('%s', (_name, dir, size) => {
  test('import one another without a cycle', () => {
    const graph = importGraph(dir);
    expect(graph.size).toBeGreaterThan(size);
    expect(cyclesOf(graph)).toEqual([]);
  });

  test('the cycle check finds a cycle when there is one', () => {
    const graph = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.ts']],
      ['/c.ts', ['/a.ts']],
      ['/d.ts', ['/a.ts']],
    ]);
    expect(cyclesOf(graph)).toHaveLength(1);
  });
});

describe('the web bundles', () => {
  /** Each bundle's inputs that are neither the web apps' own nor a package's. */
  let foreign: Record<string, string[]>;
  beforeAll(async () => {
    const inputs = await bundledInputs();
    foreign = Object.fromEntries(
      Object.entries(inputs).map(([bundle, paths]) => [
        bundle,
        paths
          .filter((path) => !path.includes('/node_modules/') && !path.startsWith(`${WEB}/`))
          .map((path) => relative(ROOT, path)),
      ]),
    );
  });

  test('take nothing of the services or the local cloud but the order statuses (the console takes its types only)', () => {
    expect(foreign).toEqual({ 'main.js': ['functions/order/status.ts'], 'console/main.js': [] });
  });

  test.each(['functions/order/status.ts', 'local/chaos/rules.ts'])(
    '%s, which the apps share with the server, imports nothing',
    (file) => {
      expect(importsOf(join(ROOT, file))).toEqual([]);
    },
  );
});
