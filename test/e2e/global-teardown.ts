import type { ChildProcess } from 'node:child_process';
import { stopCloudProcess } from '../support/cloud-process';

export default async function globalTeardown(): Promise<void> {
  await stopCloudProcess((globalThis as { __shopCloud?: ChildProcess }).__shopCloud);
}
