import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShopStack, type ShopStackProps } from '../../stacks/shop-stack';

export const TEST_IDENTITY = { issuerUrl: 'http://localhost:8080/realms/shop', audience: 'shop-api' };

/**
 * Synthesizes the stack in-process. Bundling is skipped unless asked for: the template is the
 * same, only the asset hashes differ.
 */
export const synthShop = (options: Partial<ShopStackProps> & { bundle?: boolean } = {}): Template => {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'shop-synth-')),
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const { bundle: _bundle, ...props } = options;
  const stack = new ShopStack(app, 'ServerlessShop', { ...props, identity: options.identity ?? TEST_IDENTITY });
  return Template.fromStack(stack);
};
