import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ResourceInUseException, UpdateItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { RestApiGateway, restApiSpecs } from './apigateway';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { apiRequest, close, createEdge, listen, readBody, send } from './edge';
import { startIssuer, type RunningIssuer } from './issuer/server';
import { functionSpecs } from './lambda/functions';
import { LambdaRuntime } from './lambda/runtime';
import { LogHub, shortName } from './logs';
import { Realm, readRealm } from './issuer/realm';
import { SnsService, subscriptionSpecs, topicSpecs } from './sns';
import { StepFunctionsService, stateMachineSpecs } from './stepfunctions';
import { StackModel, type CfnTemplate, createTableInput, tableBindings } from './template';

export interface CloudOptions {
  /** The synthesized template (`cdk.out/<Stack>.template.json`); its folder holds the function bundles. */
  templatePath: string;
  stackName: string;
  /** Keycloak realm export the issuer is built from. */
  realmPath: string;
  /**
   * An issuer to trust instead of the embedded one, e.g. a real Keycloak that imported the same
   * realm (`http://localhost:8180/realms/shop`): no issuer is started, and the functions verify its tokens.
   */
  externalIssuer?: string;
  /** False leaves authorizers unenforced, as on LocalStack's free tier (default true). */
  enforceAuthorizers?: boolean;
  /** Where data lives across restarts; in memory when absent. */
  dataDir?: string;
  host: string;
  ports: { api: number; edge: number; issuer: number };
  region?: string;
  accountId?: string;
  /** Seeds demo data once the cloud is up; given the table bound to an environment variable and the realm. */
  seed?: (tableFor: (variable: string) => string, realm: Realm) => Promise<string>;
  print: (line: string) => void;
  color?: boolean;
  verbose?: boolean;
}

export interface LocalCloud {
  urls: { api: string; edge: string; issuer: string };
  model: StackModel;
  runtime: LambdaRuntime;
  stepFunctions: StepFunctionsService;
  logs: LogHub;
  dynamo: DynamoDbLocal;
  seeded?: string;
  stop(): Promise<void>;
}

/**
 * Runs a synthesized CDK stack on this machine: its tables on DynamoDB Local, its functions in
 * worker threads, its state machines on aws-local-stepfunctions, its topics and subscriptions, its
 * REST API with its authorizer, and an OIDC issuer from the realm file. Everything is read from the
 * template: nothing here names the stack's resources.
 */
