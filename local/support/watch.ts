import { existsSync, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { basename, join } from 'node:path';

/** Files no build reads: editors' swap, backup and autosave files (vim, Emacs, JetBrains), and what lives under node_modules or .git. */
const ignored = (file: string): boolean => {
  const name = basename(file);
  return (
    /(^|\/)(node_modules|\.git)\//.test(file) ||
    name.startsWith('.') ||
    name.endsWith('~') ||
    name.endsWith('.swp') ||
    /^#.*#$/.test(name) ||
    name.includes('___jb_') ||
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
  // Each folder's watcher, with the folder's inode: a folder deleted and made again is another folder.
  const watchers = new Map<string, { watcher: FSWatcher; inode: number }>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = () => {
    timer = undefined;
    const files = [...pending];
    pending.clear();
    if (files.length > 0 && !closed) onChange(files);
  };
  /** Stops watching a folder that went away or was replaced, and every folder below it. */
  const forget = (dir: string) => {
    for (const [path, { watcher }] of watchers) {
      if (path !== dir && !path.startsWith(`${dir}/`)) continue;
      watcher.close();
      watchers.delete(path);
    }
  };
  const changed = (file: string) => {
    if (ignored(file)) return;
    const known = watchers.get(file);
    const inode = inodeOf(file);
    if (known && known.inode !== inode) forget(file);
    if (inode !== undefined && isFolder(file)) return watchFolder(file, true);
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(flush, options.quietMs ?? 25);
  };
  /** Watches a folder and those below it; one made while watching (`made`) has its files reported: they may be written before its watcher began. */
  const watchFolder = (dir: string, made = false): void => {
    if (closed || watchers.has(dir) || ignored(`${dir}/`)) return;
    try {
      const watcher = watch(dir, (_event, name) => (name ? changed(join(dir, name.toString())) : undefined));
      watcher.on('error', (error) => {
        // The folder went away (deleted or renamed): its watcher with it.
        forget(dir);
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onError?.(error);
      });
      watchers.set(dir, { watcher, inode: inodeOf(dir) ?? -1 });
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) watchFolder(join(dir, entry.name), made);
        else if (made) changed(join(dir, entry.name));
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onError?.(error as Error);
    }
  };
  for (const path of paths) if (existsSync(path)) watchFolder(path);
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
};

const inodeOf = (path: string): number | undefined => {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
};

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};
