import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace-node';

/**
 * The sampling decision of the invocation under way, from its X-Ray trace header: Lambda's runtime sets
 * `_X_AMZN_TRACE_ID` for each invocation (`Root=…;Parent=…;Sampled=0`). True or false when the header
 * says, undefined when there is no header or it leaves the decision open (`Sampled=?`).
 */
export const invocationSampled = (header = process.env._X_AMZN_TRACE_ID): boolean | undefined => {
  const flag = header && /(?:^|;)\s*Sampled=([01])\s*(?:;|$)/.exec(header)?.[1];
  return flag ? flag === '1' : undefined;
};

/**
 * The sampler for a span with no parent in the function: X-Ray's decision for the invocation. A span a
 * handler starts outside the function span (no active context, as in an invocation that is not sampled,
 * whose handler runs without one: see bundled-handler.ts) records nothing when the invocation is not
 * sampled, and is kept otherwise, as OpenTelemetry's default root sampler (always on) keeps it.
 */
export class InvocationSampler implements Sampler {
  shouldSample(
    _context: Context,
    _traceId: string,
    _name: string,
    _kind: SpanKind,
    _attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    return {
      decision: invocationSampled() === false ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED,
    };
  }

  toString(): string {
    return 'InvocationSampler';
  }
}
