import { randomUUID } from 'node:crypto';
import type { HttpResponse } from '../http/messages';
import type { InvokeResult } from '../lambda/invocation';
import type { GatewayResponseSpec } from './specs';

/** One of API Gateway's own refusals, before the API's gateway responses reword it. */
export interface GatewayError extends HttpResponse {
  gateway: { type: string; message: string | null };
}

/** API Gateway's own error responses, with its default bodies. */
const gatewayError = (
  type: string,
  status: number,
  key: 'message' | 'Message',
  message: string | null,
  errorType: string,
): GatewayError => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType },
  body: JSON.stringify({ [key]: message }),
  gateway: { type, message },
});

export const MISSING_TOKEN = () =>
  gatewayError(
    'MISSING_AUTHENTICATION_TOKEN',
    403,
    'message',
    'Missing Authentication Token',
    'MissingAuthenticationTokenException',
  );
export const UNAUTHORIZED = () => gatewayError('UNAUTHORIZED', 401, 'message', 'Unauthorized', 'UnauthorizedException');
export const DENIED = () =>
  gatewayError(
    'ACCESS_DENIED',
    403,
    'Message',
    'User is not authorized to access this resource with an explicit deny',
    'AccessDeniedException',
  );
export const NOT_ALLOWED = () =>
  gatewayError(
    'ACCESS_DENIED',
    403,
    'Message',
    'User is not authorized to access this resource',
    'AccessDeniedException',
  );
export const AUTHORIZER_FAILED = () =>
  gatewayError('AUTHORIZER_CONFIGURATION_ERROR', 500, 'message', null, 'AuthorizerConfigurationException');
export const BAD_GATEWAY = () =>
  gatewayError('DEFAULT_5XX', 502, 'message', 'Internal server error', 'InternalServerErrorException');
export const TIMED_OUT = () =>
  gatewayError('INTEGRATION_TIMEOUT', 504, 'message', 'Endpoint request timed out', 'IntegrationTimeout');
export const TOO_LARGE = () =>
  gatewayError('REQUEST_TOO_LARGE', 413, 'message', 'Request Too Long', 'RequestTooLargeException');
export const HEADERS_TOO_LARGE = () =>
  gatewayError('REQUEST_TOO_LARGE', 431, 'message', 'Request Header Fields Too Large', 'RequestTooLargeException');
export const BAD_REQUEST = (message: string) =>
  gatewayError('BAD_REQUEST_PARAMETERS', 400, 'message', message, 'BadRequestException');
export const INTERNAL = () =>
  gatewayError('DEFAULT_5XX', 500, 'message', 'Internal server error', 'InternalServerErrorException');

export const isGatewayError = (response: HttpResponse): response is GatewayError => 'gateway' in response;

/**
 * Applies the API's gateway response for this kind of refusal (or its DEFAULT_4XX/5XX): status,
 * headers, and the body template with the `$context` values API Gateway fills in.
 */
export const reword = (
  { gateway, ...response }: GatewayError,
  responses: ReadonlyMap<string, GatewayResponseSpec>,
): HttpResponse => {
  const custom = responses.get(gateway.type) ?? responses.get(response.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
  if (!custom) return response;
  const body =
    custom.template === undefined
      ? response.body
      : custom.template
          .replaceAll('$context.error.messageString', JSON.stringify(gateway.message))
          .replaceAll('$context.error.message', gateway.message ?? '')
          .replaceAll('$context.error.responseType', gateway.type)
          .replaceAll('$context.requestId', randomUUID());
  return { status: custom.status ?? response.status, headers: { ...response.headers, ...custom.headers }, body };
};

/** The HTTP response of a Lambda proxy integration: the function's `{statusCode, headers, body}`, or a 502/504. */
export const proxyResponse = (result: InvokeResult): HttpResponse => {
  if (result.functionError) {
    const error = result.payload as { errorType?: string };
    if (error?.errorType === 'Sandbox.Timedout') return TIMED_OUT();
    return BAD_GATEWAY();
  }
  const output = result.payload as {
    statusCode?: unknown;
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown[]>;
    body?: unknown;
    isBase64Encoded?: boolean;
  } | null;
  if (!output || typeof output !== 'object' || !Number.isInteger(output.statusCode)) return BAD_GATEWAY();
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(output.headers ?? {})) headers[key.toLowerCase()] = String(value);
  for (const [key, values] of Object.entries(output.multiValueHeaders ?? {}))
    headers[key.toLowerCase()] = values.map(String);
  headers['x-amzn-requestid'] = result.requestId;
  const body =
    typeof output.body === 'string' ? (output.isBase64Encoded ? Buffer.from(output.body, 'base64') : output.body) : '';
  return { status: output.statusCode as number, headers, body };
};
