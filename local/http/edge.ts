import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { handleApiGatewayRequest } from '../apigateway/api';
import type { RestApiGateway } from '../apigateway/gateway';
import { handleChaosRequest } from '../chaos/api';
import type { Chaos } from '../chaos/faults';
import { handleCloudWatchRequest } from '../cloudwatch/api';
import type { CloudWatchService } from '../cloudwatch/service';
import { type ControlSources, handleControlRequest } from '../control/api';
import { handleLambdaInvoke } from '../lambda/api';
import type { LambdaQueue } from '../lambda/async';
import type { LambdaRuntime } from '../lambda/runtime';
import { handleSnsRequest } from '../sns/api';
import type { SnsService } from '../sns/service';
import { handleStepFunctionsRequest } from '../stepfunctions/api';
import type { ExecutionChanges } from '../stepfunctions/changes';
import type { StepFunctionsService } from '../stepfunctions/service';
import { edgeCors } from './cors';
import { createFront, type FrontRequest } from './front';
import { type HttpResponse, json } from './messages';

export interface EdgeServices {
  dynamodb: (req: IncomingMessage, res: ServerResponse) => void;
  stepFunctions: StepFunctionsService;
  sns: SnsService;
  lambda: LambdaRuntime;
  /** Lambda's queue of asynchronous invocations (Invoke with `Event`). */
  queue: LambdaQueue;
  apis: ReadonlyMap<string, RestApiGateway>;
  control: ControlSources;
  chaos: Chaos;
  /** Executions' status changes, followed at `/_local/executions/changes`. */
  changes: ExecutionChanges;
  /** CloudWatch (both its protocols) and Prometheus's `GET /metrics`. */
  cloudwatch?: CloudWatchService;
}

/** The service a SigV4-signed request is for, from its credential scope (`…/us-east-1/sns/aws4_request`). */
const signedService = (req: IncomingMessage): string | undefined =>
  /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''))?.[1];

const isForm = (req: IncomingMessage) => String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

/**
 * Which service a request is for, by protocol, and its answer: each service's wire protocol lives
 * in its own `api.ts`. DynamoDB is streamed to DynamoDB Local; everything else reads the body first.
 */
const dispatch = async (services: EdgeServices, request: FrontRequest): Promise<HttpResponse | undefined> => {
  const { req, res, method, path, query } = request;
  const preflight = edgeCors(req, res, method, path);
  if (preflight) return preflight;
  const target = String(req.headers['x-amz-target'] ?? '');
  if (target.startsWith('DynamoDB_')) {
    services.dynamodb(req, res);
    return undefined;
  }
  const body = await request.body();
  const cloudwatch = services.cloudwatch && (await handleCloudWatchRequest(services.cloudwatch, req, path, body));
  if (cloudwatch) return cloudwatch;
  if (target.startsWith('AWSStepFunctions.')) return handleStepFunctionsRequest(services.stepFunctions, target.slice('AWSStepFunctions.'.length), body, services.chaos);
  const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
  if (invoke && method === 'POST') return handleLambdaInvoke(services.lambda, services.queue, req, invoke[1]!, body);
  const api = await handleApiGatewayRequest(services.apis, req, path, query, () => Promise.resolve(body));
  if (api) return api;
  const form = isForm(req) ? new URLSearchParams(body.toString('utf8')) : undefined;
  if (form?.has('Action') && (signedService(req) === 'sns' || form.get('Version') === '2010-03-31')) return handleSnsRequest(services.sns, form);
  if (path === '/_local/chaos/faults') return handleChaosRequest(services.chaos, method, body);
  if (path === '/_local/executions/changes' && method === 'GET') return services.changes.handle(query);
  const control = handleControlRequest(services.control, method, path);
  if (control) return control;
  return json(400, { __type: 'UnknownOperationException', message: `The local cloud does not serve ${method} ${path.slice(0, 200)}${target ? ` (${target.slice(0, 100)})` : ''}` });
};

/** The edge's own refusals, in the JSON error shape AWS's JSON protocols use. */
const refusal = (status: number, type: string, message: string) => json(status, { __type: type, message }, { 'x-amzn-errortype': type });

/**
 * The edge on LocalStack's port: one HTTP endpoint that speaks each service's AWS wire protocol, so
 * that the AWS SDK and CLI work unchanged with `--endpoint-url`. No request can stop it: junk gets
 * AWS's error shapes (see front.ts).
 */
export const createEdge = (services: EdgeServices, onError: (error: Error) => void): Server =>
  createFront((request) => dispatch(services, request), {
    maxBody: EDGE_PAYLOAD_LIMIT,
    onError,
    answers: {
      tooLarge: (limit) => refusal(413, 'RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes`),
      headersTooLarge: () => refusal(431, 'RequestHeaderFieldsTooLarge', 'The request headers are too large'),
      malformed: (reason) => refusal(400, 'BadRequestException', `The request could not be parsed (${reason})`),
      failed: () => refusal(500, 'InternalFailure', 'The local cloud failed to handle this request'),
    },
  });

/** The largest body the edge reads (DynamoDB, streamed to DynamoDB Local, is bounded there): Lambda's invocation limit. */
export const EDGE_PAYLOAD_LIMIT = 6 * 1024 * 1024;
