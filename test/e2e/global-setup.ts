import type { ChildProcess } from 'node:child_process';
import { startCloudProcess } from '../support/cloud-process';

/**
 * The e2e suite runs against SHOP_API_URL / SHOP_ISSUER_URL (and SHOP_EDGE_URL for the AWS APIs)
 * when they are set; otherwise it starts the local cloud in memory, on free ports, as a user would.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.SHOP_API_URL) {
    if (!process.env.SHOP_ISSUER_URL) throw new Error('SHOP_API_URL is set: set SHOP_ISSUER_URL too');
    return;
  }
  const cloud = await startCloudProcess('e2e');
  (globalThis as { __shopCloud?: ChildProcess }).__shopCloud = cloud.child;
  process.env.SHOP_API_URL = cloud.api;
  process.env.SHOP_ISSUER_URL = cloud.issuer;
  process.env.SHOP_EDGE_URL = cloud.edge;
  process.env.SHOP_E2E_CLOUD_LOG = cloud.logFile;
}
