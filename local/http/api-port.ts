import { createServer, type Server } from 'node:http';
import type { RestApiGateway } from '../apigateway/gateway';
import { json, readBody, send, toHttpRequest } from './server';

/** The API port: one REST API stage served at the root, as a custom domain serves it on AWS. */
export const createApiPort = (gateway: RestApiGateway | undefined, onError: (error: Error) => void): Server =>
  createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://api');
    readBody(req)
      .then(async (body) => {
        if (!gateway) return send(res, json(404, { message: 'The stack has no REST API' }));
        return send(res, await gateway.handle(toHttpRequest(req, url.pathname, url.searchParams, body)));
      })
      .catch((error: Error) => {
        onError(error);
        if (!res.headersSent) send(res, json(500, { message: 'Internal server error' }));
      });
  });
