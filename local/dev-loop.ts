import { join } from 'node:path';
import type { LocalCloud } from './cloud';
import type { Reload } from './lambda/hot-reload';
import { type Watcher, watchPaths } from './support/watch';

export interface DevLoopOptions {
  /** The app's folder: the paths below are relative to it. */
  root: string;
  /** The functions' sources: a change is rebuilt and served at the next invocation. */
  sources: string[];
  /** The stack's definition: a change is synthesized, and the cloud restarts in place with it. */
  stack: string[];
  /** The cloud as it is now (a restart replaces it). */
  cloud: () => LocalCloud;
  /** Synthesizes the stack and restarts the cloud on it; false when the synth failed (the cloud keeps running). */
  restart: () => Promise<boolean>;
  /** Each reload, once served (for the bench and tests: `/_local/startup` says nothing of reloads). */
  onReload?: (reload: Reload) => void;
}

const names = (functions: string[]) =>
  functions.length > 4 ? `${functions.slice(0, 4).join(', ')} and ${functions.length - 4} more` : functions.join(', ');

/**
 * `npm start`'s watch: a handler edit is live for the next invocation (only the bundles that include
 * the file are rebuilt, see HotReload); a change of the stack is synthesized and the cloud restarts in
 * place. One thing at a time: a function change waits for a restart under way, and is then served by
 * the new cloud (its synth bundled the current sources).
 */
export const startDevLoop = (options: DevLoopOptions): Watcher => {
  let busy: Promise<unknown> = Promise.resolve();
  let restartPending = false;
  const log = (message: string) => options.cloud().log(message);
  let closed = false;
  const queue = (work: () => Promise<unknown>) => {
    // Work queued when the watch closes (the cloud stopping) is dropped.
    busy = busy
      .then(() => (closed ? undefined : work()))
      .catch((error: Error) => log(`watch: ${error.stack ?? error.message}`));
  };

  const functionsChanged = (files: string[]) =>
    queue(async () => {
      if (restartPending) return;
      const reload = await options.cloud().hotReload.changed(files);
      if (reload.reloaded.length > 0)
        log(
          `hot reload: ${names(reload.reloaded)} rebuilt in ${Math.round(reload.ms)} ms; the next invocations run the new code`,
        );
      if (reload.reloaded.length + reload.failed.length > 0) options.onReload?.(reload);
    });

  const stackChanged = (files: string[]) => {
    if (restartPending) return;
    restartPending = true;
    queue(async () => {
      restartPending = false;
      log(`the stack changed (${files.map((file) => file.slice(options.root.length + 1)).join(', ')}): synthesizing…`);
      await options.restart();
    });
  };

  const watchers = [
    watchPaths(
      options.sources.map((path) => join(options.root, path)),
      functionsChanged,
      { onError: (error) => log(`watch: ${error.message}`) },
    ),
    watchPaths(
      options.stack.map((path) => join(options.root, path)),
      stackChanged,
      { quietMs: 300, onError: (error) => log(`watch: ${error.message}`) },
    ),
  ];
  return {
    close: () => {
      closed = true;
      watchers.forEach((watcher) => watcher.close());
    },
  };
};
