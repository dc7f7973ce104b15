import {
  type BuildContext,
  type BuildOptions,
  build as esbuild,
  context as esbuildContext,
  type Message,
} from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { shortName } from '../cloudformation/template';
import type { FunctionBuild, FunctionSpec } from './specs';
import type { LambdaRuntime } from './runtime';
import { preloadsOf } from './preload';

/** Up to this many functions to rebuild, each its own incremental build; more, one build for all. */
const INCREMENTAL_UP_TO = 2;

/** esbuild's options from the template's esbuild metadata. */
const esbuildOptions = (build: FunctionBuild) =>
  ({
    bundle: true,
    platform: 'node',
    target: build.target,
    format: build.format,
    minify: build.minify,
    sourcemap: build.sourcemap,
    external: build.external,
    metafile: true,
    logLevel: 'silent',
  }) satisfies BuildOptions;

/**
 * The files NODE_OPTIONS requires from the function's folder (the OpenTelemetry bootstrap), and their
 * source maps, copied beside a new build of the handler: a build holds the handler only.
 */
const carryPreloads = (fn: FunctionSpec, dir: string): void => {
  const oldRoot = dirname(fn.entry);
  for (const file of preloadsOf(fn.environment.NODE_OPTIONS, oldRoot)) {
    const inRoot = relative(oldRoot, file);
    if (inRoot.startsWith('..') || !existsSync(file)) continue;
    for (const copy of [inRoot, `${inRoot}.map`]) {
      if (!existsSync(join(oldRoot, copy))) continue;
      mkdirSync(dirname(join(dir, copy)), { recursive: true });
      copyFileSync(join(oldRoot, copy), join(dir, copy));
    }
  }
};

/** A bundle's own sources: absolute, packages (node_modules) left out. */
const ownSources = (paths: string[], base = process.cwd()): Set<string> =>
  new Set(paths.map((path) => resolve(base, path)).filter((path) => !path.includes('/node_modules/')));

/** The source files a bundle was built from, as its source map lists them. */
const sourcesOfBundle = (entry: string): Set<string> => {
  const mapFile = `${entry}.map`;
  if (!existsSync(mapFile)) return new Set();
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources?: string[]; sourceRoot?: string };
  return ownSources(map.sources ?? [], resolve(dirname(mapFile), map.sourceRoot ?? ''));
};

export interface Reload {
  /** The functions (logical ids without CDK's hash) rebuilt and now serving the new code. */
  reloaded: string[];
  /** The functions whose build failed: they keep serving their old code. */
  failed: string[];
  ms: number;
}

/**
 * Hot reload of the functions' code, as `sam sync --watch` does it against the cloud: a changed
 * source file rebuilds, with esbuild, only the bundles that include it (each bundle's inputs come from
 * its source map, then from esbuild's metafile), with the options the template's esbuild metadata
 * gives. A bundle that builds is deployed to the runtime at once (see LambdaRuntime.update); one
 * that fails prints esbuild's errors and the old code keeps serving.
 */
export class HotReload {
  /** Each function's source files, absolute; read from the bundles' source maps when first needed. */
  private inputs?: Map<string, Set<string>>;
  private readonly contexts = new Map<string, BuildContext>();
  private generation = 0;
  /** Each function's published builds: the one serving, and older ones that environments still run. */
  private readonly published = new Map<string, string[]>();
  /** One reload at a time: changes that arrive meanwhile are taken by the next. */
  private running: Promise<unknown> = Promise.resolve();

  /** Where builds go: absolute, as esbuild's metafile paths are compared with it. */
  private readonly outDir: string;

  constructor(
    private readonly runtime: LambdaRuntime,
    outDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.outDir = resolve(outDir);
    rmSync(this.outDir, { recursive: true, force: true });
  }

  private inputsOf(): Map<string, Set<string>> {
    this.inputs ??= new Map(
      this.runtime.functions.filter((fn) => fn.build).map((fn) => [fn.name, sourcesOfBundle(fn.entry)]),
    );
    return this.inputs;
  }

  /** The functions whose bundle includes any of the files. */
  affected(files: string[]): FunctionSpec[] {
    const changed = files.map((file) => resolve(file));
    const inputs = this.inputsOf();
    return this.runtime.functions.filter((fn) => fn.build && changed.some((file) => inputs.get(fn.name)?.has(file)));
  }

  /** Rebuilds and deploys the functions that include the changed files. */
  changed(files: string[]): Promise<Reload> {
    return this.serially(() => this.affected(files));
  }

  /** Rebuilds and deploys the named functions, whatever changed. */
  build(names: string[]): Promise<Reload> {
    return this.serially(() => this.runtime.functions.filter((fn) => fn.build && names.includes(fn.name)));
  }

