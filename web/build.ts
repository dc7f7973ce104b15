import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

/** The web folder: one app per sub-folder, each an `index.html` beside a `main.tsx`. */
const WEB = __dirname;

/** The apps and where each is served: the shop at the root, the console under /console/. */
const APPS = [
  { name: 'shop', mount: '', assets: [] },
  // elkjs's layout engine runs in a Web Worker from its own prebuilt file: 1.6 MB that esbuild need not bundle.
  { name: 'console', mount: 'console/', assets: ['elkjs/lib/elk-worker.min.js'] },
] as const;

/** The built site: each file by its path below the root (`index.html`, `console/main.js` …). */
export type WebFiles = Map<string, Uint8Array>;

/** The apps whose sources exist (the console is built once `web/console/main.tsx` is there). */
const presentApps = (root: string) => APPS.filter(({ name }) => existsSync(join(root, name, 'main.tsx')));

/** esbuild's options for these apps: each app's `main.tsx` bundled for the browser, with Preact's JSX, minified, with a linked source map. */
const bundleOptions = (root: string, apps: readonly (typeof APPS)[number][]) =>
  ({
    entryPoints: Object.fromEntries(apps.map(({ name, mount }) => [`${mount}main`, join(root, name, 'main.tsx')])),
    outdir: '/',
    write: false,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    platform: 'browser',
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.svg': 'dataurl' },
    logLevel: 'silent',
    absWorkingDir: resolve(root, '..'),
    // Packages come from this project's node_modules, wherever the sources are.
    nodePaths: [join(WEB, '..', 'node_modules')],
  }) satisfies BuildOptions;

/**
 * Builds the web apps in memory with esbuild: each app's `main.tsx` bundled for the browser
 * (Preact's JSX, minified, with a linked source map) beside its `index.html`.
 */
export const buildWebFiles = async (root: string = WEB): Promise<WebFiles> => {
  const apps = presentApps(root);
  const files: WebFiles = new Map();
  if (apps.length === 0) return files;
  const result = await build(bundleOptions(root, apps));
  for (const file of result.outputFiles) files.set(file.path.replace(/^\//, ''), file.contents);
  for (const { name, mount, assets } of apps) {
    files.set(`${mount}index.html`, readFileSync(join(root, name, 'index.html')));
    for (const asset of assets)
      files.set(`${mount}${basename(asset)}`, readFileSync(join(WEB, '..', 'node_modules', asset)));
  }
  return files;
};

/**
 * The source files each app's bundle (`main.js`, `console/main.js`) takes, by absolute path, as
 * esbuild's metafile lists them: what a check that nothing of the server is bundled reads.
 */
export const bundledInputs = async (root: string = WEB): Promise<Record<string, string[]>> => {
  const apps = presentApps(root);
  if (apps.length === 0) return {};
  const options = bundleOptions(root, apps);
  const { metafile } = await build({ ...options, metafile: true });
  // The metafile's paths are relative to the working directory.
  const absolute = (path: string) => resolve(options.absWorkingDir, path);
  return Object.fromEntries(
    Object.entries(metafile.outputs)
      .filter(([path]) => path.endsWith('.js'))
      .map(([path, output]) => [absolute(path).replace(/^\//, ''), Object.keys(output.inputs).map(absolute).sort()]),
  );
};

/** Builds the web apps into `outDir` (emptied first), for deployment to any static host. */
export const buildWeb = async (outDir: string, root: string = WEB): Promise<string[]> => {
  const files = await buildWebFiles(root);
  rmSync(outDir, { recursive: true, force: true });
  for (const [path, contents] of files) {
    const target = join(outDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents);
  }
  return [...files.keys()].sort();
};

// `npm run build:web [-- <dir>]`: the static site, by default in web/dist.
if (require.main === module) {
  const outDir = resolve(process.argv[2] ?? join(WEB, 'dist'));
  const started = performance.now();
  buildWeb(outDir)
    .then((paths) =>
      process.stdout.write(
        `Built ${paths.length} files into ${outDir} in ${Math.round(performance.now() - started)} ms:\n  ${paths.join('\n  ')}\n`,
      ),
    )
    .catch((error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    });
}
