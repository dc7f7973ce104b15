import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

/** The one fake Lambda context the tests use. */
export const fakeContext = (functionName = 'test-function', timeoutMs = 10_000): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * A Lambda handler of any event type, as a test binds it: it is given whatever payload the state
 * machine or topic sends, as Lambda gives it, and checks its own input. Declared as a method, whose
 * parameters TypeScript compares bivariantly, so that a handler of a narrower event type fits.
 */
export type AnyHandler = { handle(event: unknown, context: Context): Promise<unknown> }['handle'];

/** The error a Lambda invocation reports: `errorType` is the thrown error's name. */
export const lambdaError = (error: unknown) => {
  const e = error instanceof Error ? error : new Error(String(error));
  return { errorType: e.name || 'Error', errorMessage: e.message, trace: [] as string[] };
};
