import type { LocalService } from '../http/local-service';
import { type HttpResponse, json } from '../http/messages';
import { ServiceError } from '../support/errors';
import type { Chaos, FaultRuleInput } from './faults';

const parseRules = (body: Buffer): FaultRuleInput[] => {
  if (body.length === 0) return [];
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceError('SerializationException', 'The body is not valid JSON: send a list of fault rules');
  }
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((rule) => typeof rule === 'object' && rule !== null && !Array.isArray(rule)))
    throw new ServiceError('ValidationException', 'Each fault rule is a JSON object');
  return list as FaultRuleInput[];
};

/**
 * `/_local/chaos/faults`, with the verbs of LocalStack's Chaos API: GET lists the rules, POST replaces
 * them with the list sent, PATCH adds the list sent, DELETE removes the rules sent (by id, or by their
 * fields), or every rule when the body is empty. Each answers the rules now in force.
 */
export const handleChaosRequest = (chaos: Chaos, method: string, body: Buffer): HttpResponse => {
  try {
    switch (method) {
      case 'GET':
        return json(200, chaos.list());
      case 'POST':
        return json(200, chaos.set(parseRules(body)));
      case 'PATCH':
        return json(200, chaos.add(parseRules(body)));
      case 'DELETE':
        return json(200, chaos.remove(parseRules(body)));
      default:
        return json(405, {
          __type: 'MethodNotAllowed',
          message: `${method} is not allowed on /_local/chaos/faults: use GET, POST, PATCH or DELETE`,
        });
    }
  } catch (error) {
    if (error instanceof ServiceError) return json(error.status, { __type: error.code, message: error.message });
    throw error;
  }
};

/** The chaos API on the edge, `/_local/chaos/faults`. */
export const chaosEdge = (chaos: Chaos): LocalService => ({
  name: 'chaos',
  recognises: (request) => request.path === '/_local/chaos/faults',
  handle: async (request) => handleChaosRequest(chaos, request.method, await request.body()),
});
