import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SYNTH_TIMEOUT_MS = 120_000;

const newestChange = (root: string, paths: string[]): number => {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach((path) => visit(join(root, path)));
  return newest;
};

// CDK bundles each function with `npx --no-install esbuild`: npm is kept offline (esbuild is local).
const SYNTH_ARGS = [require.resolve('aws-cdk/bin/cdk'), 'synth', '--quiet', '--no-notices'];
const synthOptions = (root: string) => ({
  cwd: root,
  env: {
    ...process.env,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
  },
  timeout: SYNTH_TIMEOUT_MS,
  killSignal: 'SIGKILL' as const,
});

/**
 * A synth while the cloud keeps serving (the watch's, after a change of the stack): its output comes
 * back, to be printed, rather than going to the terminal as it comes.
 */
export const synthesize = (root: string): Promise<{ ok: boolean; output: string; ms: number }> =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, SYNTH_ARGS, { ...synthOptions(root), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) =>
      resolve({ ok: false, output: `${output}${error.message}`, ms: performance.now() - started }),
    );
    child.on('close', (code) => resolve({ ok: code === 0, output, ms: performance.now() - started }));
  });

/** The stack's template, synthesized first when it is missing or older than the sources. */
export const ensureTemplate = (
  root: string,
  options: { synth: 'always' | 'when-stale' | 'never'; fail: (message: string) => never },
): { templatePath: string; stackName: string } => {
  const { fail } = options;
  const outDir = join(root, 'cdk.out');
  const find = () => (existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.template.json')) : []);
  let templates = find();
  const templateAge = templates.length ? statSync(join(outDir, templates[0]!)).mtimeMs : 0;
  const stale =
    newestChange(root, ['functions', 'stacks', 'statemachines', 'cdk.json', 'package-lock.json']) > templateAge;
  if (templates.length === 0 || options.synth === 'always' || (stale && options.synth === 'when-stale')) {
    process.stdout.write(
      templates.length
        ? 'The sources changed since the last synth: synthesizing the stack…\n'
        : 'Synthesizing the stack…\n',
    );
    // Its output is shown as it comes. A synth that hangs is stopped and tried once more.
    const runSynth = () =>
      spawnSync(process.execPath, SYNTH_ARGS, { ...synthOptions(root), stdio: ['ignore', 'inherit', 'inherit'] });
    let synth = runSynth();
    if (synth.error) {
      process.stdout.write(`cdk synth did not finish (${synth.error.message}): trying once more…\n`);
      synth = runSynth();
    }
    if (synth.error) fail(`cdk synth did not finish: ${synth.error.message}`);
    if (synth.status !== 0) fail(`cdk synth failed (exit ${synth.status}): see its output above`);
    templates = find();
  }
  if (templates.length !== 1) fail(`Expected one stack template in cdk.out, found ${templates.length}`);
  return { templatePath: join(outDir, templates[0]!), stackName: templates[0]!.replace(/\.template\.json$/, '') };
};
