import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'node_modules' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });

export const importsOf = (file: string) => ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;

/** Each module under `dir` and the modules of `dir` it imports, resolved as tsc resolves them (relative paths and package.json "imports"). */
export const importGraph = (dir: string): Map<string, string[]> => {
  const tsconfig = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path)).config as object;
  const { options } = ts.parseJsonConfigFileContent(tsconfig, ts.sys, ROOT);
  const files = sources(dir);
  return new Map(
    files.map((file) => {
      const resolved = importsOf(file).map(
        ({ fileName }) => ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName,
      );
      return [file, resolved.filter((path): path is string => path !== undefined && files.includes(path))];
    }),
  );
};

/** The cycles a depth-first walk meets (each back edge closes one), as `a -> b -> a` paths relative to the root. */
export const cyclesOf = (graph: Map<string, string[]>): string[] => {
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
