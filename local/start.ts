import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dirname, join } from 'node:path';
import { RestApiGateway } from './apigateway/gateway';
import { restApiSpecs } from './apigateway/specs';
import type { Chaos } from './chaos/faults';
import { StackModel } from './cloudformation/model';
import { type CfnTemplate, tableBindings } from './cloudformation/template';
import type { CloudOptions } from './options';
import { CloudWatchService } from './cloudwatch/service';
import { alarmSpecs, dashboardSpecs } from './cloudwatch/specs';
import { startDynamoDbLocalFor } from './dynamodb/process';
import { provisionTables } from './dynamodb/tables';
import { EventsService } from './events/service';
import { ruleSpecs } from './events/specs';
import type { Realm } from './issuer/realm';
import { startIssuer } from './issuer/server';
import { AsyncInvocations } from './lambda/async';
import { HotReload } from './lambda/hot-reload';
import { LambdaRuntime } from './lambda/runtime';
import { functionSpecs } from './lambda/specs';
import { mkdir, stateDir, type Stops } from './lifecycle';
import type { LogHub } from './logs/hub';
import { startLogs } from './logs/setup';
import { SnsService } from './sns/service';
import { subscriptionSpecs, topicSpecs } from './sns/specs';
import { ExecutionChanges } from './stepfunctions/changes';
import { dynamodbActions } from './stepfunctions/integrations';
import { StepFunctionsService } from './stepfunctions/service';
import { stateMachineSpecs } from './stepfunctions/specs';
import type { TraceSink } from './xray/spans';
import { Tracer } from './xray/tracer';
import { stageTracing } from './apigateway/tracing';
import { STATUS_CHANGE_DETAIL_TYPE, STATUS_CHANGE_SOURCE } from './stepfunctions/status-events';

// The parts of a local cloud, each started from the template (see cloud.ts, which puts them together).

/** What every part of a starting cloud shares. */
export interface Context {
  options: CloudOptions;
  model: StackModel;
  template: CfnTemplate;
  region: string;
  accountId: string;
  log: (message: string) => void;
  stops: Stops;
  chaos: Chaos;
  cloudwatch: CloudWatchService;
  /** Where the services' spans go (the local X-Ray), unless tracing is off. */
  traces?: TraceSink;
  /** The scratch directory of an in-memory cloud, once made. */
  scratch?: string;
}

/**
 * Where the services' spans go: the context's store, read at each record (it may be set after the
 * services start); none with `--no-tracing` (headers only pass through).
 */
export const traceSink = (context: Context): TraceSink | undefined =>
  context.options.tracing === false
    ? undefined
    : {
        record: (spans) => context.traces?.record(spans),
        sample: (request) => context.traces?.sample?.(request) ?? true,
      };

/** The node_modules folder the AWS SDK v3 comes from (this project's). */
const RUNTIME_MODULES = join(dirname(require.resolve('@aws-sdk/client-dynamodb/package.json')), '..', '..');

