import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpResponse } from './messages';

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

/** Pages served from this machine: localhost, 127.0.0.1 or [::1], on any port. */
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/**
 * Whether a page of this origin may call the edge: pages served from this machine, and the origins
 * SHOP_CORS_ALLOWED_ORIGINS lists (comma-separated, `*` for any), as LocalStack's
 * EXTRA_CORS_ALLOWED_ORIGINS. Any website a developer visits could otherwise drive the local cloud
 * from the browser: publish to a topic (a form post needs no preflight), add faults, read tables.
 */
export const originAllowed = (origin: string, extra = process.env.SHOP_CORS_ALLOWED_ORIGINS ?? ''): boolean => {
  const listed = extra
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return LOOPBACK_ORIGIN.test(origin) || listed.includes('*') || listed.includes(origin);
};

const refused = (origin: string): HttpResponse => ({
  status: 403,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'AccessDeniedException' },
  body: JSON.stringify({
    __type: 'AccessDeniedException',
    message: `Requests from the origin ${origin.slice(0, 200)} are not allowed: set SHOP_CORS_ALLOWED_ORIGINS to allow it`,
  }),
});

/**
 * CORS for the edge, so that the AWS SDK in a browser (the console on another origin) can call it.
 * A request with no Origin (the SDK or the CLI outside a browser) is not concerned. From an allowed
 * origin, every answer names that origin and exposes AWS's headers, and a preflight (OPTIONS with
 * Access-Control-Request-Method) is answered at once with the method and headers it asks for. From
 * any other origin, the request is refused with a 403 before it reaches a service. Returns the
 * answer to give at once, or undefined after setting the headers every other answer carries (also
 * the ones streamed, as DynamoDB's).
 */
export const edgeCors = (
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
): HttpResponse | undefined => {
  const origin = req.headers.origin;
  if (isApiPath(path) || typeof origin !== 'string') return undefined;
  if (!originAllowed(origin)) return refused(origin);
  const requestedMethod = req.headers['access-control-request-method'];
  if (method === 'OPTIONS' && typeof requestedMethod === 'string') {
    const requestedHeaders = req.headers['access-control-request-headers'];
    return {
      status: 204,
      headers: {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': requestedMethod,
        ...(typeof requestedHeaders === 'string' &&
          requestedHeaders && { 'access-control-allow-headers': requestedHeaders }),
        'access-control-max-age': PREFLIGHT_MAX_AGE,
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      },
      body: '',
    };
  }
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
  return undefined;
};
