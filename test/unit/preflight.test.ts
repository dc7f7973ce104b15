import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installCommand, installerOf } from '../../scripts/preflight';
import { javaMajor, locate, skippedTools, ToolMissing } from '../../local/support/tools';

const ROOT = resolve(__dirname, '..', '..');

/** A folder of fake executables (shell scripts), and a Java installation with its `release` file. */
const fakeTools = (javaVersion: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'shop-preflight-'));
  const bin = join(dir, 'bin');
  const jdk = join(dir, 'jdk');
  mkdirSync(bin);
  mkdirSync(join(jdk, 'bin'), { recursive: true });
  writeFileSync(join(jdk, 'release'), `IMPLEMENTOR="Test"\nJAVA_VERSION="${javaVersion}"\n`);
  for (const file of [join(jdk, 'bin', 'java'), join(bin, 'chromium-browser'), join(bin, 'prometheus')]) {
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, 0o755);
  }
  return { dir, bin, jdk, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

describe('locating the tools', () => {
  test('Java from JAVA_HOME, with its version read from the release file', () => {
    const tools = fakeTools('21.0.2');
    try {
      const java = locate('java', { JAVA_HOME: tools.jdk, PATH: '' });

      expect(java).toEqual({ name: 'java', path: join(tools.jdk, 'bin', 'java'), version: '21.0.2' });
    } finally {
      tools.cleanup();
    }
  });

  test('a Java older than 17 is refused, saying which it found', () => {
    const tools = fakeTools('11.0.22');
    try {
      expect(() => locate('java', { JAVA_HOME: tools.jdk })).toThrow(
        /is Java 11\.0\.22; DynamoDB Local needs Java 17 or later/,
      );
    } finally {
      tools.cleanup();
    }
  });

  test('Chromium under any of its usual names on the PATH, and Prometheus', () => {
    const tools = fakeTools('17.0.1');
    try {
      expect(locate('chromium', { PATH: tools.bin }).path).toBe(join(tools.bin, 'chromium-browser'));
      expect(locate('prometheus', { PATH: tools.bin }).path).toBe(join(tools.bin, 'prometheus'));
    } finally {
      tools.cleanup();
    }
  });

  test('a variable naming a path that is not an executable is an error, whatever the PATH has', () => {
    const tools = fakeTools('17.0.1');
    try {
      expect(() => locate('chromium', { PATH: tools.bin, CHROMIUM_PATH: join(tools.dir, 'nothing') })).toThrow(
        ToolMissing,
      );
      expect(() => locate('prometheus', { PATH: tools.bin, PROMETHEUS_PATH: join(tools.dir, 'nothing') })).toThrow(
        /PROMETHEUS_PATH is .*nothing, which is not an executable/,
      );
    } finally {
      tools.cleanup();
    }
  });

  test.each([
    ['17.0.15', 17],
    ['21', 21],
    ['1.8.0_392', 8],
    ['25-ea', 25],
  ])('Java version %s is major %i', (version, major) => {
    expect(javaMajor(version)).toBe(major);
  });

  test('SHOP_SKIP_TOOLS names only the tools that may be left out', () => {
    expect(skippedTools({ SHOP_SKIP_TOOLS: 'chromium, prometheus,java,ghost' })).toEqual(['chromium', 'prometheus']);
    expect(skippedTools({})).toEqual([]);
  });
});

describe('the install command for each system', () => {
  test.each([
    [{ ID: 'debian' }, 'apt'],
    [{ ID: 'ubuntu', ID_LIKE: 'debian' }, 'apt'],
    [{ ID: 'linuxmint', ID_LIKE: 'ubuntu debian' }, 'apt'],
    [{ ID: 'fedora' }, 'dnf'],
    [{ ID: 'rocky', ID_LIKE: 'rhel centos fedora' }, 'dnf'],
    [{ ID: 'arch' }, 'pacman'],
    [{ ID: 'alpine' }, 'unknown'],
  ])('%j is installed with %s', (release, installer) => {
    expect(installerOf(release)).toBe(process.platform === 'darwin' ? 'brew' : installer);
  });

  test('each names the packages of its own archive', () => {
    expect(installCommand('apt', ['java', 'chromium', 'prometheus'])).toBe(
      'sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless chromium prometheus',
    );
    expect(installCommand('dnf', ['prometheus'])).toBe('sudo dnf install -y golang-github-prometheus');
    expect(installCommand('brew', ['java', 'chromium'])).toBe(
      'brew install openjdk@17 && brew install --cask chromium',
    );
    expect(installCommand('unknown', ['java'])).toMatch(/Java 17 or later/);
  });
});

describe('the preflight as a user without root', () => {
  test('stops at once (no install tried), saying what is missing and the command that installs it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'shop-preflight-path-'));
    chmodSync(empty, 0o777);
    try {
      const run = spawnSync(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
          join(ROOT, 'scripts', 'preflight.ts'),
          'java',
          'chromium',
          'prometheus',
        ],
        {
          cwd: ROOT,
          encoding: 'utf8',
          // nobody: no root, and no sudo to reach it; a PATH with none of the tools.
          ...(process.getuid?.() === 0 && { uid: 65534, gid: 65534 }),
          env: { PATH: empty, HOME: empty, TMPDIR: empty },
          timeout: 30_000,
        },
      );

      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/✖ Java \(17 or later\) was not found/);
      expect(run.stderr).toMatch(/✖ chromium was not found/);
      expect(run.stderr).toMatch(/✖ prometheus was not found/);
      expect(run.stderr).toMatch(/Install them with:\n {2}\S+/);
      expect(run.stderr).not.toMatch(/installing from/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('SHOP_SKIP_TOOLS is refused in CI', () => {
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'preflight.ts'), 'java', 'chromium'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CI: 'true', SHOP_SKIP_TOOLS: 'chromium' },
        timeout: 30_000,
      },
    );

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/SHOP_SKIP_TOOLS=chromium is refused in CI/);
  });
});
