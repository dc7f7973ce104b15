import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { bundledInputs } from '../../web/build';

// The web apps' modules: no import cycles (type-only imports count too), so that each module can be
// read, moved and tested on its own; and nothing of the server in the bundles but the
// dependency-free modules the apps share with it.

const ROOT = join(__dirname, '..', '..');
const WEB = join(ROOT, 'web');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });

const importsOf = (file: string) => ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;

/** Each web module and the web modules it imports, resolved as tsc resolves them (relative paths and package.json "imports"). */
const importGraph = (): Map<string, string[]> => {
  const tsconfig = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path)).config as object;
  const { options } = ts.parseJsonConfigFileContent(tsconfig, ts.sys, ROOT);
  const files = sources(WEB);
  return new Map(
    files.map((file) => {
      const resolved = importsOf(file).map(({ fileName }) => ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName);
      return [file, resolved.filter((path): path is string => path !== undefined && files.includes(path))];
    }),
  );
};

/** The cycles a depth-first walk meets (each back edge closes one), as `a -> b -> a` paths relative to the root. */
const cyclesOf = (graph: Map<string, string[]>): string[] => {
  const done = new Set<string>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    for (const next of graph.get(file) ?? []) {
      const start = path.indexOf(next);
      if (start >= 0) cycles.push([...path.slice(start), next].map((p) => relative(ROOT, p)).join(' -> '));
      else if (!done.has(next)) visit(next, [...path, next]);
    }
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file, [file]);
  return cycles;
};

describe('the web modules', () => {
  test('import one another without a cycle', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(40);
    expect(cyclesOf(graph)).toEqual([]);
  });

  test('the cycle check finds a cycle when there is one', () => {
    const graph = new Map([['/a.ts', ['/b.ts']], ['/b.ts', ['/c.ts']], ['/c.ts', ['/a.ts']], ['/d.ts', ['/a.ts']]]);
    expect(cyclesOf(graph)).toHaveLength(1);
  });
});

describe('the web bundles', () => {
  /** Each bundle's inputs that are neither the web apps' own nor a package's. */
  let foreign: Record<string, string[]>;
  beforeAll(async () => {
    const inputs = await bundledInputs();
    foreign = Object.fromEntries(
      Object.entries(inputs).map(([bundle, paths]) => [bundle, paths.filter((path) => !path.includes('/node_modules/') && !path.startsWith(`${WEB}/`)).map((path) => relative(ROOT, path))]),
    );
  });

  test('take nothing of the services or the local cloud but the order statuses (the console takes its types only)', () => {
    expect(foreign).toEqual({ 'main.js': ['functions/order/status.ts'], 'console/main.js': [] });
  });

  test.each(['functions/order/status.ts', 'local/chaos/rules.ts'])('%s, which the apps share with the server, imports nothing', (file) => {
    expect(importsOf(join(ROOT, file))).toEqual([]);
  });
});
