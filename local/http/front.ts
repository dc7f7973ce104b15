import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type HttpResponse, send } from './messages';

/** A request as a front hands it on: method, path (percent-encoding kept) and query parsed safely, the body read on demand. */
export interface FrontRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** The path as sent, percent-encoding kept. */
  path: string;
  query: URLSearchParams;
  /** The body, read whole; rejects with BodyTooLarge past the front's limit. */
  body: () => Promise<Buffer>;
}

/** How a front words its own refusals: each in its protocol's error shape. */
export interface FrontAnswers {
  /** The body is larger than the front takes (413). */
  tooLarge(limit: number): HttpResponse;
  /** The headers are larger than Node parses (431). */
  headersTooLarge(): HttpResponse;
  /** A request Node cannot parse: an unknown method, a broken request line or header (`reason` is Node's code). */
  malformed(reason: string): HttpResponse;
  /** Anything else that went wrong while answering: a 500 that tells nothing of it. */
  failed(): HttpResponse;
}

export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

/** A body over the limit is still read, up to this many times the limit, so the client gets the 413 before the connection closes. */
const DRAIN_FACTOR = 4;

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return chunks.push(chunk);
      req.off('data', onData);
      // Keep reading and dropping what comes, up to a bound, then stop the connection.
      let drained = size;
      req.on('data', (more: Buffer) => {
        drained += more.length;
        if (drained > limit * DRAIN_FACTOR) req.destroy();
      });
      reject(new BodyTooLarge(`The body is larger than ${limit} bytes`));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** The path and query of a request target: origin form (`/a?b`) or absolute form (`http://host/a?b`); undefined when it is neither. */
const parseTarget = (target: string): { path: string; query: URLSearchParams } | undefined => {
  let path = target;
  if (!target.startsWith('/')) {
    try {
      const url = new URL(target);
      path = url.pathname + url.search;
    } catch {
      return undefined;
    }
  }
  const mark = path.indexOf('?');
  return mark < 0
    ? { path, query: new URLSearchParams() }
    : { path: path.slice(0, mark), query: new URLSearchParams(path.slice(mark + 1)) };
};

/** An answer written straight to a socket, for requests Node refused to parse (no ServerResponse exists for them). */
const writeRaw = (socket: Duplex, response: HttpResponse) => {
  const body = Buffer.from(response.body);
  const headers = Object.entries({
    ...response.headers,
    'content-length': String(body.length),
    connection: 'close',
  }).map(([k, v]) => `${k}: ${[v].flat().join(', ')}`);
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n${headers.join('\r\n')}\r\n\r\n`,
      ),
      body,
    ]),
  );
};

/**
 * An HTTP front that no request can stop: the request line is parsed without throwing, the body is
 * bounded, Node's own parse failures are answered in the front's error shape, and anything a handler
 * throws becomes a 500 that tells nothing of it. `handle` answers a response, or undefined when it
 * answered itself (a stream).
 */
export const createFront = (
  handle: (request: FrontRequest) => Promise<HttpResponse | undefined>,
  options: { maxBody: number; answers: FrontAnswers; onError: (error: Error) => void },
): Server => {
  const { maxBody, answers, onError } = options;
  const answer = (res: ServerResponse, response: HttpResponse, close = false) => {
    if (res.headersSent) return void res.destroy();
    if (close) res.setHeader('connection', 'close');
    send(res, response);
  };
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const target = parseTarget(req.url ?? '/');
    if (!target) return answer(res, answers.malformed('HPE_INVALID_URL'), true);
    if (Number(req.headers['content-length'] ?? 0) > maxBody) {
      readBody(req, maxBody).catch(() => undefined);
      return answer(res, answers.tooLarge(maxBody), true);
    }
    const request: FrontRequest = {
      req,
      res,
      method: String(req.method),
      ...target,
      body: () => readBody(req, maxBody),
    };
    handle(request)
      .then((response) => response && answer(res, response))
      .catch((error: Error) => {
        if (error instanceof BodyTooLarge) return answer(res, answers.tooLarge(maxBody), true);
        onError(error);
        answer(res, answers.failed(), true);
      });
  };
  const server = createServer(serve);
  // A client that asks before sending a large body (Expect: 100-continue) is told at once.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBody) return answer(res, answers.tooLarge(maxBody), true);
    res.writeContinue();
    serve(req, res);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    writeRaw(
      socket,
      error.code === 'HPE_HEADER_OVERFLOW' ? answers.headersTooLarge() : answers.malformed(error.code ?? 'HPE_INVALID'),
    );
  });
  return server;
};
