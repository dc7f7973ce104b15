import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { RestApiGateway } from './apigateway/gateway';
import { restApiSpecs } from './apigateway/specs';
import { StackModel } from './cloudformation/model';
import { type CfnTemplate, tableBindings } from './cloudformation/template';
import { dynamoDbForwarder } from './dynamodb/api';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb/process';
import { provisionTables } from './dynamodb/tables';
import { createApiPort } from './http/api-port';
import { type ControlSources } from './control/api';
import { createEdge, type EdgeServices } from './http/edge';
import { close, listen } from './http/listening';
import { startIssuer } from './issuer/server';
import { functionSpecs } from './lambda/specs';
import { LambdaRuntime } from './lambda/runtime';
import { HotReload } from './lambda/hot-reload';
import { Chaos } from './chaos/faults';
import { CloudWatchService } from './cloudwatch/service';
import { alarmSpecs, dashboardSpecs } from './cloudwatch/specs';
import { mkdir, stateDir, Stops, timer } from './lifecycle';
import { LogHub } from './logs/hub';
import { Realm, readRealm } from './issuer/realm';
import { EventsService } from './events/service';
import { ruleSpecs } from './events/specs';
import { AsyncInvocations } from './lambda/async';
import { SnsService } from './sns/service';
import { subscriptionSpecs, topicSpecs } from './sns/specs';
import { dynamodbActions } from './stepfunctions/integrations';
import { ExecutionChanges } from './stepfunctions/changes';
import { serveWeb, startWebBuild, webConfig } from './web/site';
import { StepFunctionsService } from './stepfunctions/service';
import { stateMachineSpecs } from './stepfunctions/specs';
import { STATUS_CHANGE_DETAIL_TYPE, STATUS_CHANGE_SOURCE } from './stepfunctions/status-events';

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
  /** `web`: the shop page and the console (built from web/ at start); not served when absent. */
  ports: { api: number; edge: number; issuer: number; web?: number };
  region?: string;
  accountId?: string;
  /** Seeds demo data once the cloud is up; given the table bound to an environment variable and the realm. */
  seed?: (tableFor: (variable: string) => string, realm: Realm) => Promise<string>;
  print: (line: string) => void;
  /** Multiplies the state machines' Retry intervals (1: as written). */
  retryIntervalScale?: number;
  color?: boolean;
  verbose?: boolean;
}

export interface LocalCloud {
  urls: { api: string; edge: string; issuer: string; web?: string };
  model: StackModel;
  runtime: LambdaRuntime;
  /** Rebuilds and redeploys the functions whose sources changed. */
  hotReload: HotReload;
  stepFunctions: StepFunctionsService;
  /** Metrics, alarms and dashboards (e.g. the dashboards' names, for the console's config). */
  cloudwatch: CloudWatchService;
  logs: LogHub;
  /** Prints a line of the cloud's own, as its other log lines. */
  log: (message: string) => void;
  dynamo: DynamoDbLocal;
  seeded?: string;
  /** Each phase of the start, in milliseconds. */
  startup: Record<string, number | string>;
  stop(): Promise<void>;
}

interface Context {
  options: CloudOptions;
  model: StackModel;
  template: CfnTemplate;
  region: string;
  accountId: string;
  log: (message: string) => void;
  stops: Stops;
  chaos: Chaos;
  cloudwatch: CloudWatchService;
  /** The scratch directory of an in-memory cloud, once made. */
  scratch?: string;
}

/** The node_modules folder the AWS SDK v3 comes from (this project's). */
const RUNTIME_MODULES = join(dirname(require.resolve('@aws-sdk/client-dynamodb/package.json')), '..', '..');

