import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StackModel } from '../cloudformation/model';
import { type FunctionEnvironment, propertiesOf } from '../cloudformation/template';

/** One function of the template, ready to run: its bundle, handler and resolved configuration. */
export interface FunctionSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** Absolute path of the handler's module (`<asset>/index.js`). */
  entry: string;
  exportName: string;
  handler: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  /** Reserved concurrency from the template, if any. */
  reservedConcurrency?: number;
  /** How its bundle is built (the template's esbuild metadata), for hot reload. */
  build?: FunctionBuild;
}

/** The esbuild options a bundle was built with, its entry points absolute. */
export interface FunctionBuild {
  entryPoints: string[];
  minify: boolean;
  sourcemap: boolean;
  target: string;
  format: 'cjs' | 'esm';
  external: string[];
}

export class UnsupportedFunction extends Error {}

/** The members of an AWS::Lambda::Function the local runtime honours. */
interface FunctionProperties extends FunctionEnvironment {
  Handler: string;
  Timeout: number;
  MemorySize: number;
  ReservedConcurrentExecutions: number;
}

/** Where a function's bundle lives: the asset directory CDK wrote for it in the cloud assembly. */
const entryOf = (
  assemblyDir: string,
  logicalId: string,
  assetPath: unknown,
  handler: string,
): { entry: string; exportName: string } => {
  if (typeof assetPath !== 'string')
    throw new UnsupportedFunction(`${logicalId} has no asset (inline code is not run locally)`);
  const dot = handler.lastIndexOf('.');
  const file = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  for (const extension of ['.js', '.cjs']) {
    const entry = join(assemblyDir, assetPath, `${file}${extension}`);
    if (existsSync(entry)) return { entry, exportName };
  }
  throw new UnsupportedFunction(
    `${logicalId}: no ${file}.js in ${assetPath} (was the template synthesized with bundling?)`,
  );
};

/**
 * How a function's bundle is built, from AWS SAM's esbuild metadata (`BuildMethod: esbuild` and its
 * `BuildProperties`), with the entry points resolved against the app's folder (the assembly's parent).
 */
const buildOf = (appDir: string, metadata: Record<string, unknown> | undefined): FunctionBuild | undefined => {
  if (metadata?.BuildMethod !== 'esbuild') return undefined;
  const p = (metadata.BuildProperties ?? {}) as Record<string, unknown>;
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const entryPoints = strings(p.EntryPoints).map((entry) => resolve(appDir, entry));
  if (entryPoints.length === 0) return undefined;
  return {
    entryPoints,
    minify: p.Minify === true,
    sourcemap: p.Sourcemap === true,
    target: typeof p.Target === 'string' ? p.Target : 'node22',
    format: p.Format === 'esm' ? 'esm' : 'cjs',
    external: strings(p.External),
  };
};

/**
 * Every AWS::Lambda::Function of the template, with its bundle, handler, timeout, memory, reserved
 * concurrency and environment resolved to local names and ARNs. `rewrite` may adjust a resolved
 * environment value (the issuer URL, when the local issuer listens elsewhere).
 */
export const functionSpecs = (
  model: StackModel,
  assemblyDir: string,
  rewrite: (value: string) => string = (value) => value,
): { functions: FunctionSpec[]; skipped: string[] } => {
  const functions: FunctionSpec[] = [];
  const skipped: string[] = [];
  for (const [logicalId, resource] of model.ofType('AWS::Lambda::Function')) {
    const p = propertiesOf<FunctionProperties>(resource);
    const handler = String(p.Handler ?? 'index.handler');
    try {
      const { entry, exportName } = entryOf(assemblyDir, logicalId, resource.Metadata?.['aws:asset:path'], handler);
      const build = buildOf(join(assemblyDir, '..'), resource.Metadata);
      const variables = model.resolve(p.Environment?.Variables ?? {}) as Record<string, unknown>;
      functions.push({
        logicalId,
        name: model.physicalName(logicalId),
        arn: String(model.getAtt(logicalId, 'Arn')),
        entry,
        exportName,
        handler,
        timeoutSeconds: Number(p.Timeout ?? 3),
        memorySize: Number(p.MemorySize ?? 128),
        environment: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, rewrite(String(value))])),
        ...(p.ReservedConcurrentExecutions !== undefined && {
          reservedConcurrency: Number(p.ReservedConcurrentExecutions),
        }),
        ...(build && { build }),
      });
    } catch (error) {
      if (!(error instanceof UnsupportedFunction)) throw error;
      skipped.push(error.message);
    }
  }
  return { functions, skipped };
};
