import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Watcher, watchPaths } from '../../../local/support/watch';
import { eventually } from '../../e2e/support';

// The watch under hot reload, as editors save: in place, by renaming a temporary file over the old
// one, in folders made later or deleted and made again; editors' own files left out.

let root: string;
let watcher: Watcher;
let seen: string[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'watch-test-'));
  mkdirSync(join(root, 'a'));
  writeFileSync(join(root, 'a', 'one.ts'), '1');
  seen = [];
  watcher = watchPaths([root], (files) => seen.push(...files), { quietMs: 10 });
});

afterEach(() => {
  watcher.close();
  rmSync(root, { recursive: true, force: true });
});

const reported = (file: string) =>
  eventually(() => Promise.resolve(seen.includes(file) ? true : undefined), `${file} to be reported`, 5000);

test('a file written in place, then replaced by a rename over it, then written again: each is reported', async () => {
  const file = join(root, 'a', 'one.ts');
  writeFileSync(file, '2');
  await reported(file);

  seen = [];
  writeFileSync(join(root, 'a', 'one.ts.tmp~'), '3');
  renameSync(join(root, 'a', 'one.ts.tmp~'), file);
  await reported(file);

  seen = [];
  writeFileSync(file, '4');
  await reported(file);
});

test('a folder made after the watch began is watched, and the files written in it at once are reported', async () => {
  mkdirSync(join(root, 'b', 'c'), { recursive: true });
  writeFileSync(join(root, 'b', 'c', 'two.ts'), '1');

  await reported(join(root, 'b', 'c', 'two.ts'));
});

test('a folder deleted and made again is watched again', async () => {
  rmSync(join(root, 'a'), { recursive: true });
  await reported(join(root, 'a'));
  mkdirSync(join(root, 'a'));
  writeFileSync(join(root, 'a', 'one.ts'), 'again');
  await reported(join(root, 'a', 'one.ts'));

  seen = [];
  writeFileSync(join(root, 'a', 'one.ts'), 'and again');
  await reported(join(root, 'a', 'one.ts'));
});

test('editors’ swap, backup and autosave files are not reported', async () => {
  for (const name of ['.one.ts.swp', 'one.ts~', '#one.ts#', '4913', 'one.ts___jb_tmp___'])
    writeFileSync(join(root, 'a', name), 'x');
  writeFileSync(join(root, 'a', 'one.ts'), 'after');

  await reported(join(root, 'a', 'one.ts'));
  expect(seen.filter((file) => !file.endsWith('/one.ts'))).toEqual([]);
});
