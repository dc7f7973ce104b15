// The HTTP messages every emulated service reads and answers, whatever its wire protocol.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** An HTTP request as the emulated services see it: the body read, the path below their mount point. */
export interface HttpRequest {
  method: string;
  /** The path below the mount point, e.g. `/orders/123` below an API stage. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}

export const toHttpRequest = (
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
  body: Buffer,
): HttpRequest => ({
  method: String(req.method),
  path: path || '/',
  query,
  headers: req.headers,
  body,
  sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
});

export const send = (res: ServerResponse, response: HttpResponse): void => {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
};

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
