import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloudProcess, stopCloudProcess } from '../test/support/cloud-process';
import { round1 } from './lib/stats';

export interface StartupFigure {
  /** `npm start` to "ready", as a user waits for it. */
  readyMs: number;
  /** The DynamoDB Local JVM's own start, within it. */
  jvmMs: number;
  /** Each phase, as the cloud timed it. */
  phases: Record<string, number>;
}

/** One start of the local cloud on a data directory, stopped again once ready. */
const startOnce = async (dataDir: string, args: string[]): Promise<StartupFigure> => {
  const started = performance.now();
  const cloud = await startCloudProcess('bench-startup', args, { dataDir });
  const readyMs = performance.now() - started;
  try {
    const startup = (await (await fetch(`${cloud.edge}/_local/startup`)).json()) as Record<string, number | string>;
    const phases = Object.fromEntries(
      Object.entries(startup).filter(([key, value]) => key.endsWith('Ms') && typeof value === 'number'),
    ) as Record<string, number>;
    return { readyMs: round1(readyMs), jvmMs: Number(startup.dynamodbJvmMs), phases };
  } finally {
    await stopCloudProcess(cloud.child);
  }
};

/**
 * Start-up, three ways: cold (an empty data directory, the template current), warm (the data of an
 * earlier start kept), and with a synth first (`--synth`, on an empty directory).
 */
export const measureStartup = async (withSynth: boolean) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  try {
    const cold = await startOnce(dir, ['--no-synth']);
    const warm = await startOnce(dir, ['--no-synth']);
    const synthDir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
    const synth = withSynth ? await startOnce(synthDir, ['--synth']) : undefined;
    rmSync(synthDir, { recursive: true, force: true });
    return { cold, warm, ...(synth && { withSynth: synth }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
