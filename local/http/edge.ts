import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleApiGatewayRequest } from '../apigateway/api';
import type { RestApiGateway } from '../apigateway/gateway';
import { handleChaosRequest } from '../chaos/api';
import type { Chaos } from '../chaos/faults';
import { type ControlSources, handleControlRequest } from '../control/api';
import { handleLambdaInvoke } from '../lambda/api';
import type { LambdaRuntime } from '../lambda/runtime';
import { handleSnsRequest } from '../sns/api';
import type { SnsService } from '../sns/service';
import { handleStepFunctionsRequest } from '../stepfunctions/api';
import type { StepFunctionsService } from '../stepfunctions/service';
import { type HttpResponse, json, readBody, send } from './server';

export interface EdgeServices {
  dynamodb: (req: IncomingMessage, res: ServerResponse) => void;
  stepFunctions: StepFunctionsService;
  sns: SnsService;
  lambda: LambdaRuntime;
  apis: ReadonlyMap<string, RestApiGateway>;
  control: ControlSources;
  chaos: Chaos;
}

/** The service a SigV4-signed request is for, from its credential scope (`…/us-east-1/sns/aws4_request`). */
const signedService = (req: IncomingMessage): string | undefined =>
  /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''))?.[1];

const isForm = (req: IncomingMessage) => String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

/**
 * Which service a request is for, by protocol, and its answer: each service's wire protocol lives
 * in its own `api.ts`. DynamoDB is streamed to DynamoDB Local; everything else reads the body first.
 */
const dispatch = async (services: EdgeServices, req: IncomingMessage, res: ServerResponse, onError: (error: Error) => void): Promise<HttpResponse | undefined> => {
  const url = new URL(req.url ?? '/', 'http://edge');
  const target = String(req.headers['x-amz-target'] ?? '');
  if (target.startsWith('DynamoDB_')) {
    services.dynamodb(req, res);
    return undefined;
  }
  const body = await readBody(req);
  if (target.startsWith('AWSStepFunctions.')) return handleStepFunctionsRequest(services.stepFunctions, target.slice('AWSStepFunctions.'.length), body, services.chaos);
  const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
  if (invoke && req.method === 'POST') return handleLambdaInvoke(services.lambda, req, invoke[1]!, body, onError);
  const api = await handleApiGatewayRequest(services.apis, req, url, () => Promise.resolve(body));
  if (api) return api;
  const form = isForm(req) ? new URLSearchParams(body.toString('utf8')) : undefined;
  if (form?.has('Action') && (signedService(req) === 'sns' || form.get('Version') === '2010-03-31')) {
    return handleSnsRequest(services.sns, form);
  }
  if (url.pathname === '/_local/chaos/faults') return handleChaosRequest(services.chaos, String(req.method), body);
  const control = handleControlRequest(services.control, String(req.method), url.pathname);
  if (control) return control;
  return json(400, { __type: 'UnknownOperationException', message: `The local cloud does not serve ${req.method} ${url.pathname}${target ? ` (${target})` : ''}` });
};

/**
 * The edge on LocalStack's port: one HTTP endpoint that speaks each service's AWS wire protocol, so
 * that the AWS SDK and CLI work unchanged with `--endpoint-url`.
 */
export const createEdge = (services: EdgeServices, onError: (error: Error) => void): Server =>
  createServer((req, res) => {
    dispatch(services, req, res, onError)
      .then((response) => response && send(res, response))
      .catch((error: Error) => {
        onError(error);
        if (!res.headersSent) send(res, json(500, { __type: 'InternalFailure', message: 'The local cloud failed to handle this request' }));
      });
  });
