import type { Server } from 'node:http';
import { edgeCors } from './cors';
import { createFront, type FrontRequest } from './front';
import { edgeRequest, type LocalService } from './local-service';
import { type HttpResponse, json } from './messages';

/**
 * Which service a request is for, and its answer: each service in the registry's order says whether
 * the request is its own by its protocol (see LocalService); each wire protocol lives in its
 * service's `api.ts`. DynamoDB is streamed to DynamoDB Local; the others read the body when they need it.
 */
const dispatch = async (services: readonly LocalService[], front: FrontRequest): Promise<HttpResponse | undefined> => {
  const { req, res, method, path } = front;
  const preflight = edgeCors(req, res, method, path);
  if (preflight) return preflight;
  const request = edgeRequest(front);
  for (const service of services) {
    if (service.recognises && service.handle && (await service.recognises(request))) return service.handle(request);
  }
  const { target } = request;
  return json(400, {
    __type: 'UnknownOperationException',
    message: `The local cloud does not serve ${method} ${path.slice(0, 200)}${target ? ` (${target.slice(0, 100)})` : ''}`,
  });
};

/** The edge's own refusals, in the JSON error shape AWS's JSON protocols use. */
const refusal = (status: number, type: string, message: string) =>
  json(status, { __type: type, message }, { 'x-amzn-errortype': type });

/**
 * The edge on LocalStack's port: one HTTP endpoint that speaks each service's AWS wire protocol, so
 * that the AWS SDK and CLI work unchanged with `--endpoint-url`. No request can stop it: junk gets
 * AWS's error shapes (see front.ts).
 */
export const createEdge = (services: readonly LocalService[], onError: (error: Error) => void): Server =>
  createFront((request) => dispatch(services, request), {
    maxBody: EDGE_PAYLOAD_LIMIT,
    onError,
    answers: {
      tooLarge: (limit) =>
        refusal(413, 'RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes`),
      headersTooLarge: () => refusal(431, 'RequestHeaderFieldsTooLarge', 'The request headers are too large'),
      malformed: (reason) => refusal(400, 'BadRequestException', `The request could not be parsed (${reason})`),
      failed: () => refusal(500, 'InternalFailure', 'The local cloud failed to handle this request'),
    },
  });

/** The largest body the edge reads (DynamoDB, streamed to DynamoDB Local, is bounded there): Lambda's invocation limit. */
export const EDGE_PAYLOAD_LIMIT = 6 * 1024 * 1024;
