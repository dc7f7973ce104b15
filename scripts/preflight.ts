/**
 * The preflight that `npm start`, `npm test` and `.ci/run` run first: it finds the machine's tools
 * the project needs (Java 17+; for the tests also Chromium and Prometheus), each overridable with
 * JAVA_HOME, CHROMIUM_PATH and PROMETHEUS_PATH.
 * - On Debian or Ubuntu as root, or with passwordless sudo, it installs what is missing from the
 *   distribution's packages, and says so.
 * - Elsewhere it stops at once, printing the command that installs them on this OS.
 * - `SHOP_SKIP_TOOLS=chromium,prometheus` leaves those out, with a warning (refused in CI).
 *
 *   tsx scripts/preflight.ts java [chromium] [prometheus]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import {
  locate,
  refuseSkipsInCi,
  SKIPPABLE,
  skippedTools,
  type Tool,
  TOOL_VARIABLES,
  ToolMissing,
  type ToolName,
} from '../local/support/tools';

type Installer = 'apt' | 'dnf' | 'pacman' | 'brew' | 'unknown';

/** Each tool's package for each package manager (brew's Chromium is a cask). */
const PACKAGES: Record<Exclude<Installer, 'unknown'>, Record<ToolName, string>> = {
  apt: { java: 'openjdk-17-jre-headless', chromium: 'chromium', prometheus: 'prometheus' },
  dnf: { java: 'java-17-openjdk-headless', chromium: 'chromium', prometheus: 'golang-github-prometheus' },
  pacman: { java: 'jre17-openjdk-headless', chromium: 'chromium', prometheus: 'prometheus' },
  brew: { java: 'openjdk@17', chromium: '--cask chromium', prometheus: 'prometheus' },
};

const osRelease = (): Record<string, string> => {
  if (!existsSync('/etc/os-release')) return {};
  const fields: Record<string, string> = {};
  for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) fields[match[1]!] = match[2]!.replace(/^"|"$/g, '');
  }
  return fields;
};

export const installerOf = (release: Record<string, string>): Installer => {
  if (process.platform === 'darwin') return 'brew';
  const family = `${release.ID ?? ''} ${release.ID_LIKE ?? ''}`;
  if (/\b(debian|ubuntu)\b/.test(family)) return 'apt';
  if (/\b(fedora|rhel|centos)\b/.test(family)) return 'dnf';
  if (/\barch\b/.test(family)) return 'pacman';
  return 'unknown';
};

const isRoot = () => process.getuid?.() === 0;
const passwordlessSudo = () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;