export const startLocalCloud = async (options: CloudOptions): Promise<LocalCloud> => {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const template = JSON.parse(readFileSync(options.templatePath, 'utf8')) as CfnTemplate;
  const model = new StackModel(template, { region, accountId, stackName: options.stackName });
  const assemblyDir = join(options.templatePath, '..');
  const logs = new LogHub(options.print, { color: options.color, verbose: options.verbose });
  const log = (message: string) => options.print(`${new Date().toISOString().slice(11, 23)} ${'local'.padEnd(28)} -        INFO  ${message}`);
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: Error) => log(`stop failed: ${error.message}`));
  };

  try {
    const dynamo = await startDynamoDbLocal(options.dataDir ? { dbPath: mkdir(join(options.dataDir, 'dynamodb')) } : {});
    stops.push(() => dynamo.stop());
    const dynamoClient = new DynamoDBClient({ region, endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    for (const [logicalId, resource] of model.ofType('AWS::DynamoDB::Table')) {
      const name = model.physicalName(logicalId);
      try {
        await dynamoClient.send(new CreateTableCommand(createTableInput(resource, name)));
        const ttl = resource.Properties?.TimeToLiveSpecification;
        if (ttl?.Enabled) await dynamoClient.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: ttl }));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }

    const realm = new Realm(readRealm(options.realmPath));
    let issuer: Pick<RunningIssuer, 'issuer'>;
    if (options.externalIssuer) {
      issuer = { issuer: options.externalIssuer.replace(/\/$/, '') };
    } else {
      const embedded = await startIssuer({
        realm,
        port: options.ports.issuer,
        host: options.host,
        ...(options.dataDir && { keyFile: join(options.dataDir, 'issuer', 'signing-key.json') }),
        onError: (error) => log(`issuer error: ${error.stack ?? error.message}`),
      });
      stops.push(() => embedded.stop());
      issuer = embedded;
    }
    // Closed after the functions stop: running executions reach DynamoDB through the edge.
    let edge: Server | undefined;
    stops.push(async () => edge && close(edge));

    const edgeUrl = `http://127.0.0.1:${options.ports.edge}`;
    // The stack trusts the issuer it was synthesized with; locally that issuer is ours, wherever it listens.
    const templateIssuer = model.resolve(template.Outputs?.IssuerUrl?.Value ?? '') as string;
    const rewrite = (value: string) => (templateIssuer && value.startsWith(templateIssuer) ? issuer.issuer + value.slice(templateIssuer.length) : value);
    const { functions, skipped } = functionSpecs(model, assemblyDir, rewrite);
    for (const reason of skipped) log(`function skipped: ${reason}`);
    const runtime = new LambdaRuntime(functions, {
      baseEnvironment: {
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL: edgeUrl,
        TZ: 'UTC',
        PATH: process.env.PATH ?? '',
      },
      onOutput: (output) => logs.output(output),
      onReport: (report) => logs.report(report),
    });
    stops.push(() => runtime.stop());

    const sns = new SnsService(topicSpecs(model), subscriptionSpecs(model), (arn, event) => runtime.invoke(arn, event), log);
    stops.push(() => sns.drain(5000));
    const dynamoActions = { getItem: GetItemCommand, putItem: PutItemCommand, updateItem: UpdateItemCommand, deleteItem: DeleteItemCommand } as const;
    const stepFunctions = new StepFunctionsService(
      stateMachineSpecs(model),
      {
        invokeLambda: (name, payload) => runtime.invoke(name, payload),
        publish: async (params) => sns.publish(params as Parameters<SnsService['publish']>[0]),
        dynamodb: async (action, params) => {
          const Command = dynamoActions[action as keyof typeof dynamoActions] as unknown as new (input: unknown) => GetItemCommand;
          const { $metadata: _, ...output } = await dynamoClient.send(new Command(params));
          return output;
        },
      },
      {
        region,
        ...(options.dataDir && { dataDir: mkdir(join(options.dataDir, 'stepfunctions')) }),
        onEvent: (record, event) => {
          if (event.type.startsWith('Execution')) {
            log(`${event.type.replace('Execution', 'execution ').toLowerCase()}: ${record.name} (${record.stateMachineArn.split(':').pop()})`);
          }
        },
      },
    );
    stops.push(async () => {
      const left = await stepFunctions.drain(15_000);
      if (left > 0) log(`${left} executions still running: they will be run again on the next start`);
    });

    const apis = new Map<string, RestApiGateway>();
    for (const spec of restApiSpecs(model)) {
      for (const stage of spec.stages) apis.set(`${spec.id}/${stage}`, new RestApiGateway(spec, stage, (arn, event) => runtime.invoke(arn, event), { region, accountId }, options.enforceAuthorizers ?? true));
    }

    const onError = (error: Error) => log(`edge error: ${error.stack ?? error.message}`);
    edge = createEdge(
      {
        dynamodbEndpoint: dynamo.endpoint,
        stepFunctions,
        sns,
        lambda: runtime,
        apis,
        local: {
          health: () => ({ services: { dynamodb: 'running', stepfunctions: 'running', sns: 'running', lambda: 'running', apigateway: 'running' }, edition: 'serverless-shop-local' }),
          metrics: () => logs.metrics,
          logs: () => logs.lines,
          functions: () => functions.map((fn) => ({ name: fn.name, shortName: shortName(fn.logicalId), arn: fn.arn, timeoutSeconds: fn.timeoutSeconds, memorySize: fn.memorySize })),
          workers: () => runtime.stats(),
        },
      },
      onError,
    );
    const edgePort = await listen(edge, options.ports.edge, options.host);

    // The first API's first stage, served at the root of the API port.
    const [primary] = apis.values();
    const apiServer: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://api');
      readBody(req)
        .then(async (body) => {
          if (!primary) return send(res, { status: 404, headers: {}, body: '{"message":"The stack has no REST API"}' });
          return send(res, await primary.handle(apiRequest(req, url.pathname, url.searchParams, body)));
        })
        .catch((error: Error) => {
          onError(error);
          if (!res.headersSent) send(res, { status: 500, headers: { 'content-type': 'application/json' }, body: '{"message":"Internal server error"}' });
        });
    });
    const apiPort = await listen(apiServer, options.ports.api, options.host);
    stops.push(() => close(apiServer));

    let seeded: string | undefined;
    if (options.seed) {
      const bindings = tableBindings(template);
      const tableFor = (variable: string) => {
        const logicalId = bindings.get(variable);
        if (!logicalId) throw new Error(`No function of the stack binds a table to ${variable}`);
        return model.physicalName(logicalId);
      };
      seeded = await options.seed(tableFor, realm);
    }
    for (const arn of stepFunctions.resumeInterrupted()) log(`resumed interrupted execution ${arn.split(':').pop()}`);

    const host = options.host === '0.0.0.0' || options.host === '127.0.0.1' ? 'localhost' : options.host;
    return {
      urls: { api: `http://${host}:${apiPort}`, edge: `http://${host}:${edgePort}`, issuer: issuer.issuer },
      model,
      runtime,
      stepFunctions,
      logs,
      dynamo,
      seeded,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};

const mkdir = (dir: string): string => {
  mkdirSync(dir, { recursive: true });
  return dir;
};
