import type { HttpResponse } from '../http/messages';
import type { InvokeResult } from '../lambda/invocation';
import type { ProxyEvent } from './event';
import { AUTHORIZER_FAILED, DENIED, NOT_ALLOWED, UNAUTHORIZED } from './responses';
import type { AuthorizerSpec } from './specs';

export type Invoke = (functionArn: string, event: unknown, options?: { traceHeader?: string }) => Promise<InvokeResult>;

/** IAM-style wildcard matching of `execute-api` ARNs: `*` any run, `?` one character. */
const arnMatches = (pattern: string, arn: string): boolean =>
  new RegExp(
    `^${pattern
      .split(/(\*|\?)/)
      .map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('')}$`,
  ).test(arn);

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

/** An IAM policy document, as an authorizer returns it. */
export interface PolicyDocument {
  Statement?: PolicyStatement | PolicyStatement[];
}

/** Evaluates an authorizer's policy for one method ARN: an explicit Deny wins, else an Allow is needed. */
export const evaluatePolicy = (
  policy: PolicyDocument | undefined,
  methodArn: string,
): 'allow' | 'deny' | 'implicit-deny' => {
  const statements = [policy?.Statement ?? []].flat();
  const applies = (s: PolicyStatement) =>
    [s.Action ?? []].flat().some((a) => a === '*' || a === 'execute-api:*' || a === 'execute-api:Invoke') &&
    [s.Resource ?? []].flat().some((r) => arnMatches(r, methodArn));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return 'deny';
  if (statements.some((s) => s.Effect === 'Allow' && applies(s))) return 'allow';
  return 'implicit-deny';
};

interface Decision {
  expires: number;
  policy: PolicyDocument;
  principalId: string;
  context: Record<string, unknown>;
}

/**
 * Lambda authorizers with TOKEN or REQUEST semantics: the identity sources must be present (and
 * match the validation expression), the function's answer is cached for the authorizer's TTL by
 * identity, and its IAM policy is evaluated against the method ARN of each request.
 */
export class Authorizers {
  private readonly cache = new Map<string, Decision>();

  constructor(private readonly invoke: Invoke) {}

  async authorize(
    authorizer: AuthorizerSpec,
    methodArn: string,
    event: ProxyEvent,
    /** The call to the authorizer function (the gateway's, traced). */
    invoke: Invoke = this.invoke,
  ): Promise<{ context: Record<string, unknown> } | { response: HttpResponse }> {
    const identity = authorizer.identitySources.map((source) => identityValue(source, event));
    if (identity.some((value) => value === undefined || value === '')) return { response: UNAUTHORIZED() };
    if (
      authorizer.type === 'TOKEN' &&
      authorizer.validationExpression &&
      !authorizer.validationExpression.test(identity[0]!)
    )
      return { response: UNAUTHORIZED() };

    const cacheKey = `${authorizer.id}\n${identity.join('\n')}`;
    let decision = authorizer.ttlSeconds > 0 ? this.cache.get(cacheKey) : undefined;
    if (!decision || decision.expires <= Date.now()) {
      const outcome = await this.decide(authorizer, methodArn, event, identity, invoke);
      if ('response' in outcome) return outcome;
      decision = outcome.decision;
      if (authorizer.ttlSeconds > 0) this.cache.set(cacheKey, decision);
    }
    const verdict = evaluatePolicy(decision.policy, methodArn);
    if (verdict === 'deny') return { response: DENIED() };
    if (verdict === 'implicit-deny') return { response: NOT_ALLOWED() };
    return { context: { ...decision.context, principalId: decision.principalId, integrationLatency: 0 } };
  }

  /** Calls the authorizer function and reads its answer: a principal, a policy and a context of scalars. */
  private async decide(
    authorizer: AuthorizerSpec,
    methodArn: string,
    event: ProxyEvent,
    identity: (string | undefined)[],
    invoke: Invoke,
  ): Promise<{ decision: Decision } | { response: HttpResponse }> {
    const authorizerEvent =
      authorizer.type === 'TOKEN'
        ? { type: 'TOKEN', authorizationToken: identity[0], methodArn }
        : { type: 'REQUEST', methodArn, ...event, requestContext: event.requestContext };
    const result = await invoke(authorizer.functionArn, authorizerEvent);
    if (result.functionError) {
      const message = (result.payload as { errorMessage?: string })?.errorMessage;
      return { response: message === 'Unauthorized' ? UNAUTHORIZED() : AUTHORIZER_FAILED() };
    }
    const output = result.payload as {
      principalId?: string;
      policyDocument?: PolicyDocument;
      context?: Record<string, unknown>;
    } | null;
    if (!output?.principalId || !output.policyDocument) return { response: AUTHORIZER_FAILED() };
    const context = Object.fromEntries(
      Object.entries(output.context ?? {}).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)),
    );
    return {
      decision: {
        expires: Date.now() + authorizer.ttlSeconds * 1000,
        policy: output.policyDocument,
        principalId: output.principalId,
        context,
      },
    };
  }
}

/** An identity source's value: `method.request.header.X` or `method.request.querystring.X`. */
const identityValue = (source: string, event: ProxyEvent): string | undefined => {
  const header = /^method\.request\.header\.(.+)$/i.exec(source);
  if (header) return event.headers[header[1]!.toLowerCase()];
  const query = /^method\.request\.querystring\.(.+)$/i.exec(source);
  if (query) return event.queryStringParameters?.[query[1]!];
  return undefined;
};
