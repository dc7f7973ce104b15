import type { IncomingMessage } from 'node:http';
import { FAULT_EFFECTS } from '../chaos/faults';
import type { FaultTarget, LocalService } from '../http/local-service';
import type { HttpResponse } from '../http/messages';
import type { LambdaQueue } from './async';
import { functionOf, isAnswer, userError } from './answers';
import { handleFunctionConfiguration } from './configuration';
import type { LambdaRuntime } from './runtime';
import { randomUUID } from 'node:crypto';

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
  const fn = functionOf(runtime, name);
  if (isAnswer(fn)) return fn;
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

/** A configuration request: the function its path names, then Get or Update. */
const configurationOf = (runtime: LambdaRuntime, method: string, path: string, body: Buffer): HttpResponse => {
  const fn = functionOf(runtime, CONFIGURATION.exec(path)![1]!);
  return isAnswer(fn) ? fn : handleFunctionConfiguration(runtime, method, fn, body);
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
