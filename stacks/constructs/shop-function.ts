import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const APP_DIR = join(__dirname, '..', '..');
const FUNCTIONS_DIR = join(APP_DIR, 'functions');

/** esbuild's options for every bundle: minified, with source maps, the AWS SDK left to the runtime. */
const BUNDLING = { Minify: true, Sourcemap: true, Target: 'node22', External: ['@aws-sdk/*'] };

/** OpenTelemetry's setup, bundled beside each handler and loaded before it (see functions/telemetry/bootstrap.ts). */
export const TELEMETRY_BOOTSTRAP = 'otel-bootstrap.js';
const BOOTSTRAP_SOURCE = join(FUNCTIONS_DIR, 'telemetry', 'bootstrap.ts');

/**
 * Node's options on Lambda: source maps, and the OpenTelemetry bootstrap required before the handler, as
 * the ADOT layer's wrapper does it (Lambda's runtime reads NODE_OPTIONS). The path is relative to the
 * runtime's working directory, the function's code: /var/task on Lambda and LocalStack, a folder of its
 * own where MiniStack runs the function as a local process (an absolute /var/task there stops Node at once).
 */
export const FUNCTION_NODE_OPTIONS = `--enable-source-maps --require ./${TELEMETRY_BOOTSTRAP}`;

let bootstrapBuild: string | undefined;
/**
 * The bootstrap, bundled once per synth with the handlers' esbuild options (the SDK left to the runtime;
 * OpenTelemetry and the SigV4 signer inside), into a folder each function's asset copies it from.
 */
const bootstrapBundle = (): string => {
  if (bootstrapBuild) return bootstrapBuild;
  const dir = mkdtempSync(join(tmpdir(), 'otel-bootstrap-'));
  buildSync({
    entryPoints: [BOOTSTRAP_SOURCE],
    bundle: true,
    platform: 'node',
    target: BUNDLING.Target,
    format: 'cjs',
    minify: BUNDLING.Minify,
    sourcemap: BUNDLING.Sourcemap,
    external: BUNDLING.External,
    // OpenTelemetry's ES module builds, which esbuild can tree-shake: half the CommonJS bundle (277 KB
    // against 552 KB), and half its load time, which every cold start pays.
    mainFields: ['module', 'main'],
    outfile: join(dir, TELEMETRY_BOOTSTRAP),
    logLevel: 'warning',
  });
  // Its source map names its sources relative to where it was built: absolute, so that the copies find them.
  const mapFile = join(dir, `${TELEMETRY_BOOTSTRAP}.map`);
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] };
  writeFileSync(mapFile, JSON.stringify({ ...map, sources: map.sources.map((source) => resolve(dir, source)) }));
  bootstrapBuild = dir;
  return dir;
};

/** The shell commands that put the bootstrap (and its source map) into a function's asset. */
const copyBootstrap = (outputDir: string): string[] =>
  [TELEMETRY_BOOTSTRAP, `${TELEMETRY_BOOTSTRAP}.map`].map(
    (file) => `cp "${join(bootstrapBundle(), file)}" "${join(outputDir, file)}"`,
  );

export interface ShopFunctionProps {
  /** Service folder under functions/ (also the Powertools service name). */
  service: string;
  /** Handler file in that folder, without extension. */
  handler: string;
  description: string;
  timeout?: Duration;
  memorySize?: number;
  /** A name of its own, for a function people invoke by hand; CloudFormation names the others. */
  functionName?: string;
  environment?: Record<string, string>;
}

/**
 * The one place that carries every function's defaults: Node 22 on arm64, its own log group,
 * Powertools settings, X-Ray active tracing with OpenTelemetry loaded before the handler, and an esbuild
 * bundle (minified, with source maps, the AWS SDK left to the runtime).
 */
export class ShopFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ShopFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: join(FUNCTIONS_DIR, props.service, `${props.handler}.ts`),
      functionName: props.functionName,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(6),
      logGroup,
      // X-Ray's active tracing: Lambda samples, emits its own segments, and passes the trace header on.
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.service,
        POWERTOOLS_METRICS_NAMESPACE: 'ServerlessShop',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        ...props.environment,
      },
      bundling: {
        minify: BUNDLING.Minify,
        sourceMap: BUNDLING.Sourcemap,
        target: BUNDLING.Target,
        format: OutputFormat.CJS,
        externalModules: BUNDLING.External,
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => copyBootstrap(outputDir),
        },
      },
    });
    // How the bundle is built, in the shape of AWS SAM's esbuild metadata (entry points relative to the
    // CDK app): the local cloud rebuilds a function from it when its sources change (hot reload).
    // CloudFormation ignores a resource's Metadata.
    const cfn = this.node.defaultChild as CfnFunction;
    cfn.addMetadata('BuildMethod', 'esbuild');
    cfn.addMetadata('BuildProperties', {
      ...BUNDLING,
      Format: 'cjs',
      EntryPoints: [relative(APP_DIR, join(FUNCTIONS_DIR, props.service, `${props.handler}.ts`))],
    });
  }

  /** Sets the table's name in the function's environment and grants exactly the access asked for. */
  bindTable(table: ITable, variable: string, access: 'read' | 'readWrite'): this {
    this.addEnvironment(variable, table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this;
  }
}
