import type { IncomingMessage } from 'node:http';
import type { FaultEffect, FaultService } from '../chaos/rules';
import type { FrontRequest } from './front';
import type { HttpResponse } from './messages';

/**
 * A request on the edge, as each service looks at it to tell whether it is its own: the protocol's
 * markers (the `X-Amz-Target` header, the service a SigV4 signature is for, the path), and the body
 * and a query-protocol form, read once on demand and shared by every service that asks.
 */
export interface EdgeRequest extends FrontRequest {
  /** `X-Amz-Target` (`AWSStepFunctions.StartExecution`, `DynamoDB_20120810.GetItem`), or ''. */
  target: string;
  /** The service a SigV4-signed request is for, from its credential scope (`…/us-east-1/sns/aws4_request`). */
  signedService?: string;
  /** A form-encoded request's parameters (the query protocol, `Action=…`); undefined for any other body. */
  form(): Promise<URLSearchParams | undefined>;
}

/** What a service's fault rules may target (`/_local/chaos/faults`): its name there, and the effects it applies. */
export interface FaultTarget {
  service: FaultService;
  effects: readonly FaultEffect[];
}

/**
 * One emulated service, as the local cloud's registry (cloud.ts) holds it. The edge asks each, in the
 * registry's order, whether a request is its own, and the first that says yes answers it;
 * `/_local/health` lists them; the chaos API takes rules for the ones that name a fault target.
 * Adding a service is a folder of its own and one line in the registry.
 */
export interface LocalService {
  /** Its name, as `/_local/health` (and LocalStack's `/_localstack/health`) lists it. */
  name: string;
  /** Whether the request is for this service; a service that has no API on the edge (EventBridge rules) has none. */
  recognises?(request: EdgeRequest): boolean | Promise<boolean>;
  /** Its answer; undefined when the service answered on the response itself (DynamoDB, streamed). */
  handle?(request: EdgeRequest): Promise<HttpResponse | undefined> | HttpResponse | undefined;
  /** `running`, or what is wrong; services that are part of the local cloud itself (the chaos API) leave it out of health. */
  health?(): 'running' | 'error';
  faults?: FaultTarget;
}

/** The service a SigV4-signed request is for, from its credential scope. */
const signedServiceOf = (req: IncomingMessage): string | undefined =>
  /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''))?.[1];

const isForm = (req: IncomingMessage) =>
  String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

/** A front's request as the services on the edge look at it: the body and the form read at most once. */
export const edgeRequest = (request: FrontRequest): EdgeRequest => {
  let body: Promise<Buffer> | undefined;
  let form: Promise<URLSearchParams | undefined> | undefined;
  const read = () => (body ??= request.body());
  return {
    ...request,
    target: String(request.req.headers['x-amz-target'] ?? ''),
    signedService: signedServiceOf(request.req),
    body: read,
    form: () =>
      (form ??= isForm(request.req)
        ? read().then((b) => new URLSearchParams(b.toString('utf8')))
        : Promise.resolve(undefined)),
  };
};

/** A query-protocol request (`Action=…`) for the service of this API version or signing name. */
export const queryActionFor = async (request: EdgeRequest, version: string, signingName: string): Promise<boolean> => {
  const form = await request.form();
  return form?.has('Action') === true && (form.get('Version') === version || request.signedService === signingName);
};
