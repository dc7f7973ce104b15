import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCloudProcess, stopCloudProcess } from '../test/support/cloud-process';
import { projectCopy } from '../test/support/project-copy';
import { median, round1 } from './lib/stats';

export interface ReloadFigure {
  rounds: number;
  /** A handler edited: from the file written to the first response of the new code (its cold start included). */
  handlerToServedMs: number;
  /** A module every function takes (functions/shared/config.ts) touched: the rebuild of every bundle, as the cloud logs it. */
  sharedRebuildMs: number;
  sharedFunctions: number;
}

const until = async <T>(check: () => Promise<T | undefined>, deadlineMs = 10_000): Promise<T> => {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the reload was not seen in time');
};

/**
 * Hot reload, on a local cloud started from a copy of the project: a handler edited `rounds` times
 * (the catalogue's, GET /products), and the module every function takes touched as many times.
 */
export const measureReload = async (rounds: number): Promise<ReloadFigure> => {
  const copy = projectCopy();
  const cloud = await startCloudProcess('bench-reload', ['--no-synth'], { root: copy.root, watch: true });
  try {
    const handler = join(copy.root, 'functions', 'warehouse', 'list-products.ts');
    const original = readFileSync(handler, 'utf8');
    const firstName = async () =>
      ((await (await fetch(`${cloud.api}/products`)).json()) as { name: string }[])[0]?.name ?? '';
    await firstName();
    const served: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const mark = `(edit ${round})`;
      const started = performance.now();
      writeFileSync(
        handler,
        original.replace(
          'products.map(toView)',
          `products.map((product) => ({ ...toView(product), name: \`\${product.name} ${mark}\` }))`,
        ),
      );
      await until(async () => ((await firstName()).endsWith(mark) ? true : undefined));
      served.push(performance.now() - started);
    }
    const shared = join(copy.root, 'functions', 'shared', 'config.ts');
    const rebuilds: { ms: number; functions: number }[] = [];
    const log = () => readFileSync(cloud.logFile, 'utf8');
    for (let round = 1; round <= rounds; round++) {
      const seen = (log().match(/hot reload: .* rebuilt in/g) ?? []).length;
      appendFileSync(shared, `\n// touched ${round}\n`);
      const line = await until(() => Promise.resolve(log().match(/hot reload: .* rebuilt in \d+ ms/g)?.[seen]));
      const more = Number(/and (\d+) more/.exec(line)?.[1] ?? 0);
      rebuilds.push({
        ms: Number(/rebuilt in (\d+) ms/.exec(line)![1]),
        functions: (more ? 4 : line.split(',').length) + more,
      });
    }
    return {
      rounds,
      handlerToServedMs: round1(median(served)),
      sharedRebuildMs: round1(median(rebuilds.map((r) => r.ms))),
      sharedFunctions: rebuilds[0]?.functions ?? 0,
    };
  } finally {
    await stopCloudProcess(cloud.child);
    copy.remove();
  }
};
