import type { FaultRule } from '#chaos/rules';

/**
 * A fault rule as `/_local/chaos/faults` answers it: the local cloud's own type, from its
 * dependency-free rules module and as a type only, so that nothing of local/ is bundled.
 */
export type { FaultRule };

export type NewFaultRule = Omit<FaultRule, 'id' | 'injected' | 'createdAt' | 'remaining' | 'probability'> & {
  probability?: number;
  times?: number;
};

/**
 * The local cloud's chaos API, with the verbs of LocalStack's: GET lists the rules, PATCH adds some,
 * DELETE removes the ones sent (by id), or all with an empty body. Each answers the rules in force.
 */
export class ChaosApi {
  constructor(private readonly url: string) {}

  private async call(method: string, body?: unknown): Promise<FaultRule[]> {
    const response = await fetch(this.url, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const answer = (await response.json().catch(() => ({}))) as FaultRule[] | { __type?: string; message?: string };
    if (!response.ok || !Array.isArray(answer)) {
      const error = answer as { __type?: string; message?: string };
      throw Object.assign(new Error(error.message ?? `The chaos API answered ${response.status}`), {
        name: error.__type ?? `HTTP ${response.status}`,
      });
    }
    return answer;
  }

  list = () => this.call('GET');
  add = (rule: NewFaultRule) => this.call('PATCH', [rule]);
  remove = (id: string) => this.call('DELETE', [{ id }]);
  clear = () => this.call('DELETE');
}

/** A rule's target and its firing, in words: `lambda RefundFn · error ServiceUnavailable · next 3 calls`. */
export const describeRule = (rule: FaultRule): { target: string; effect: string; fires: string } => ({
  target: [rule.service, rule.function, rule.operation].filter(Boolean).join(' · '),
  effect:
    rule.effect === 'error'
      ? `error ${rule.error?.code ?? ''}`
      : rule.effect === 'latency'
        ? `latency ${rule.latencyMs} ms`
        : rule.effect,
  fires: `${rule.remaining !== undefined ? `${rule.remaining} call(s) left` : 'every call'}${rule.probability < 1 ? `, p = ${rule.probability}` : ''}`,
});
