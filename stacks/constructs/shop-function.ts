import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join, relative } from 'node:path';

const APP_DIR = join(__dirname, '..', '..');
const FUNCTIONS_DIR = join(APP_DIR, 'functions');

/** esbuild's options for every bundle: minified, with source maps, the AWS SDK left to the runtime. */
const BUNDLING = { Minify: true, Sourcemap: true, Target: 'node22', External: ['@aws-sdk/*'] };

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
 * Powertools settings, and an esbuild bundle (minified, with source maps, the AWS SDK left to the runtime).
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
      environment: {
        POWERTOOLS_SERVICE_NAME: props.service,
        POWERTOOLS_METRICS_NAMESPACE: 'ServerlessShop',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        minify: BUNDLING.Minify,
        sourceMap: BUNDLING.Sourcemap,
        target: BUNDLING.Target,
        format: OutputFormat.CJS,
        externalModules: BUNDLING.External,
        forceDockerBundling: false,
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