/** DynamoDB Local, with every table of the template. */
const startStorage = async ({ options, model, region, stops, log }: Context) => {
  const dynamo = await startDynamoDbLocal(options.dataDir ? { dbPath: mkdir(join(options.dataDir, 'dynamodb')) } : {});
  stops.add(() => dynamo.stop());
  if (dynamo.staleStopped) log(`stopped a DynamoDB Local (pid ${dynamo.staleStopped}) that a crash had left running on ${options.dataDir}`);
  const client = new DynamoDBClient({ region, endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const change of await provisionTables(model, client)) log(`table updated to the template: ${change}`);
  return { dynamo, client };
};

/** The embedded issuer from the realm file, or the external one the options name. */
const startIdentity = async ({ options, log, stops }: Context, realm: Realm): Promise<string> => {
  if (options.externalIssuer) return options.externalIssuer.replace(/\/$/, '');
  const embedded = await startIssuer({
    realm,
    port: options.ports.issuer,
    host: options.host,
    ...(options.dataDir && { keyFile: join(options.dataDir, 'issuer', 'signing-key.json') }),
    onError: (error) => log(`issuer error: ${error.stack ?? error.message}`),
  });
  stops.add(() => embedded.stop());
  return embedded.issuer;
};

/** The functions in worker threads, their environment pointing at the edge and the issuer. */
const startFunctions = (context: Context, issuer: string, logs: LogHub) => {
  const { options, model, template, region, log, stops, chaos } = context;
  // The stack trusts the issuer it was synthesized with; locally that issuer is ours, wherever it listens.
  const templateIssuer = model.resolve(template.Outputs?.IssuerUrl?.Value ?? '') as string;
  const rewrite = (value: string) => (templateIssuer && value.startsWith(templateIssuer) ? issuer + value.slice(templateIssuer.length) : value);
  const { functions, skipped } = functionSpecs(model, join(options.templatePath, '..'), rewrite);
  for (const reason of skipped) log(`function skipped: ${reason}`);
  const runtime = new LambdaRuntime(functions, {
    baseEnvironment: {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL: `http://127.0.0.1:${options.ports.edge}`,
      TZ: 'UTC',
      PATH: process.env.PATH ?? '',
      // As Lambda's runtime provides the AWS SDK v3 on its NODE_PATH, to bundles that leave it out.
      NODE_PATH: RUNTIME_MODULES,
    },
    onOutput: (output) => logs.output(output),
    onReport: (report) => logs.report(report),
    chaos,
  });
  stops.add(() => runtime.stop());
  // Hot reload builds go with the cloud's other state (a fresh folder at each start).
  const hotReload = new HotReload(runtime, join(stateDir(context), 'lambda', 'builds'), log);
  stops.add(() => hotReload.stop());
  return { runtime, hotReload };
};

/** Lambda's queue of asynchronous invocations, topics and EventBridge rules, which put their events on it. */
const startMessaging = (context: Context, runtime: LambdaRuntime) => {
  const { model, region, accountId, log, stops, chaos } = context;
  const queue = new AsyncInvocations((arn, event) => runtime.invoke(arn, event), { dir: mkdir(join(stateDir(context), 'lambda')), log });
  stops.add(async () => {
    const left = await queue.drain(5000);
    if (left > 0) log(`${left} asynchronous invocations not delivered yet: they will be on the next start`);
    queue.close();
  });
  const sns = new SnsService(topicSpecs(model), subscriptionSpecs(model), queue, log, chaos);
  const events = new EventsService(ruleSpecs(model), queue, { region, accountId }, log);
  stops.add(() => Promise.resolve(events.stop()));
  return { queue, sns, events };
};

/**
 * State machines and REST APIs, wired to the functions, SNS and DynamoDB. Each change of an execution's
 * status goes on EventBridge's bus as Step Functions sends it ("Step Functions Execution Status Change").
 */
const startServices = (context: Context, runtime: LambdaRuntime, { sns, events }: { sns: SnsService; events: EventsService }, client: DynamoDBClient) => {
  const { options, model, region, accountId, log, stops } = context;
  const changes = new ExecutionChanges();
  const invoke = (arn: string, event: unknown) => runtime.invoke(arn, event);
  const stepFunctions = new StepFunctionsService(
    stateMachineSpecs(model),
    { invokeLambda: invoke, publish: (params) => sns.publish(params), dynamodb: dynamodbActions(client) },
    {
      region,
      dataDir: mkdir(join(stateDir(context), 'stepfunctions')),
      retryIntervalScale: options.retryIntervalScale ?? 1,
      onStatusChange: (record, detail) => {
        changes.record(record);
        context.cloudwatch.execution(record);
        events.put(events.event(STATUS_CHANGE_SOURCE, STATUS_CHANGE_DETAIL_TYPE, { ...detail }, [record.executionArn]));
      },
      onEvent: (record, event) => {
        if (event.type.startsWith('Execution')) log(`${event.type.replace('Execution', 'execution ').toLowerCase()}: ${record.name} (${record.stateMachineArn.split(':').pop()})`);
      },
    },
  );
  stops.add(async () => {
    const left = await stepFunctions.drain(15_000);
    if (left > 0) log(`${left} executions still running: they will continue from where they are on the next start`);
    await stepFunctions.close();
  });
  const apis = new Map<string, RestApiGateway>();
  for (const spec of restApiSpecs(model)) {
    for (const stage of spec.stages) apis.set(`${spec.id}/${stage}`, new RestApiGateway(spec, stage, invoke, { region, accountId }, options.enforceAuthorizers ?? true));
  }
  for (const gateway of apis.values()) gateway.onCall = (call) => context.cloudwatch.apiCall(call);
  return { stepFunctions, apis, changes };
};

/** CloudWatch: the template's alarms and dashboards, fed by the functions' EMF records and invocation reports. */
const startCloudWatch = (model: StackModel, accountId: string, logs: LogHub, log: (message: string) => void, stops: Stops) => {
  const { alarms, skipped } = alarmSpecs(model);
  for (const reason of skipped) log(`alarm not evaluated locally: ${reason}`);
  const cloudwatch = new CloudWatchService(alarms, dashboardSpecs(model), { accountId, log });
  logs.subscribe(cloudwatch);
  cloudwatch.start();
  stops.add(() => Promise.resolve(cloudwatch.stop()));
  return cloudwatch;
};

/** Demo data through the services' own stores, into the tables the functions are bound to. */
const seed = async ({ options, model, template }: Context, realm: Realm): Promise<string | undefined> => {
  if (!options.seed) return undefined;
  const bindings = tableBindings(template);
  const tableFor = (variable: string) => {
    const logicalId = bindings.get(variable);
    if (!logicalId) throw new Error(`No function of the stack binds a table to ${variable}`);
    return model.physicalName(logicalId);
  };
  return options.seed(tableFor, realm);
};

/** The fronts: the edge on LocalStack's port, and the API's first stage on the API port. */
const serveFronts = async (context: Context, services: Omit<EdgeServices, 'control'>, control: ControlSources, fronts: { edge?: Server }) => {
  const { options, log, stops } = context;
  const onError = (error: Error) => log(`edge error: ${error.stack ?? error.message}`);
  const edge = (fronts.edge = createEdge({ ...services, control }, onError));
  const edgePort = await listen(edge, options.ports.edge, options.host);
  const apiServer = createApiPort(services.apis.values().next().value, onError);
  const apiPort = await listen(apiServer, options.ports.api, options.host);
  stops.add(() => close(apiServer));
  const host = options.host === '0.0.0.0' || options.host === '127.0.0.1' ? 'localhost' : options.host;
  return { api: `http://${host}:${apiPort}`, edge: `http://${host}:${edgePort}` };
};

/**
 * Runs a synthesized CDK stack on this machine: its tables on DynamoDB Local, its functions in
 * worker threads, its state machines on aws-local-stepfunctions, its topics and subscriptions, its
 * rules, its REST API with its authorizer, and an OIDC issuer from the realm file. Everything is read
 * from the template: nothing here names the stack's resources.
 */
export const startLocalCloud = async (options: CloudOptions): Promise<LocalCloud> => {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const template = JSON.parse(readFileSync(options.templatePath, 'utf8')) as CfnTemplate;
  const model = new StackModel(template, { region, accountId, stackName: options.stackName });
  const logs = new LogHub(options.print, { color: options.color, verbose: options.verbose });
  const log = (message: string) => options.print(`${new Date().toISOString().slice(11, 23)} ${'local'.padEnd(28)} -        INFO  ${message}`);
  const stops = new Stops(log);
  const chaos = new Chaos((rule, call) => {
    log(`chaos: ${rule.effect}${rule.error ? ` ${rule.error.code}` : ''} injected into ${call.service} ${call.functionNames?.[2] ?? call.operation} (rule ${rule.id.slice(0, 8)}, ${rule.injected} so far)`);
    logs.metric({ function: 'local', timestamp: Date.now(), namespace: 'LocalCloud', dimensions: { Service: call.service, Effect: rule.effect }, values: { FaultsInjected: 1 } });
  });
  const cloudwatch = startCloudWatch(model, accountId, logs, log, stops);
  const context: Context = { options, model, template, region, accountId, log, stops, chaos, cloudwatch };
  const startup: Record<string, number | string> = { pid: process.pid };
  const phase = timer(startup);
  try {
    const realm = new Realm(readRealm(options.realmPath));
    const webBuild = options.ports.web === undefined ? undefined : startWebBuild();
    // The JVM takes longest to start: the issuer starts meanwhile.
    const [{ dynamo, client }, issuer] = await Promise.all([startStorage(context), startIdentity(context, realm)]);
    Object.assign(startup, { dynamodbJvmMs: Math.round(dynamo.startMs), jvmPid: dynamo.pid, dynamodbEndpoint: dynamo.endpoint });
    phase('storageAndIssuer');
    // Closed after the functions stop: running executions reach DynamoDB through the edge.
    const fronts: { edge?: Server } = {};
    stops.add(async () => fronts.edge && close(fronts.edge));
    const { runtime, hotReload } = startFunctions(context, issuer, logs);
    const { queue, sns, events } = startMessaging(context, runtime);
    const { stepFunctions, apis, changes } = startServices(context, runtime, { sns, events }, client);
    const outputs = Object.fromEntries(Object.entries(template.Outputs ?? {}).map(([key, output]) => [key, String(model.resolve(output.Value))]));
    const dynamodb = dynamoDbForwarder(dynamo.endpoint, () => undefined, chaos);
    const control = { services: ['dynamodb', 'stepfunctions', 'sns', 'lambda', 'apigateway', 'events', 'cloudwatch'], logs, runtime, outputs, startup, dynamodbCalls: dynamodb.calls };
    const urls: LocalCloud['urls'] = { ...(await serveFronts(context, { dynamodb, stepFunctions, sns, lambda: runtime, queue, apis, chaos, changes, cloudwatch }, control, fronts)), issuer };
    if (webBuild) {
      const config = webConfig(urls, { region, clients: realm.clients, stateMachineArns: stepFunctions.stateMachines.map((m) => m.arn), model });
      const web = await serveWeb(webBuild, config, { port: options.ports.web!, host: options.host, onError: (error) => log(`web error: ${error.stack ?? error.message}`) });
      stops.add(() => close(web.server));
      urls.web = Object.assign(new URL(urls.edge), { port: String(web.port) }).origin;
      startup.webBuildMs = await webBuild.ms;
    }
    phase('services');
    const seeded = await seed(context, realm);
    phase('seed');
    // What a crash or a stop left under way goes on: executions from their last transition, events not yet delivered.
    for (const arn of stepFunctions.resumeInterrupted()) log(`resumed interrupted execution ${arn.split(':').pop()}`);
    const redelivered = queue.resume();
    if (redelivered > 0) log(`delivering ${redelivered} asynchronous invocations queued before the last stop`);
    for (const rule of events.start()) log(`events: schedule ${rule} is not run locally (only rate expressions are)`);
    // Where the deployment answers, here: the API and the issuer as the local cloud serves them.
    Object.assign(outputs, { ...(outputs.ApiUrl && { ApiUrl: `${urls.api}/` }), ...(outputs.IssuerUrl && { IssuerUrl: issuer }) });
    return { urls, model, runtime, hotReload, stepFunctions, cloudwatch, logs, log, dynamo, seeded, startup, stop: () => stops.run() };
  } catch (error) {
    await stops.run();
    throw error;
  }
};
