import { Agent, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';

/**
 * DynamoDB on the edge: each request is forwarded to DynamoDB Local as it is (the JSON 1.0 protocol
 * with its `X-Amz-Target`), and its answer streamed back, over kept-alive connections.
 */
export const dynamoDbForwarder = (endpoint: string, onError: (error: Error) => void) => {
  const upstream = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return (req: IncomingMessage, res: ServerResponse): void => {
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (error) => {
      onError(error);
      if (!res.headersSent) {
        res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailableException', message: 'DynamoDB Local is not answering' }));
      }
    });
    req.pipe(forward);
  };
};
