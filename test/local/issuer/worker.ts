import '../../../local/support/node-version-warning.cjs';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { Realm, type RealmExport } from '../../../local/issuer/realm';
import { startIssuer } from '../../../local/issuer/server';
import { freePort } from '../../../local/support/ports';

/**
 * The embedded issuer in a worker thread of the test's process, on a realm of its own. Jest's module
 * sandbox cannot load oidc-provider's ES modules; a worker thread can. Its clock is the thread's
 * Date.now moved on by the test (`advance`), as Jest's fake Date would.
 */
export interface IssuerThread {
  issuer: string;
  /** Moves the issuer's clock on by `seconds`. */
  advance(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

type Reply = { issuer: string } | { advanced: number } | { error: string };

/** Starts the issuer thread, and resolves when it listens. */
export const startIssuerThread = (realm: RealmExport): Promise<IssuerThread> => {
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, {
    eval: true,
    workerData: { realm },
  });
  /** The worker's next reply. */
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onMessage = (reply: Reply) => {
        worker.off('error', onError);
        if ('error' in reply) reject(new Error(reply.error));
        else resolve(reply);
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
    });
  return next().then((ready) => ({
    issuer: (ready as { issuer: string }).issuer,
    advance: async (seconds) => {
      const advanced = next();
      worker.postMessage({ advance: seconds * 1000 });
      await advanced;
    },
    stop: () => worker.terminate().then(() => undefined),
  }));
};

const serve = async (parent: NonNullable<typeof parentPort>) => {
  const now = Date.now.bind(Date);
  let offset = 0;
  Date.now = () => now() + offset;
  const running = await startIssuer({
    realm: new Realm((workerData as { realm: RealmExport }).realm),
    port: await freePort(),
  });
  parent.on('message', ({ advance }: { advance: number }) => {
    offset += advance;
    parent.postMessage({ advanced: offset });
  });
  parent.postMessage({ issuer: running.issuer });
};

if (parentPort) {
  const parent = parentPort;
  serve(parent).catch((error: Error) => parent.postMessage({ error: error.message }));
}
