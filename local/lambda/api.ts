import type { IncomingMessage } from 'node:http';
import { FAULT_EFFECTS } from '../chaos/faults';
import type { FaultTarget, LocalService } from '../http/local-service';
import { type HttpResponse, json } from '../http/messages';
import type { LambdaQueue } from './async';
import { handleFunctionConfiguration } from './configuration';
import type { LambdaRuntime } from './runtime';
import { randomUUID } from 'node:crypto';

const userError = (status: number, type: string, message: string): HttpResponse =>
  json(status, { Type: 'User', message }, { 'x-amzn-errortype': type });

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{name}/invocations`, REST JSON): RequestResponse
 * answers the function's result (with `X-Amz-Function-Error` when it failed), Event queues it and
 * answers 202, DryRun answers 204.
 */
export const handleLambdaInvoke = async (
  runtime: LambdaRuntime,
  queue: LambdaQueue,
  req: IncomingMessage,
  name: string,
  body: Buffer,
): Promise<HttpResponse> => {
  let functionName: string;
  try {
    functionName = decodeURIComponent(name);
  } catch {
    return userError(
      400,
      'ValidationException',
      "1 validation error detected: Value at 'functionName' failed to satisfy constraint: Member must be a function name or ARN",
    );
  }
  const fn = runtime.find(functionName);
  if (!fn) return userError(404, 'ResourceNotFoundException', `Function not found: ${functionName.slice(0, 200)}`);
  let event: unknown;
  try {
    event = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return userError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
  // The caller's X-Ray header (an SDK call from a function sends its own) is the function's.
  const traceHeader = typeof req.headers['x-amzn-trace-id'] === 'string' ? req.headers['x-amzn-trace-id'] : undefined;
  if (req.headers['x-amz-invocation-type'] === 'Event') {
    queue.enqueue(fn.arn, event, 'lambda', traceHeader);
    return { status: 202, headers: { 'x-amzn-requestid': randomUUID() }, body: '' };
  }
  if (req.headers['x-amz-invocation-type'] === 'DryRun') return { status: 204, headers: {}, body: '' };
  const result = await runtime.invoke(fn.arn, event, traceHeader === undefined ? {} : { traceHeader });
  return {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'x-amz-executed-version': '$LATEST',
      'x-amzn-requestid': result.requestId,
      ...(result.functionError && { 'x-amz-function-error': result.functionError }),
    },
    body: JSON.stringify(result.payload),
  };
};

export const LAMBDA_FAULTS: FaultTarget = { service: 'lambda', effects: FAULT_EFFECTS };

const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const CONFIGURATION = /^\/2015-03-31\/functions\/([^/]+)\/configuration$/;

const isConfiguration = (method: string, path: string) =>
  (method === 'GET' || method === 'PUT') && CONFIGURATION.test(path);

/** The function a configuration request names, or Lambda's 404. */
const configurationOf = (runtime: LambdaRuntime, method: string, path: string, body: Buffer): HttpResponse => {
  let name = '';
  try {
    name = decodeURIComponent(CONFIGURATION.exec(path)![1]!);
  } catch {
    // Not a name any function has: the 404 below.
  }
  const fn = runtime.find(name);
  if (!fn) return userError(404, 'ResourceNotFoundException', `Function not found: ${name.slice(0, 200)}`);
  return handleFunctionConfiguration(runtime, method, fn, body);
};

/** Lambda on the edge (REST JSON): Invoke, and Get/UpdateFunctionConfiguration (configuration.ts). */
export const lambdaEdge = (runtime: LambdaRuntime, queue: LambdaQueue): LocalService => ({
  name: 'lambda',
  recognises: (request) =>
    (request.method === 'POST' && INVOKE.test(request.path)) || isConfiguration(request.method, request.path),
  handle: async (request) =>
    isConfiguration(request.method, request.path)
      ? configurationOf(runtime, request.method, request.path, await request.body())
      : handleLambdaInvoke(runtime, queue, request.req, INVOKE.exec(request.path)![1]!, await request.body()),
  health: () => 'running',
  faults: LAMBDA_FAULTS,
});
