import { existsSync, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { basename, join } from 'node:path';

/** Files no build reads: editors' swap and backup files, and what lives under node_modules or .git. */
const ignored = (file: string): boolean => {
  const name = basename(file);
  return (
    /(^|\/)(node_modules|\.git)\//.test(file) ||
    name.startsWith('.') ||
    name.endsWith('~') ||
    name.endsWith('.swp') ||
    /^\d+$/.test(name)
  );
};

export interface Watcher {
  close(): void;
}

/**
 * Watches folders, with every folder below them, and calls back with the files that changed, gathered
 * over a short quiet period: an editor's save is often several events (write, rename, chmod). Each
 * folder has a watcher of its own, not one recursive watcher: Node 20's recursive watch on Linux loses
 * a file that an editor replaces (a new inode) rather than rewrites. A folder made later is watched
 * from its first event.
 */
export const watchPaths = (
  paths: string[],
  onChange: (files: string[]) => void,
  options: { quietMs?: number; onError?: (error: Error) => void } = {},
): Watcher => {
  const pending = new Set<string>();
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = () => {
    timer = undefined;
    const files = [...pending];
    pending.clear();
    if (files.length > 0 && !closed) onChange(files);
  };
  const changed = (file: string) => {
    if (ignored(file)) return;
    if (isFolder(file)) return watchFolder(file);
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(flush, options.quietMs ?? 25);
  };
  const watchFolder = (dir: string): void => {
    if (closed || watchers.has(dir) || ignored(`${dir}/`)) return;
    try {
      const watcher = watch(dir, (_event, name) => (name ? changed(join(dir, name.toString())) : undefined));
      watcher.on('error', (error) => {
        // The folder went away (deleted or renamed): its watcher with it.
        watcher.close();
        watchers.delete(dir);
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onError?.(error);
      });
      watchers.set(dir, watcher);
      for (const entry of readdirSync(dir, { withFileTypes: true }))
        if (entry.isDirectory()) watchFolder(join(dir, entry.name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onError?.(error as Error);
    }
  };
  for (const path of paths) if (existsSync(path)) watchFolder(path);
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
};

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};