  private serially(which: () => FunctionSpec[]): Promise<Reload> {
    const next = this.running.then(() => this.rebuildAll(which()));
    this.running = next.catch(() => undefined);
    return next;
  }

  private async rebuildAll(functions: FunctionSpec[]): Promise<Reload> {
    const started = performance.now();
    const generation = ++this.generation;
    // One function: its own incremental context. Several (a module they share): one build for each set
    // of options, where esbuild parses the shared modules once for all of them.
    const outcomes =
      functions.length <= INCREMENTAL_UP_TO
        ? await Promise.all(functions.map((fn) => this.rebuildOne(fn, generation)))
        : await this.rebuildTogether(functions, generation);
    const reloaded = functions.filter((_, i) => outcomes[i]).map((fn) => shortName(fn.logicalId));
    const failed = functions.filter((_, i) => !outcomes[i]).map((fn) => shortName(fn.logicalId));
    return { reloaded, failed, ms: performance.now() - started };
  }

  private async rebuildOne(fn: FunctionSpec, generation: number): Promise<boolean> {
    let context = this.contexts.get(fn.name);
    // Each build goes to a folder of its own (see deploy): a busy environment's module stays as it was loaded.
    context ??= await esbuildContext({
      ...esbuildOptions(fn.build!),
      entryPoints: fn.build!.entryPoints,
      outdir: join(this.outDir, fn.logicalId, 'current'),
      entryNames: 'index',
    });
    this.contexts.set(fn.name, context);
    try {
      const result = await context.rebuild();
      const dir = join(this.outDir, fn.logicalId, String(generation));
      renameSync(join(this.outDir, fn.logicalId, 'current'), dir);
      this.deploy(fn, dir, Object.keys(result.metafile?.inputs ?? {}));
      return true;
    } catch (error) {
      this.failedToBuild([fn], error);
      return false;
    }
  }

  private async rebuildTogether(functions: FunctionSpec[], generation: number): Promise<boolean[]> {
    const groups = new Map<string, FunctionSpec[]>();
    for (const fn of functions) {
      const key = JSON.stringify({ ...fn.build, entryPoints: undefined });
      groups.set(key, [...(groups.get(key) ?? []), fn]);
    }
    const built = new Set<FunctionSpec>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const entry = (fn: FunctionSpec) => `${fn.logicalId}/${generation}/index`;
        try {
          const result = await esbuild({
            ...esbuildOptions(group[0]!.build!),
            entryPoints: Object.fromEntries(group.map((fn) => [entry(fn), fn.build!.entryPoints[0]!])),
            outdir: this.outDir,
          });
          const outputs = result.metafile.outputs;
          for (const fn of group) {
            const output = Object.entries(outputs).find(
              ([path]) => resolve(path) === join(this.outDir, `${entry(fn)}.js`),
            )?.[1];
            this.deploy(fn, join(this.outDir, fn.logicalId, String(generation)), Object.keys(output?.inputs ?? {}));
            built.add(fn);
          }
        } catch (error) {
          this.failedToBuild(group, error);
        }
      }),
    );
    return functions.map((fn) => built.has(fn));
  }

  /**
   * The new bundle in `dir` serves the function's next invocations (see LambdaRuntime.update). An
   * earlier build stays while an environment runs it, or has yet to load it (a cold start under way): it
   * is removed once none does, at this deploy or a later one.
   */
  private deploy(fn: FunctionSpec, dir: string, inputs: string[]): void {
    // esbuild's metafile paths are relative to the working directory.
    this.inputsOf().set(fn.name, ownSources(inputs));
    carryPreloads(this.runtime.find(fn.name) ?? fn, dir);
    this.runtime.update(fn.name, { entry: join(dir, 'index.js') });
    const inUse = this.runtime.entriesInUse(fn.name);
    const kept = (this.published.get(fn.name) ?? []).filter((old) => {
      if (inUse.has(join(old, 'index.js'))) return true;
      rmSync(old, { recursive: true, force: true });
      return false;
    });
    this.published.set(fn.name, [...kept, dir]);
  }

  private failedToBuild(functions: FunctionSpec[], error: unknown): void {
    const errors = (error as { errors?: Message[] }).errors ?? [];
    const where = (m: Message) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '');
    const names = functions.map((fn) => shortName(fn.logicalId)).join(', ');
    this.log(
      `hot reload: ${names} did not build, ${functions.length > 1 ? 'their' : 'its'} old code keeps serving:\n${errors.map((m) => `  ${where(m)}${m.text}`).join('\n') || `  ${(error as Error).message}`}`,
    );
  }

  async stop(): Promise<void> {
    await this.running;
    await Promise.all([...this.contexts.values()].map((context) => context.dispose()));
    this.contexts.clear();
  }
}
