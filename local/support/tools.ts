import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/**
 * The machine's tools the project runs: Java for DynamoDB Local, Chromium for the browser tests,
 * Prometheus (and its promtool) for the scrape test. Each is found the same way by the preflight
 * (scripts/preflight.ts), the local cloud and the tests: the variable that names it, else the PATH.
 */
export type ToolName = 'java' | 'chromium' | 'prometheus';

export interface Tool {
  name: ToolName;
  /** The executable. */
  path: string;
  version?: string;
}

export class ToolMissing extends Error {
  constructor(
    readonly tool: ToolName,
    reason: string,
  ) {
    super(reason);
  }
}

/** The variable that names each tool, and what it names. */
export const TOOL_VARIABLES: Record<ToolName, string> = {
  java: 'JAVA_HOME',
  chromium: 'CHROMIUM_PATH',
  prometheus: 'PROMETHEUS_PATH',
};

const MIN_JAVA = 17;
const CHROMIUM_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The first of the commands that is an executable on the PATH. */
export const onPath = (commands: string[], path = process.env.PATH ?? ''): string | undefined => {
  for (const command of commands) {
    for (const dir of path.split(delimiter).filter(Boolean)) {
      if (executable(join(dir, command))) return join(dir, command);
    }
  }
  return undefined;
};

/**
 * Java's version, from the `release` file of its installation (a read, not a JVM start: `java
 * -version` costs a few hundred milliseconds), or from `java -version` where there is no such file.
 */
const javaVersion = (java: string): string | undefined => {
  const home = dirname(dirname(realpathSync(java)));
  const release = join(home, 'release');
  if (existsSync(release)) {
    const version = /^JAVA_VERSION="([^"]+)"/m.exec(readFileSync(release, 'utf8'))?.[1];
    if (version) return version;
  }
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 10_000 });
  return /version "([^"]+)"/.exec(`${probe.stderr}${probe.stdout}`)?.[1];
};

/** "17.0.15" → 17; the old "1.8.0_392" → 8. */
export const javaMajor = (version: string): number => {
  const [first, second] = version.split(/[.+_-]/).map(Number);
  return first === 1 ? (second ?? 0) : (first ?? 0);
};

const locateJava = (env: NodeJS.ProcessEnv): Tool => {
  const home = env.JAVA_HOME;
  const path = home ? join(home, 'bin', 'java') : onPath(['java'], env.PATH);
  if (!path || !executable(path)) {
    throw new ToolMissing(
      'java',
      home
        ? `JAVA_HOME is ${home}, but ${join(home, 'bin', 'java')} is not an executable`
        : 'Java (17 or later) was not found: no `java` on the PATH and no JAVA_HOME',
    );
  }
  const version = javaVersion(path);
  if (version === undefined) throw new ToolMissing('java', `${path} did not say its version`);
  if (javaMajor(version) < MIN_JAVA)
    throw new ToolMissing('java', `${path} is Java ${version}; DynamoDB Local needs Java ${MIN_JAVA} or later`);
  return { name: 'java', path, version };
};

const locateNamed = (name: ToolName, commands: string[], env: NodeJS.ProcessEnv): Tool => {
  const variable = TOOL_VARIABLES[name];
  const named = env[variable];
  if (named) {
    if (!executable(named)) throw new ToolMissing(name, `${variable} is ${named}, which is not an executable`);
    return { name, path: named };
  }
  const path = onPath(commands, env.PATH);
  if (!path)
    throw new ToolMissing(
      name,
      `${name} was not found: none of ${commands.join(', ')} is on the PATH, and ${variable} is not set`,
    );
  return { name, path };
};

/** Finds a tool, or throws ToolMissing saying what was looked for. */
export const locate = (name: ToolName, env: NodeJS.ProcessEnv = process.env): Tool => {
  if (name === 'java') return locateJava(env);
  if (name === 'chromium') return locateNamed(name, CHROMIUM_COMMANDS, env);
  return locateNamed(name, ['prometheus'], env);
};

/** Prometheus's promtool: beside the prometheus found, else on the PATH. */
export const promtool = (prometheus: Tool): string => {
  const beside = join(dirname(prometheus.path), 'promtool');
  return executable(beside) ? beside : (onPath(['promtool']) ?? 'promtool');
};

/**
 * The tools a machine without them may leave out: `SHOP_SKIP_TOOLS=chromium,prometheus` skips the
 * tests that need them, with a warning. Java cannot be left out; CI never leaves anything out.
 */
export const SKIPPABLE: readonly ToolName[] = ['chromium', 'prometheus'];

/** Whether this is CI: CI sets CI (to true, or 1); `CI=false` is no CI. */
const inCi = (env: NodeJS.ProcessEnv) => !['', '0', 'false'].includes((env.CI ?? '').toLowerCase());

/** CI runs every test: SHOP_SKIP_TOOLS there is an error, for the preflight and the tests alike. */
export const refuseSkipsInCi = (env: NodeJS.ProcessEnv = process.env): void => {
  if (inCi(env) && skippedTools(env).length > 0)
    throw new Error(`SHOP_SKIP_TOOLS=${env.SHOP_SKIP_TOOLS} is refused in CI: CI runs every test`);
};

export const skippedTools = (env: NodeJS.ProcessEnv = process.env): ToolName[] =>
  (env.SHOP_SKIP_TOOLS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name): name is ToolName => (SKIPPABLE as string[]).includes(name));

/**
 * For a test that needs a tool: the tool, or, when SHOP_SKIP_TOOLS leaves it out, undefined (the
 * caller skips, and a warning is printed). A tool that is missing without the opt-out fails the test
 * at once, saying how to get it.
 */
export const toolForTest = (name: ToolName): Tool | undefined => {
  if (skippedTools().includes(name)) {
    refuseSkipsInCi();
    process.stderr.write(`⚠ SHOP_SKIP_TOOLS leaves out ${name}: its tests are skipped\n`);
    return undefined;
  }
  try {
    return locate(name);
  } catch (error) {
    if (!(error instanceof ToolMissing)) throw error;
    throw new Error(
      `${error.message}. Run \`npx tsx scripts/preflight.ts ${name}\` to install it, or set SHOP_SKIP_TOOLS=${name} to skip these tests.`,
      { cause: error },
    );
  }
};
