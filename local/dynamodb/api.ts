import { Agent, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import { type Chaos, FAULT_EFFECTS, InjectedError } from '../chaos/faults';
import type { FaultTarget, LocalService } from '../http/local-service';

const JSON_TYPE = 'application/x-amz-json-1.0';

/** DynamoDB's error shape: a 400 for what the client did (throttling included), a 500 for the service's own failures. */
const sendError = (res: ServerResponse, code: string, message: string, status?: number) => {
  const clientSide = /Exception$/.test(code) && !/^InternalServer/.test(code);
  res.writeHead(status ?? (clientSide ? 400 : 500), { 'content-type': JSON_TYPE });
  res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message }));
};

/**
 * DynamoDB on the edge: each request is forwarded to DynamoDB Local as it is (the JSON 1.0 protocol
 * with its `X-Amz-Target`), and its answer streamed back, over kept-alive connections. Faults
 * (`/_local/chaos/faults`, service `dynamodb`) fire here: an error answered instead, a delay, a
 * connection reset (`crash`), or a request that reaches the table and whose answer is lost (`timeout`).
 */
export const dynamoDbForwarder = (endpoint: string, onError: (error: Error) => void, chaos?: Chaos) => {
  const upstream = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  /** Sends the request on (its body as read, or streamed), and its answer back, unless the answer is to be lost. */
  const forward = (req: IncomingMessage, res: ServerResponse, answerLost = false, body?: Buffer) => {
    const call = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        if (answerLost) {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    call.on('error', (error) => {
      onError(error);
      if (!res.headersSent) sendError(res, 'ServiceUnavailableException', 'DynamoDB Local is not answering', 503);
    });
    if (body) call.end(body);
    else req.pipe(call);
  };
  const withFaults = async (chaos: Chaos, operation: string, req: IncomingMessage, res: ServerResponse) => {
    // A rule for one table: the request is read first, to know the tables it touches.
    const byTable = chaos.byTable;
    const body = byTable ? await readBody(req) : undefined;
    if (byTable && !body) return sendError(res, 'ValidationException', 'Request size exceeded 16 MB', 413);
    try {
      const fault = await chaos.apply({ service: 'dynamodb', operation, ...(body && { tables: tablesOf(body) }) });
      if (fault?.effect === 'crash') return req.socket.destroy();
      forward(req, res, fault?.effect === 'timeout', body);
    } catch (error) {
      if (!(error instanceof InjectedError)) throw error;
      sendError(res, error.code, error.message, error.fault.error?.statusCode);
    }
  };
  const forwarder = (req: IncomingMessage, res: ServerResponse): void => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    forwarder.calls.set(operation, (forwarder.calls.get(operation) ?? 0) + 1);
    // Without rules, no promise: the forward starts at once.
    if (chaos?.active) void withFaults(chaos, operation, req, res).catch(onError);
    else forward(req, res);
  };
  /** Calls forwarded, by operation: how many DynamoDB calls the functions make. */
  forwarder.calls = new Map<string, number>();
  return forwarder;
};

/** DynamoDB's limit on a request: a longer body is refused, not buffered. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

const readBody = async (req: IncomingMessage): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

/** The tables a request names: `TableName`, `RequestItems`' keys, each transact item's table. */
export const tablesOf = (body: Buffer): string[] => {
  let request: {
    TableName?: unknown;
    RequestItems?: unknown;
    TransactItems?: Record<string, { TableName?: unknown } | undefined>[];
  };
  try {
    request = JSON.parse(body.toString('utf8')) as typeof request;
  } catch {
    return [];
  }
  if (typeof request !== 'object' || request === null) return [];
  const names = [
    request.TableName,
    ...(typeof request.RequestItems === 'object' && request.RequestItems !== null
      ? Object.keys(request.RequestItems)
      : []),
    ...(Array.isArray(request.TransactItems)
      ? request.TransactItems.flatMap((item) => Object.values(item ?? {}).map((action) => action?.TableName))
      : []),
  ];
  return [...new Set(names.filter((name): name is string => typeof name === 'string'))];
};

export const DYNAMODB_FAULTS: FaultTarget = { service: 'dynamodb', effects: FAULT_EFFECTS };

/** DynamoDB on the edge (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.*`), streamed to DynamoDB Local. */
export const dynamodbEdge = (forwarder: ReturnType<typeof dynamoDbForwarder>, alive: () => boolean): LocalService => ({
  name: 'dynamodb',
  recognises: (request) => request.target.startsWith('DynamoDB_'),
  handle: ({ req, res }) => void forwarder(req, res),
  health: () => (alive() ? 'running' : 'error'),
  faults: DYNAMODB_FAULTS,
});
