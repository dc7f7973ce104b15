import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from './zod';
import { BadRequest, HttpError } from './errors';
import { logger } from './observability';

/**
 * Every answer is JSON, readable by a page on any origin: the API's CORS preflight allows every
 * origin, and with the Lambda proxy integration the answer itself must say so too.
 */
const JSON_HEADERS = { 'content-type': 'application/json', 'Access-Control-Allow-Origin': '*' };

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

export const errorBody = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
  error: code,
  message,
  ...extra,
});

/** Describes the first issues of a failed validation as `field: problem` pairs. */
const describeIssues = (error: z.core.$ZodError): string =>
  error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');

/**
 * Parses and validates a JSON request body, answering 400 with the offending field when it is wrong.
 * Every handler loads this module, so it takes zod's types only: the schema brings zod (and its
 * messages) into the functions that validate a body, and no further.
 */
export const parseBody = <T extends z.ZodMiniType>(event: APIGatewayProxyEvent, schema: T): z.infer<T> => {
  let raw: unknown;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
    raw = text ? JSON.parse(text) : undefined;
  } catch {
    throw new BadRequest('The request body is not valid JSON', 'INVALID_JSON');
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new BadRequest(describeIssues(result.error), 'VALIDATION_FAILED');
  return result.data;
};

/** Reads a path parameter that the route guarantees, and validates its shape. */
export const pathParam = (event: APIGatewayProxyEvent, name: string, pattern: RegExp): string => {
  const value = event.pathParameters?.[name];
  if (!value || !pattern.test(value)) throw new BadRequest(`Path parameter ${name} is malformed`, 'INVALID_PATH');
  return value;
};

/** Case-insensitive header lookup (API Gateway keeps the client's casing). */
export const header = (event: APIGatewayProxyEvent, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
};

/**
 * The error mapper, registered last so that it sees every error first: known errors become their
 * 4xx with `{ error, message }`; anything else is logged and answered with an opaque 500.
 */
export const httpErrors = (): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: (request) => {
    const { error } = request;
    if (error instanceof HttpError) {
      if (error.statusCode >= 500) logger.error('Request failed', { error });
      request.response = json(error.statusCode, errorBody(error.code, error.message, error.extra));
      return;
    }
    logger.error('Unhandled error', { error: error as Error });
    request.response = json(500, errorBody('INTERNAL_ERROR', 'Something went wrong on our side'));
  },
});
