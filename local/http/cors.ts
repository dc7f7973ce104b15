import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpResponse } from './server';

/**
 * The response headers a browser may read: AWS's request ids and error types, which the SDK clients
 * read to name an error (`x-amzn-errortype`) and to report a request (`x-amzn-requestid`), and the
 * `x-amz-*` headers the services answer (Lambda's function error and log, S3-style request ids).
 * Access-Control-Expose-Headers takes names, not patterns: the `x-amz-*` the edge answers are listed.
 */
export const EXPOSED_HEADERS = [
  'x-amzn-requestid',
  'x-amzn-errortype',
  'x-amzn-errormessage',
  'x-amzn-trace-id',
  'x-amz-request-id',
  'x-amz-id-2',
  'x-amz-apigw-id',
  'x-amz-function-error',
  'x-amz-log-result',
  'x-amz-executed-version',
  'x-amz-crc32',
  'date',
];

/** How long a browser may keep a preflight's answer (seconds). */
const PREFLIGHT_MAX_AGE = '86400';

/** The LocalStack-style API Gateway paths: the REST API answers its own CORS, as its template says. */
const isApiPath = (path: string) => path.startsWith('/restapis/');

/**
 * CORS for the edge, so that the AWS SDK in a browser (the console on another origin) can call it:
 * every answer allows any origin and exposes AWS's headers; a preflight (OPTIONS with
 * Access-Control-Request-Method) is answered at once with the method and headers it asks for.
 * The edge takes no cookies, so `*` is safe. Returns the preflight's answer, or undefined after
 * setting the headers every other answer carries (also the ones streamed, as DynamoDB's).
 */
export const edgeCors = (req: IncomingMessage, res: ServerResponse, method: string, path: string): HttpResponse | undefined => {
  if (isApiPath(path)) return undefined;
  const requestedMethod = req.headers['access-control-request-method'];
  if (method === 'OPTIONS' && typeof requestedMethod === 'string') {
    const requestedHeaders = req.headers['access-control-request-headers'];
    return {
      status: 204,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': requestedMethod,
        ...(typeof requestedHeaders === 'string' && requestedHeaders && { 'access-control-allow-headers': requestedHeaders }),
        'access-control-max-age': PREFLIGHT_MAX_AGE,
        vary: 'Access-Control-Request-Method, Access-Control-Request-Headers',
      },
      body: '',
    };
  }
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
  return undefined;
};
