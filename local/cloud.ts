import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { apiGatewayEdge } from './apigateway/api';
import { chaosEdge } from './chaos/api';
import { chaosOf } from './chaos/cloud-chaos';
import { StackModel } from './cloudformation/model';
import type { CfnTemplate } from './cloudformation/template';
import { cloudwatchEdge } from './cloudwatch/api';
import type { CloudWatchService } from './cloudwatch/service';
import { controlEdge } from './control/api';
import { dynamodbEdge, dynamoDbForwarder } from './dynamodb/api';
import { createApiPort } from './http/api-port';
import { createEdge } from './http/edge';
import { close, listen } from './http/listening';
import type { LocalService } from './http/local-service';
import type { DynamoDbLocal } from './dynamodb/process';
import { Realm, readRealm } from './issuer/realm';
import { eventsEdge } from './events/api';
import { lambdaEdge } from './lambda/api';
import type { HotReload } from './lambda/hot-reload';
import type { LambdaRuntime } from './lambda/runtime';
import { Stops, timer } from './lifecycle';
import { logsEdge } from './logs/api';
import { LogHub } from './logs/hub';
import { snsEdge } from './sns/api';
import type { CloudOptions } from './options';
import {
  type Context,
  seed,
  startCloudWatch,
  startFunctions,
  startIdentity,
  startMessaging,
  startServices,
  startStorage,
} from './start';
import { stepFunctionsEdge } from './stepfunctions/api';
import { changesEdge } from './stepfunctions/changes';
import type { StepFunctionsService } from './stepfunctions/service';
import { serveWeb, startWebBuild, type WebBuild, webConfig } from './web/site';
import { samplingRuleSpecs } from './xray/sampling';
import { startTraces, xrayEdge } from './xray/traces';

export type { CloudOptions } from './options';
export { checkTemplate } from './check-template';

