import { createHash } from 'node:crypto';
import { type HttpResponse, json } from '../http/messages';
import { userError } from './answers';
import type { FunctionUpdate, LambdaRuntime } from './runtime';
import type { FunctionSpec } from './specs';

// Lambda's GetFunctionConfiguration and UpdateFunctionConfiguration (REST JSON,
// `/2015-03-31/functions/{name}/configuration`), for what the local runtime honours: the environment,
// the timeout and the memory size. An operator tunes a function as on AWS (a circuit's thresholds, say)
// with `aws lambda update-function-configuration`, and the next invocation runs with it. A restart of
// the cloud deploys the template again, as a stack update would.

const invalid = (message: string): HttpResponse => userError(400, 'InvalidParameterValueException', message);

/** What Lambda keeps for itself: these cannot be set (AWS answers the same refusal). */
const RESERVED = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);
const KEY = /^[a-zA-Z][a-zA-Z0-9_]+$/;
/** Lambda's limit on all of a function's variables together. */
const ENVIRONMENT_BYTES = 4096;
const HONOURED = new Set(['Environment', 'Timeout', 'MemorySize', 'RevisionId']);

/** The function's configuration as Lambda answers it. */
export const functionConfiguration = (fn: FunctionSpec) => ({
  FunctionName: fn.name,
  FunctionArn: fn.arn,
  Runtime: 'nodejs22.x',
  Handler: fn.handler,
  Timeout: fn.timeoutSeconds,
  MemorySize: fn.memorySize,
  Environment: { Variables: fn.environment },
  Version: '$LATEST',
  PackageType: 'Zip',
  Architectures: ['x86_64'],
  State: 'Active',
  LastUpdateStatus: 'Successful',
  RevisionId: revisionOf(fn),
});

/** A revision id that changes with what can be changed, as Lambda's does with each update. */
const revisionOf = (fn: FunctionSpec) => {
  const hash = createHash('sha256')
    .update(JSON.stringify([fn.entry, fn.environment, fn.timeoutSeconds, fn.memorySize]))
    .digest('hex');
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
};

type Change = Partial<Pick<FunctionSpec, FunctionUpdate>>;

/** The request's change, or the 400 Lambda answers for it. */
const changeOf = (body: Record<string, unknown>, fn: FunctionSpec): Change | HttpResponse => {
  const unsupported = Object.keys(body).filter((key) => !HONOURED.has(key));
  if (unsupported.length)
    return invalid(`The local cloud updates Environment, Timeout and MemorySize only, not ${unsupported.join(', ')}`);
  if (body.RevisionId !== undefined && body.RevisionId !== revisionOf(fn))
    return userError(
      412,
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id.',
    );
  const change: Change = {};
  if (body.Timeout !== undefined) {
    if (!Number.isInteger(body.Timeout) || (body.Timeout as number) < 1 || (body.Timeout as number) > 900)
      return invalid('Timeout must be a whole number of seconds from 1 to 900');
    change.timeoutSeconds = body.Timeout as number;
  }
  if (body.MemorySize !== undefined) {
    if (!Number.isInteger(body.MemorySize) || (body.MemorySize as number) < 128 || (body.MemorySize as number) > 10240)
      return invalid('MemorySize must be a whole number of MB from 128 to 10240');
    change.memorySize = body.MemorySize as number;
  }
  if (body.Environment !== undefined) {
    if (typeof body.Environment !== 'object' || body.Environment === null || Array.isArray(body.Environment))
      return invalid('Environment is an object: { "Variables": { "NAME": "value" } }');
    const { Variables: variables = {} } = (body.Environment ?? {}) as { Variables?: unknown };
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables))
      return invalid('Environment.Variables must be a map of names to strings');
    const entries = Object.entries(variables);
    const bad = entries.find(([key, value]) => !KEY.test(key) || typeof value !== 'string');
    if (bad) return invalid(`Environment variable ${bad[0].slice(0, 100)}: a name of letters, digits and _, a string`);
    const reserved = entries.map(([key]) => key).filter((key) => RESERVED.has(key));
    if (reserved.length)
      return invalid(
        `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
      );
    if (Buffer.byteLength(JSON.stringify(variables)) > ENVIRONMENT_BYTES)
      return invalid(`Environment variables exceed the ${ENVIRONMENT_BYTES} bytes Lambda allows`);
    change.environment = variables as Record<string, string>;
  }
  return change;
};

/** GET answers the configuration; PUT applies a change and answers the new one. */
export const handleFunctionConfiguration = (
  runtime: LambdaRuntime,
  method: string,
  fn: FunctionSpec,
  body: Buffer,
): HttpResponse => {
  if (method === 'GET') return json(200, functionConfiguration(fn));
  let request: unknown;
  try {
    request = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return invalid('Could not parse request body into json');
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    return invalid('The request body is a JSON object');
  const change = changeOf(request as Record<string, unknown>, fn);
  if ('status' in change) return change;
  return json(200, functionConfiguration(runtime.update(fn.arn, change)));
};
