import { join, resolve } from 'node:path';

/** Where Lambda puts a function's code, which `NODE_OPTIONS` may name (`--require /var/task/…`). */
const LAMBDA_TASK_ROOT = '/var/task';

const isRequire = (word: string) => word === '--require' || word === '-r';
const inlineRequire = (word: string) => /^(?:--require|-r)=(.+)$/.exec(word)?.[1];

/**
 * `NODE_OPTIONS` without its `--require`s, for the worker's environment: a worker thread reads
 * NODE_OPTIONS from the environment it is given, and would load them itself, `/var/task` paths and all,
 * before the worker's code (see preloadsOf, which the worker loads instead).
 */
export const withoutPreloads = (nodeOptions: string): string => {
  const words = nodeOptions.split(/\s+/).filter(Boolean);
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (isRequire(words[i]!)) i++;
    else if (!inlineRequire(words[i]!)) kept.push(words[i]!);
  }
  return kept.join(' ');
};

/**
 * The modules `NODE_OPTIONS` asks Node to load before the handler (`--require X`, `-r X`, `--require=X`),
 * as Lambda's runtime loads them: a path under `/var/task` or a relative one is read in the function's
 * own folder (its task root here), a package name is left to `require`.
 */
export const preloadsOf = (nodeOptions: string | undefined, taskRoot: string): string[] => {
  const words = (nodeOptions ?? '').split(/\s+/).filter(Boolean);
  const modules: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const inline = inlineRequire(word);
    const next = isRequire(word) ? words[++i] : undefined;
    const module = inline ?? next;
    if (module) modules.push(locate(module, taskRoot));
  }
  return modules;
};

const locate = (module: string, taskRoot: string): string => {
  if (module === LAMBDA_TASK_ROOT || module.startsWith(`${LAMBDA_TASK_ROOT}/`))
    return join(taskRoot, module.slice(LAMBDA_TASK_ROOT.length));
  if (module.startsWith('./') || module.startsWith('../')) return resolve(taskRoot, module);
  return module;
};
