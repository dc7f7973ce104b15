import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureTemplate } from '../../local/synth';

const ROOT = resolve(__dirname, '..', '..');

/** What `npm start` runs from: copied, so that a test may edit it. */
const COPIED = ['local', 'functions', 'demo', 'scripts', 'keycloak', 'web', 'package.json', 'tsconfig.json'];
/** What a synth reads and writes, for a copy whose stack changes. */
const STACK = ['stacks', 'statemachines', 'cdk.json', 'package-lock.json', 'cdk.out'];

export interface ProjectCopy {
  root: string;
  remove(): void;
}

/**
 * A temporary copy of the project to run the local cloud from (`startCloudProcess(…, { root })`) and
 * edit its sources while it runs. node_modules and the synthesized template (made current first) are
 * links to this checkout's: the bundles' source maps name `../../functions/…`, which resolves in the copy.
 * `stack`: the stack's sources and the template are copied too, for a copy that synthesizes.
 */
export const projectCopy = (options: { stack?: boolean } = {}): ProjectCopy => {
  ensureTemplate(ROOT, {
    synth: 'when-stale',
    fail: (message) => {
      throw new Error(message);
    },
  });
  const root = mkdtempSync(join(tmpdir(), 'shop-copy-'));
  // With the stack's sources, the copy synthesizes into a cdk.out of its own.
  for (const path of [...COPIED, ...(options.stack ? STACK : [])])
    cpSync(join(ROOT, path), join(root, path), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  if (!options.stack) symlinkSync(join(ROOT, 'cdk.out'), join(root, 'cdk.out'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
};