/** Whether the archive has a package (apt-cache needs no root). */
const aptHas = (name: string): boolean =>
  /Candidate: (?!\(none\))/.test(
    spawnSync('apt-cache', ['policy', name], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '',
  );

/**
 * Each tool's package in this archive: Debian 13 and Ubuntu 24.04 have Java 21 rather than 17, and
 * Ubuntu's Chromium is `chromium-browser` (a snap, which a container cannot run: set CHROMIUM_PATH there).
 */
const aptPackage = (tool: ToolName): string => {
  if (tool === 'java')
    return (
      ['openjdk-17-jre-headless', 'openjdk-21-jre-headless', 'default-jre-headless'].find(aptHas) ??
      'openjdk-17-jre-headless'
    );
  if (tool === 'chromium' && !aptHas('chromium') && aptHas('chromium-browser')) return 'chromium-browser';
  return PACKAGES.apt[tool];
};

/** The command that installs the tools; `packageOf` names each tool's package (the archive's own, for apt). */
export const installCommand = (
  installer: Installer,
  tools: ToolName[],
  packageOf: (tool: ToolName) => string = (tool) => (installer === 'unknown' ? tool : PACKAGES[installer][tool]),
): string => {
  if (installer === 'unknown')
    return `install ${tools.map((tool) => (tool === 'java' ? 'Java 17 or later' : tool)).join(', ')} with this system's package manager`;
  const names = tools.map(packageOf);
  if (installer === 'apt') return `sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`;
  if (installer === 'dnf') return `sudo dnf install -y ${names.join(' ')}`;
  if (installer === 'pacman') return `sudo pacman -S --needed ${names.join(' ')}`;
  const casks = names.filter((name) => name.startsWith('--cask'));
  const formulae = names.filter((name) => !name.startsWith('--cask'));
  return [formulae.length ? `brew install ${formulae.join(' ')}` : '', ...casks.map((cask) => `brew install ${cask}`)]
    .filter(Boolean)
    .join(' && ');
};

/** Installs the tools from Debian's or Ubuntu's packages, as root or through sudo; false when it failed. */
const aptInstall = (tools: ToolName[], say: (line: string) => void): boolean => {
  const sudo = !isRoot();
  // sudo resets the environment: DEBIAN_FRONTEND goes through env.
  const run = (args: string[]) =>
    spawnSync(sudo ? 'sudo' : 'env', [...(sudo ? ['-n', 'env'] : []), 'DEBIAN_FRONTEND=noninteractive', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  say(`installing from the distribution's packages: ${tools.join(', ')} (apt-get${sudo ? ' through sudo' : ''})…`);
  const started = performance.now();
  if (run(['apt-get', 'update', '-qq']).status !== 0) {
    say('apt-get update failed (see above)');
    return false;
  }
  // Each package on its own: one the archive lacks must not keep the others out.
  const installed = tools.map(aptPackage).filter((name) => {
    if (run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', name]).status === 0) return true;
    say(`apt-get could not install ${name} (see above)`);
    return false;
  });
  if (installed.length > 0)
    say(`installed ${installed.join(', ')} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return installed.length > 0;
};

export interface PreflightResult {
  found: Tool[];
  skipped: ToolName[];
}

/**
 * Finds each tool asked for, installing what is missing where it can. Throws with the reason and the
 * install command when a tool is still missing.
 */
export const preflight = (
  wanted: ToolName[],
  say: (line: string) => void = (line) => process.stderr.write(`[preflight] ${line}\n`),
): PreflightResult => {
  const skipped = skippedTools().filter((tool) => wanted.includes(tool));
  if (skipped.length > 0) refuseSkipsInCi();
  for (const tool of skipped) say(`⚠ SHOP_SKIP_TOOLS leaves out ${tool}: the tests that need it are skipped`);
  const needed = wanted.filter((tool) => !skipped.includes(tool));
  const missing = (tools: ToolName[]) =>
    tools.flatMap((tool) => {
      try {
        locate(tool);
        return [];
      } catch (error) {
        if (!(error instanceof ToolMissing)) throw error;
        return [error];
      }
    });
  let problems = missing(needed);
  if (problems.length === 0) return { found: needed.map((tool) => locate(tool)), skipped };
  const installer = installerOf(osRelease());
  // A tool whose variable names a path of its own is the user's to fix: installing would not change it.
  const installable = problems
    .filter((problem) => !process.env[TOOL_VARIABLES[problem.tool]])
    .map((problem) => problem.tool);
  if (installable.length > 0 && installer === 'apt' && (isRoot() || passwordlessSudo())) {
    for (const problem of problems) say(problem.message);
    if (aptInstall(installable, say)) problems = missing(needed);
  }
  if (problems.length > 0) {
    const optOut = problems.every((problem) => SKIPPABLE.includes(problem.tool))
      ? `\nOr leave them out, skipping their tests: SHOP_SKIP_TOOLS=${problems.map((p) => p.tool).join(',')}`
      : '';
    throw new Error(
      `${problems.map((problem) => `✖ ${problem.message}`).join('\n')}\nInstall ${problems.length > 1 ? 'them' : 'it'} with:\n  ${installCommand(
        installer,
        problems.map((p) => p.tool),
        installer === 'apt' ? aptPackage : undefined,
      )}${optOut}`,
    );
  }
  return { found: needed.map((tool) => locate(tool)), skipped };
};

const main = () => {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !['java', 'chromium', 'prometheus'].includes(name));
  if (wanted.length === 0 || unknown.length > 0) {
    process.stderr.write(
      `usage: tsx scripts/preflight.ts java [chromium] [prometheus]${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}\n`,
    );
    process.exit(2);
  }
  try {
    const { found } = preflight(wanted as ToolName[]);
    process.stderr.write(
      `[preflight] ${found.map((tool) => `${tool.name}${tool.version ? ` ${tool.version}` : ''} (${tool.path})`).join(', ')}\n`,
    );
  } catch (error) {
    process.stderr.write(`\n${(error as Error).message}\n\n`);
    process.exit(1);
  }
};

if (require.main === module) main();