/** DynamoDB Local, with every table of the template. */
export const startStorage = async ({ options, model, region, stops, log }: Context) => {
  // The CLI starts the JVM before it loads the rest of the cloud, and hands it over.
  const starting = options.storage ?? startDynamoDbLocalFor(options.dataDir);
  // Its stop takes its place now, before everything started meanwhile: the database stops last, once
  // running executions have drained.
  stops.add(() =>
    starting.then(
      (started) => started.stop(),
      () => undefined,
    ),
  );
  const dynamo = await starting;
  if (dynamo.staleStopped)
    log(`stopped a DynamoDB Local (pid ${dynamo.staleStopped}) that a crash had left running on ${options.dataDir}`);
  const client = new DynamoDBClient({
    region,
    endpoint: dynamo.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (const change of await provisionTables(model, client)) log(`table updated to the template: ${change}`);
  return { dynamo, client };
};

/** The embedded issuer from the realm file, or the external one the options name. */
export const startIdentity = async ({ options, log, stops }: Context, realm: Realm): Promise<string> => {
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
export const startFunctions = (context: Context, issuer: string, logs: LogHub) => {
  const { options, model, template, region, log, stops, chaos } = context;
  // The stack trusts the issuer it was synthesized with; locally that issuer is ours, wherever it listens.
  const templateIssuer = model.resolve(template.Outputs?.IssuerUrl?.Value ?? '') as string;
  const rewrite = (value: string) =>
    templateIssuer && value.startsWith(templateIssuer) ? issuer + value.slice(templateIssuer.length) : value;
  const { functions, skipped } = functionSpecs(model, join(options.templatePath, '..'), rewrite);
  for (const reason of skipped) log(`function skipped: ${reason}`);
  const tracing = options.tracing !== false;
  // CloudWatch Logs stops after the functions (stops run in reverse), once their last lines are in.
  const cloudLogs = startLogs(context, logs);
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
      // The functions' OpenTelemetry exports its spans to the edge (OTLP/HTTP), not to X-Ray's endpoint.
      ...(tracing && {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${options.ports.edge}/v1/traces`,
        // Workers are not frozen between invocations: spans are exported after the response.
        OTEL_LAMBDA_EXPORT_AFTER_RESPONSE: 'true',
      }),
    },
    onOutput: (output) => logs.output(output),
    onReport: (report) => logs.report(report),
    ...(options.lambdaIdleTimeoutMs !== undefined && { idleTimeoutMs: options.lambdaIdleTimeoutMs }),
    ...(options.lambdaMaxWorkers !== undefined && { maxWorkers: options.lambdaMaxWorkers }),
    chaos,
    // Active tracing: each invoke is a span of its caller's trace, and the function's span its child.
    tracing,
    traces: traceSink(context),
  });
  stops.add(() => runtime.stop());
  // Hot reload builds go with the cloud's other state (a fresh folder at each start).
  const hotReload = new HotReload(runtime, join(stateDir(context), 'lambda', 'builds'), log);
  stops.add(() => hotReload.stop());
  return { runtime, hotReload, cloudLogs };
};

/** Lambda's queue of asynchronous invocations, topics and EventBridge rules, which put their events on it. */
export const startMessaging = (context: Context, runtime: LambdaRuntime) => {
  const { model, region, accountId, log, stops, chaos } = context;
  const queue = new AsyncInvocations((arn, event, invocation) => runtime.invoke(arn, event, invocation), {
    dir: mkdir(join(stateDir(context), 'lambda')),
    log,
  });
  stops.add(async () => {
    const left = await queue.drain(5000);
    if (left > 0) log(`${left} asynchronous invocations not delivered yet: they will be on the next start`);
    queue.close();
  });
  const sink = traceSink(context);
  const sns = new SnsService(
    topicSpecs(model),
    subscriptionSpecs(model),
    queue,
    log,
    chaos,
    new Tracer(sink, {}, 'local-cloud/sns'),
  );
  const events = new EventsService(ruleSpecs(model), queue, { region, accountId }, log);
  events.tracer = new Tracer(sink, {}, 'local-cloud/events');
  stops.add(() => Promise.resolve(events.stop()));
  return { queue, sns, events };
};

/**
 * State machines and REST APIs, wired to the functions, SNS and DynamoDB. Each change of an execution's
 * status goes on EventBridge's bus as Step Functions sends it ("Step Functions Execution Status Change").
 */
export const startServices = (
  context: Context,
  runtime: LambdaRuntime,
  { sns, events }: { sns: SnsService; events: EventsService },
  client: Promise<DynamoDBClient>,
) => {
  const { options, model, region, accountId, log, stops } = context;
  const changes = new ExecutionChanges();
  const invoke = (arn: string, event: unknown, invocation?: { traceHeader?: string }) =>
    runtime.invoke(arn, event, invocation);
  const stepFunctions = new StepFunctionsService(
    stateMachineSpecs(model),
    {
      invokeLambda: invoke,
      publish: (params, traced) => sns.publish(params, traced),
      dynamodb: dynamodbActions(client),
      putEvents: (entries, traced) =>
        entries.map((entry) => {
          // The Detail of an optimized integration is JSON (an object), or JSON text.
          const detail = typeof entry.Detail === 'string' ? (JSON.parse(entry.Detail) as unknown) : entry.Detail;
          const event = events.event(
            String(entry.Source ?? ''),
            String(entry.DetailType ?? ''),
            (detail ?? {}) as Record<string, unknown>,
            entry.Resources ?? [],
          );
          events.put(event, entry.TraceHeader ?? traced?.traceHeader);
          return event.id;
        }),
    },
    {
      region,
      accountId,
      dataDir: mkdir(join(stateDir(context), 'stepfunctions')),
      retryIntervalScale: options.retryIntervalScale ?? 1,
      traces: traceSink(context),
      onStatusChange: (record, detail) => {
        changes.record(record);
        context.cloudwatch.execution(record);
        const event = events.event(STATUS_CHANGE_SOURCE, STATUS_CHANGE_DETAIL_TYPE, { ...detail }, [
          record.executionArn,
        ]);
        events.put(event, record.trace ?? record.traceHeader);
      },
      onEvent: (record, event) => {
        if (event.type.startsWith('Execution'))
          log(
            `${event.type.replace('Execution', 'execution ').toLowerCase()}: ${record.name} (${record.stateMachineArn.split(':').pop()})`,
          );
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
    for (const stage of spec.stages)
      apis.set(
        `${spec.id}/${stage}`,
        new RestApiGateway(spec, stage, invoke, { region, accountId }, options.enforceAuthorizers ?? true),
      );
  }
  for (const gateway of apis.values()) {
    gateway.onCall = (call) => context.cloudwatch.apiCall(call);
    gateway.tracing = stageTracing(traceSink(context), gateway.spec, gateway.stage, region);
  }
  return { stepFunctions, apis, changes };
};

/**
 * CloudWatch: the template's alarms and dashboards, fed by the functions' EMF records and invocation
 * reports. It starts before SNS: its alarms' actions wait until cloud.ts wires them (`actions.publishWith`).
 */
export const startCloudWatch = (
  model: StackModel,
  accountId: string,
  logs: LogHub,
  log: (message: string) => void,
  stops: Stops,
  { region, webhook }: { region?: string; webhook?: string } = {},
) => {
  const { alarms, composites, skipped } = alarmSpecs(model);
  for (const reason of skipped) log(`alarm not evaluated locally: ${reason}`);
  const cloudwatch = new CloudWatchService(alarms, dashboardSpecs(model), {
    ...{ accountId, log, composites, region },
    alertWebhook: webhook,
  });
  logs.subscribe(cloudwatch);
  cloudwatch.start();
  stops.add(() => cloudwatch.stop());
  return cloudwatch;
};

/** Demo data through the services' own stores, into the tables the functions are bound to. */
export const seed = async ({ options, model, template }: Context, realm: Realm): Promise<string | undefined> => {
  if (!options.seed) return undefined;
  const bindings = tableBindings(template);
  const tableFor = (variable: string) => {
    const logicalId = bindings.get(variable);
    if (!logicalId) throw new Error(`No function of the stack binds a table to ${variable}`);
    return model.physicalName(logicalId);
  };
  return options.seed(tableFor, realm);
};
