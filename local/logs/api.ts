import type { LocalService } from '../http/local-service';
import { type HttpResponse, json } from '../http/messages';
import { ServiceError } from '../support/errors';
import { parseJsonBody } from '../support/json-body';
import { type LogsContext, OPERATIONS } from './operations';

const TARGET = 'Logs_20140328.';
const HEADERS = { 'content-type': 'application/x-amz-json-1.1' };

/** One CloudWatch Logs call: the operation from `X-Amz-Target`, the JSON body, AWS's error shape. */
export const handleLogsRequest = (context: LogsContext, action: string, body: Buffer): HttpResponse => {
  try {
    const operation = Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined;
    if (!operation)
      throw new ServiceError(
        'UnknownOperationException',
        `CloudWatch Logs operation ${action.slice(0, 100)} is not supported by the local cloud`,
      );
    return json(200, operation(context, parseJsonBody(body)), HEADERS);
  } catch (error) {
    if (error instanceof ServiceError)
      return json(error.status, { __type: error.code, message: error.message }, HEADERS);
    throw error;
  }
};

/**
 * CloudWatch Logs on the edge: JSON 1.1, `X-Amz-Target: Logs_20140328.<Operation>`, as the SDK v3 and
 * the AWS CLI send it.
 */
export const logsEdge = (context: LogsContext): LocalService => ({
  name: 'logs',
  recognises: (request) => request.target.startsWith(TARGET),
  handle: async (request) => handleLogsRequest(context, request.target.slice(TARGET.length), await request.body()),
  health: () => 'running',
});
