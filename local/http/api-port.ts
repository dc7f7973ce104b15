import type { Server } from 'node:http';
import type { RestApiGateway } from '../apigateway/gateway';
import { BAD_REQUEST, HEADERS_TOO_LARGE, INTERNAL, MISSING_TOKEN, TOO_LARGE } from '../apigateway/responses';
import { createFront } from './front';
import { type HttpResponse, json, toHttpRequest } from './messages';

/** API Gateway's limit on a REST API request's payload. */
export const API_PAYLOAD_LIMIT = 10 * 1024 * 1024;

/**
 * The API port: one REST API stage served at the root, as a custom domain serves it on AWS. Every
 * answer, the front's own refusals included (a body over 10 MB, oversized headers, an unknown
 * method, a request Node cannot parse), goes through the API's gateway responses.
 */
export const createApiPort = (gateway: RestApiGateway | undefined, onError: (error: Error) => void): Server => {
  const answer = (response: HttpResponse) =>
    gateway ? gateway.answer(response) : json(404, { message: 'The stack has no REST API' });
  return createFront(
    async ({ req, path, query, body }) => {
      if (!gateway) return json(404, { message: 'The stack has no REST API' });
      return gateway.handle(toHttpRequest(req, path, query, await body()));
    },
    {
      maxBody: API_PAYLOAD_LIMIT,
      onError,
      answers: {
        tooLarge: () => answer(TOO_LARGE()),
        headersTooLarge: () => answer(HEADERS_TOO_LARGE()),
        // A method Node does not know has no route, as any other method without one.
        malformed: (reason) =>
          answer(reason === 'HPE_INVALID_METHOD' ? MISSING_TOKEN() : BAD_REQUEST('The request could not be parsed')),
        failed: () => answer(INTERNAL()),
      },
    },
  );
};
