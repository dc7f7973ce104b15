import type { LocalService } from '../http/local-service';
import { type HttpResponse, json } from '../http/messages';
import type { LambdaRuntime } from '../lambda/runtime';
import type { FunctionSpec } from '../lambda/specs';
import { shortName } from '../cloudformation/template';
import type { LogHub } from '../logs/hub';

/** What the local cloud tells about itself at `/_local/…` (and LocalStack's `/_localstack/health`). */
export interface ControlSources {
  /** The cloud's registry of services. */
  services: () => readonly LocalService[];
  logs: LogHub;
  runtime: LambdaRuntime;
  /** The stack's outputs, resolved to their local values (as `aws cloudformation describe-stacks` lists them). */
  outputs: Record<string, string>;
  /** How the start went: each phase's milliseconds, and the processes (for benchmarks and operators). */
  startup: Record<string, number | string>;
  /** The DynamoDB calls the edge has forwarded, by operation. */
  dynamodbCalls: ReadonlyMap<string, number>;
}

const functionInfo = (fn: FunctionSpec) => ({
  name: fn.name,
  shortName: shortName(fn.logicalId),
  arn: fn.arn,
  timeoutSeconds: fn.timeoutSeconds,
  memorySize: fn.memorySize,
});

/** The read-only endpoints, by name: each answers JSON. */
const ENDPOINTS = {
  health: (s: ControlSources) => ({
    services: Object.fromEntries(
      s.services().flatMap((service) => (service.health ? [[service.name, service.health()]] : [])),
    ),
    edition: 'serverless-shop-local',
  }),
  metrics: (s: ControlSources) => s.logs.metrics,
  logs: (s: ControlSources) => s.logs.lines,
  reports: (s: ControlSources) => s.logs.reports,
  functions: (s: ControlSources) => s.runtime.functions.map(functionInfo),
  workers: (s: ControlSources) => s.runtime.stats(),
  outputs: (s: ControlSources) => s.outputs,
  startup: (s: ControlSources) => s.startup,
  'dynamodb-calls': (s: ControlSources) => Object.fromEntries(s.dynamodbCalls),
} as const;

export type ControlEndpoint = keyof typeof ENDPOINTS;

const isEndpoint = (name: string | undefined): name is ControlEndpoint =>
  name !== undefined && Object.hasOwn(ENDPOINTS, name);

const endpointOf = (path: string) =>
  path === '/_localstack/health' ? 'health' : /^\/_local\/([a-z-]+)$/.exec(path)?.[1];

/** Answers `GET /_local/{name}` and `/_localstack/health`; undefined for any other path. */
export const handleControlRequest = (
  sources: ControlSources,
  method: string,
  path: string,
): HttpResponse | undefined => {
  const name = endpointOf(path);
  if (!isEndpoint(name)) return undefined;
  if (method !== 'GET' && method !== 'HEAD')
    return json(405, { __type: 'MethodNotAllowed', message: `${method} is not allowed on ${path}` });
  return json(200, ENDPOINTS[name](sources));
};

/** What the local cloud tells about itself, on the edge. */
export const controlEdge = (sources: ControlSources): LocalService => ({
  name: 'control',
  recognises: (request) => isEndpoint(endpointOf(request.path)),
  handle: (request) => handleControlRequest(sources, request.method, request.path),
});