export interface LocalCloud {
  /** The template it runs, as read at its start. */
  template: string;
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

type Started = Awaited<ReturnType<typeof startParts>>;
/**
 * The registry of emulated services: the edge asks them in this order whether a request is theirs,
 * `/_local/health` lists them, and the chaos API takes rules for those that name a fault target. A new
 * service is a folder of its own (specs, service, api.ts with its LocalService) and one line here.
 */
const registry = (parts: Started, control: Omit<Parameters<typeof controlEdge>[0], 'services'>): LocalService[] => {
  const services: LocalService[] = [
    dynamodbEdge(parts.dynamodb, () => parts.dynamo.alive()),
    cloudwatchEdge(parts.cloudwatch),
    logsEdge(parts.cloudLogs),
    stepFunctionsEdge(parts.stepFunctions, parts.chaos),
    lambdaEdge(parts.runtime, parts.queue),
    apiGatewayEdge(parts.apis),
    snsEdge(parts.sns),
    xrayEdge(parts.xray),
    eventsEdge(parts.events, parts.chaos),
    chaosEdge(parts.chaos),
    changesEdge(parts.changes),
    controlEdge({ ...control, services: () => services }),
  ];
  parts.chaos.accept(
    new Map(services.flatMap((service) => (service.faults ? [[service.faults.service, service.faults.effects]] : []))),
  );
  return services;
};

/** The fronts: the edge on LocalStack's port, and the API's first stage on the API port. */
const serveFronts = async (
  context: Context,
  services: readonly LocalService[],
  apis: Started['apis'],
  fronts: { edge?: Server },
) => {
  const { options, log, stops } = context;
  const onError = (error: Error) => log(`edge error: ${error.stack ?? error.message}`);
  const edge = (fronts.edge = createEdge(services, onError));
  const edgePort = await listen(edge, options.ports.edge, options.host);
  const apiServer = createApiPort(apis.values().next().value, onError);
  const apiPort = await listen(apiServer, options.ports.api, options.host);
  stops.add(() => close(apiServer));
  const host = options.host === '0.0.0.0' || options.host === '127.0.0.1' ? 'localhost' : options.host;
  return { api: `http://${host}:${apiPort}`, edge: `http://${host}:${edgePort}` };
};

/** Written once the demo data is seeded, beside the tables' files: the data and the marker go together. */
const SEEDED_MARKER = join('dynamodb', 'demo-seeded');
const keptData = (options: CloudOptions) =>
  options.dataDir !== undefined && existsSync(join(options.dataDir, SEEDED_MARKER));

/**
 * The demo data: a first start is ready once it is there; a start on kept data is ready at once, and the
 * seed (idempotent: the new days' delivery slots) follows.
 */
const seedDemo = async (context: Context, realm: Realm): Promise<string | undefined> => {
  const { options, log } = context;
  const seeding = seed(context, realm);
  if (keptData(options)) {
    const topUp = seeding
      .then((summary) => summary && log(`demo data topped up: ${summary}`))
      .catch((error: Error) => log(`seed failed: ${error.message}`));
    // A stop right after the start lets it finish first.
    context.stops.add(() => topUp);
    return undefined;
  }
  const seeded = await seeding;
  if (seeded && options.dataDir) writeFileSync(join(options.dataDir, SEEDED_MARKER), `${new Date().toISOString()}\n`);
  return seeded;
};

/** What a crash or a stop left under way goes on: executions from their last transition, events not yet delivered; the schedules start. */
const resumeWork = (
  { stepFunctions, queue, events }: Pick<Started, 'stepFunctions' | 'queue' | 'events'>,
  log: (message: string) => void,
) => {
  for (const arn of stepFunctions.resumeInterrupted()) log(`resumed interrupted execution ${arn.split(':').pop()}`);
  const redelivered = queue.resume();
  if (redelivered > 0) log(`delivering ${redelivered} asynchronous invocations queued before the last stop`);
  for (const rule of events.start()) log(`events: schedule ${rule} is not run locally (only rate expressions are)`);
};

/**
 * Every part of the cloud but the fronts: storage and the issuer (side by side: the JVM takes longest),
 * then the functions, messaging, state machines and APIs, wired to one another.
 */
const startParts = async (context: Context, realm: Realm, logs: LogHub) => {
  const { log, chaos, cloudwatch, stops } = context;
  // DynamoDB Local and its tables take longest: everything that does not call it yet starts meanwhile.
  const storage = startStorage(context);
  const client = storage.then((s) => s.client);
  // Awaited below; a failure meanwhile (the issuer's) must not leave them unhandled.
  for (const pending of [storage, client]) pending.catch(() => undefined);
  const issuer = await startIdentity(context, realm);
  const xray = (context.traces = startTraces(context));
  for (const rule of samplingRuleSpecs(context.model)) xray.sampling.define(rule);
  // Closed after the functions stop: running executions reach DynamoDB through the edge.
  const fronts: { edge?: Server } = {};
  stops.add(async () => fronts.edge && close(fronts.edge));
  const { runtime, hotReload, cloudLogs } = startFunctions(context, issuer, logs);
  const { queue, sns, events } = startMessaging(context, runtime);
  cloudwatch.actions.publishWith((input) => sns.publish(input)); // CloudWatch started first: its actions waited
  const { stepFunctions, apis, changes } = startServices(context, runtime, { sns, events }, client);
  const { dynamo } = await storage;
  const dynamodb = dynamoDbForwarder(
    dynamo.endpoint,
    (error) => log(`dynamodb forwarding error: ${error.stack ?? error.message}`),
    chaos,
  );
  return {
    dynamo,
    issuer,
    fronts,
    runtime,
    hotReload,
    cloudLogs,
    queue,
    sns,
    events,
    stepFunctions,
    apis,
    changes,
    dynamodb,
    chaos,
    cloudwatch,
    xray,
  };
};

/** The shop page and the console, with their config read from what the cloud runs; answers their URL. */
const serveWebPages = async (
  { options, model, region, log, stops }: Context,
  build: WebBuild,
  cloud: { urls: LocalCloud['urls']; realm: Realm; stepFunctions: StepFunctionsService },
): Promise<string> => {
  const stateMachineArns = cloud.stepFunctions.stateMachines.map((m) => m.arn);
  const config = webConfig(cloud.urls, { region, clients: cloud.realm.clients, stateMachineArns, model });
  const web = await serveWeb(build, config, {
    port: options.ports.web!,
    host: options.host,
    onError: (error) => log(`web error: ${error.stack ?? error.message}`),
  });
  stops.add(() => close(web.server));
  return Object.assign(new URL(cloud.urls.edge), { port: String(web.port) }).origin;
};

/**
 * Runs a synthesized CDK stack on this machine: its tables on DynamoDB Local, its functions in
 * worker threads, its state machines on the local engine, its topics and subscriptions, its rules,
 * its REST API with its authorizer, and an OIDC issuer from the realm file. Everything is read from
 * the template: nothing here names the stack's resources.
 */
export const startLocalCloud = async (options: CloudOptions): Promise<LocalCloud> => {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const templateText = readFileSync(options.templatePath, 'utf8');
  const template = JSON.parse(templateText) as CfnTemplate;
  const model = new StackModel(template, { region, accountId, stackName: options.stackName });
  const logs = new LogHub(options.print, { color: options.color, verbose: options.verbose });
  const log = (message: string) =>
    options.print(`${new Date().toISOString().slice(11, 23)} ${'local'.padEnd(28)} -        INFO  ${message}`);
  const stops = new Stops(log);
  const cloudwatch = startCloudWatch(model, accountId, logs, log, stops, { region, webhook: options.alertWebhook });
  const context: Context = {
    options,
    model,
    template,
    region,
    accountId,
    log,
    stops,
    chaos: chaosOf(log, logs),
    cloudwatch,
  };
  const startup: Record<string, number | string> = { pid: process.pid };
  const phase = timer(startup);
  try {
    const realm = new Realm(readRealm(options.realmPath));
    const webBuild = options.ports.web === undefined ? undefined : startWebBuild();
    const parts = await startParts(context, realm, logs);
    const { dynamo, issuer, runtime, stepFunctions } = parts;
    Object.assign(startup, {
      dynamodbJvmMs: Math.round(dynamo.startMs),
      jvmPid: dynamo.pid,
      dynamodbEndpoint: dynamo.endpoint,
    });
    phase('storageAndIssuer');
    const outputs = Object.fromEntries(
      Object.entries(template.Outputs ?? {}).map(([key, output]) => [key, String(model.resolve(output.Value))]),
    );
    const services = registry(parts, { logs, runtime, outputs, startup, dynamodbCalls: parts.dynamodb.calls });
    const urls: LocalCloud['urls'] = { ...(await serveFronts(context, services, parts.apis, parts.fronts)), issuer };
    if (webBuild) {
      urls.web = await serveWebPages(context, webBuild, { urls, realm, stepFunctions });
      cloudwatch.consoleUrl = `${urls.web}/console/`;
      startup.webBuildMs = await webBuild.ms;
    }
    phase('services');
    const seeded = await seedDemo(context, realm);
    phase('seed');
    resumeWork(parts, log);
    // Where the deployment answers, here: the API and the issuer as the local cloud serves them.
    Object.assign(outputs, {
      ...(outputs.ApiUrl && { ApiUrl: `${urls.api}/` }),
      ...(outputs.IssuerUrl && { IssuerUrl: issuer }),
    });
    return {
      template: templateText,
      urls,
      model,
      runtime,
      hotReload: parts.hotReload,
      stepFunctions,
      cloudwatch,
      logs,
      log,
      dynamo,
      seeded,
      startup,
      stop: () => stops.run(),
    };
  } catch (error) {
    await stops.run();
    throw error;
  }
};
