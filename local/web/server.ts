import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { extname } from 'node:path';
import { createFront, type FrontRequest } from '../http/front';
import { type HttpResponse, json } from '../http/messages';

/** What the web server serves: the built files by path below the root, and the page's config. */
export interface WebSite {
  files: Map<string, Uint8Array>;
  /** Served as `/config.json`: the endpoints the pages talk to. */
  config: Record<string, string>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers on every answer: no sniffing, no framing by other sites, no referrer sent to the API. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Request bodies are never read: a static server takes none. */
const MAX_BODY = 64 * 1024;

const error = (status: number, code: string, message: string, headers: Record<string, string> = {}): HttpResponse =>
  json(status, { error: code, message }, { ...SECURITY_HEADERS, 'cache-control': 'no-store', ...headers });

/** A served file: its body, content type and strong ETag, computed once. */
interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const asset = (path: string, contents: Uint8Array | string): Asset => {
  const body = Buffer.from(contents);
  return {
    body,
    type: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
};

/**
 * The file a URL path names, or an answer refusing it: percent-decoded once, `..`, `.` and empty
 * segments, backslashes and NULs refused (400), a folder served by its `index.html`, a folder named
 * without its trailing slash redirected to it.
 */
const locate = (rawPath: string, assets: Map<string, Asset>): { path: string } | HttpResponse => {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return error(400, 'BAD_REQUEST', 'The path is not valid percent-encoding');
  }
  const segments = path.split('/').slice(1);
  if (
    !path.startsWith('/') ||
    /[\\\0]/.test(path) ||
    segments.some((s, i) => s === '..' || s === '.' || (s === '' && i < segments.length - 1))
  ) {
    return error(400, 'BAD_REQUEST', 'The path must be a plain path below the site root');
  }
  const relative = segments.join('/');
  if (relative === '' || relative.endsWith('/')) return { path: `${relative}index.html` };
  if (assets.has(`${relative}/index.html`))
    return { status: 301, headers: { ...SECURITY_HEADERS, location: `/${relative}/` }, body: '' };
  return { path: relative };
};

/** An asset, or 304 when the browser holds this version. HTML and config revalidate every time; so do the scripts, whose names carry no hash. */
const serveAsset = (request: FrontRequest, found: Asset): HttpResponse => {
  const headers = { ...SECURITY_HEADERS, 'content-type': found.type, etag: found.etag, 'cache-control': 'no-cache' };
  if (request.req.headers['if-none-match'] === found.etag) return { status: 304, headers, body: '' };
  return {
    status: 200,
    headers: { ...headers, 'content-length': String(found.body.length) },
    body: request.method === 'HEAD' ? '' : found.body,
  };
};

/** Answers one request from the site's assets. */
const answer = (request: FrontRequest, assets: Map<string, Asset>): HttpResponse => {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return error(
      405,
      'METHOD_NOT_ALLOWED',
      `${request.method} is not allowed: this server serves static files (GET, HEAD)`,
      { allow: 'GET, HEAD' },
    );
  }
  const located = locate(request.path, assets);
  if ('status' in located) return located;
  const found = assets.get(located.path);
  if (!found) return error(404, 'NOT_FOUND', `No file at /${located.path.replace(/index\.html$/, '')}`);
  return serveAsset(request, found);
};

/**
 * The web server: the built pages and `/config.json`, GET and HEAD only, with content types, ETags
 * and revalidation, traversal refused and unknown paths answered with a JSON 404. It sits on the same
 * hardened front as the API and the edge, so no request can stop it.
 */
export const createWebServer = (site: WebSite, onError: (error: Error) => void): Server => {
  const assets = new Map<string, Asset>([...site.files].map(([path, contents]) => [path, asset(path, contents)]));
  assets.set('config.json', asset('config.json', JSON.stringify(site.config, null, 2)));
  return createFront((request) => Promise.resolve(answer(request, assets)), {
    maxBody: MAX_BODY,
    onError,
    answers: {
      tooLarge: (limit) => error(413, 'PAYLOAD_TOO_LARGE', `A static server takes no body (limit ${limit} bytes)`),
      headersTooLarge: () => error(431, 'HEADERS_TOO_LARGE', 'The request headers are too large'),
      malformed: () => error(400, 'BAD_REQUEST', 'The request could not be parsed'),
      failed: () => error(500, 'INTERNAL_ERROR', 'The web server could not answer this request'),
    },
  });
};
