import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { freePort } from '../support/ports';

export class JavaMissing extends Error {
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or later, and `java` was not found on the PATH.\n' +
        'Install it, for example: sudo apt-get install -y openjdk-17-jre-headless (Debian/Ubuntu) or brew install openjdk (macOS).',
    );
  }
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The DynamoDB Local distribution that ships inside the npm package amplify-dynamodb-simulator. */
export const emulatorDir = (): string => join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');

const waitForPort = async (port: number, child: ChildProcess, deadlineMs: number): Promise<void> => {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', signal: AbortSignal.timeout(500) });
      if (response.status > 0) return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer on port ${port} within ${deadlineMs} ms`);
};

/**
 * Starts DynamoDB Local with the machine's Java, in memory or on disk, and waits until it answers.
 */
export const startDynamoDbLocal = async (options: { port?: number; dbPath?: string } = {}): Promise<DynamoDbLocal> => {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).error) throw new JavaMissing();
  const port = options.port ?? (await freePort());
  const dir = emulatorDir();
  const storage = options.dbPath ? ['-sharedDb', '-dbPath', options.dbPath] : ['-sharedDb', '-inMemory'];
  const child = spawn(
    'java',
    ['-Xms64m', '-Xmx512m', `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-port', String(port), ...storage],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Never outlive the process that started it, however that process ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
};
