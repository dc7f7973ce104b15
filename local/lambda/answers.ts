import { type HttpResponse, json } from '../http/messages';
import type { LambdaRuntime } from './runtime';
import type { FunctionSpec } from './specs';

// What Lambda's REST API answers alike for every operation on `/2015-03-31/functions/{name}/…`.

/** A refusal in Lambda's shape: the error's type in `X-Amzn-ErrorType`, the message in the body. */
export const userError = (status: number, type: string, message: string): HttpResponse =>
  json(status, { Type: 'User', message }, { 'x-amzn-errortype': type });

/** The function the path names (percent-encoded), or Lambda's 400 for a name that is not one, or its 404. */
export const functionOf = (runtime: LambdaRuntime, encodedName: string): FunctionSpec | HttpResponse => {
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return userError(
      400,
      'ValidationException',
      "1 validation error detected: Value at 'functionName' failed to satisfy constraint: Member must be a function name or ARN",
    );
  }
  return runtime.find(name) ?? userError(404, 'ResourceNotFoundException', `Function not found: ${name.slice(0, 200)}`);
};

/** Whether `functionOf` answered a refusal rather than a function. */
export const isAnswer = (found: FunctionSpec | HttpResponse): found is HttpResponse => 'status' in found;
