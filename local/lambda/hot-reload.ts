import { type BuildContext, context as esbuildContext, type Message } from 'esbuild';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { shortName } from '../cloudformation/template';
import type { LambdaRuntime } from './runtime';
import type { FunctionSpec } from './specs';

/** The source files a bundle was built from, as its source map lists them (absolute, outside node_modules). */
const sourcesOfBundle = (entry: string): string[] => {
  const mapFile = `${entry}.map`;
  if (!existsSync(mapFile)) return [];
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources?: string[]; sourceRoot?: string };
  const root = resolve(dirname(mapFile), map.sourceRoot ?? '');
  return (map.sources ?? []).map((source) => resolve(root, source)).filter((source) => !source.includes(`${'/'}node_modules${'/'}`));
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
 * gives. A bundle that builds is deployed to the runtime at once (see LambdaRuntime.replaceCode); one
 * that fails prints esbuild's errors and the old code keeps serving.
 */
export class HotReload {
  /** Each function's source files, absolute; read from the bundles' source maps when first needed. */
  private inputs?: Map<string, Set<string>>;
  private readonly contexts = new Map<string, BuildContext>();
  private generation = 0;
  /** Each function's last two published builds: the one serving, and the one busy environments may still run. */
  private readonly published = new Map<string, string[]>();
  /** One reload at a time: changes that arrive meanwhile are taken by the next. */
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runtime: LambdaRuntime,
    private readonly outDir: string,
    private readonly log: (line: string) => void,
  ) {
    rmSync(outDir, { recursive: true, force: true });
  }

  private inputsOf(): Map<string, Set<string>> {
    this.inputs ??= new Map(this.runtime.functions.filter((fn) => fn.build).map((fn) => [fn.name, new Set(sourcesOfBundle(fn.entry))]));
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
    const outcomes = await Promise.all(functions.map((fn) => this.rebuild(fn, generation)));
    const reloaded = functions.filter((_, i) => outcomes[i]).map((fn) => shortName(fn.logicalId));
    const failed = functions.filter((_, i) => !outcomes[i]).map((fn) => shortName(fn.logicalId));
    return { reloaded, failed, ms: performance.now() - started };
  }

  private async rebuild(fn: FunctionSpec, generation: number): Promise<boolean> {
    const build = fn.build!;
    let context = this.contexts.get(fn.name);
    if (!context) {
      context = await esbuildContext({
        entryPoints: build.entryPoints,
        bundle: true,
        platform: 'node',
        target: build.target,
        format: build.format,
        minify: build.minify,
        sourcemap: build.sourcemap,
        external: build.external,
        // Each build is written to a folder of its own: a busy environment's module stays as it was loaded.
        outdir: join(this.outDir, fn.logicalId, 'current'),
        entryNames: 'index',
        metafile: true,
        logLevel: 'silent',
      });
      this.contexts.set(fn.name, context);
    }
    try {
      const result = await context.rebuild();
      const inputs = Object.keys(result.metafile?.inputs ?? {}).map((input) => resolve(input)).filter((input) => !input.includes('/node_modules/'));
      this.inputsOf().set(fn.name, new Set(inputs));
      this.runtime.replaceCode(fn.name, this.publish(fn, generation));
      return true;
    } catch (error) {
      const errors = (error as { errors?: Message[] }).errors ?? [];
      const where = (m: Message) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '');
      this.log(`hot reload: ${shortName(fn.logicalId)} did not build, its old code keeps serving:\n${errors.map((m) => `  ${where(m)}${m.text}`).join('\n') || `  ${(error as Error).message}`}`);
      return false;
    }
  }

  /**
   * Moves the build out of the context's folder into a folder of this generation's, where it stays while
   * in use: the next rebuild cannot overwrite what a worker has yet to read (its source map). The
   * generation before last is removed: no environment runs it any more.
   */
  private publish(fn: FunctionSpec, generation: number): string {
    const dir = join(this.outDir, fn.logicalId);
    const published = join(dir, String(generation));
    renameSync(join(dir, 'current'), published);
    const previous = this.published.get(fn.name) ?? [];
    for (const old of previous.slice(0, -1)) rmSync(old, { recursive: true, force: true });
    this.published.set(fn.name, [...previous.slice(-1), published]);
    return join(published, 'index.js');
  }

  async stop(): Promise<void> {
    await this.running;
    await Promise.all([...this.contexts.values()].map((context) => context.dispose()));
    this.contexts.clear();
  }
}
