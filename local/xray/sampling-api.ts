import { ServiceError } from '../support/errors';
import type { JsonBody } from '../support/json-body';
import type { SamplingRule, SamplingRules } from './sampling';

// X-Ray's sampling rule operations (REST-JSON, each a POST): GetSamplingRules, CreateSamplingRule,
// UpdateSamplingRule, DeleteSamplingRule, with X-Ray's limits on each field.

export const SAMPLING_OPERATIONS = new Set([
  '/GetSamplingRules',
  '/CreateSamplingRule',
  '/UpdateSamplingRule',
  '/DeleteSamplingRule',
]);

const invalid = (message: string) => new ServiceError('InvalidRequestException', message);

type Field = keyof Omit<SamplingRule, 'RuleARN'>;

/** Each field's check: a string of at most so many characters, or a number in a range. */
const FIELDS: Record<Exclude<Field, 'Attributes'>, { text?: number; min?: number; max?: number; integer?: boolean }> = {
  RuleName: { text: 32 },
  ResourceARN: { text: 500 },
  ServiceName: { text: 64 },
  ServiceType: { text: 64 },
  Host: { text: 64 },
  HTTPMethod: { text: 10 },
  URLPath: { text: 128 },
  Priority: { min: 1, max: 9999, integer: true },
  FixedRate: { min: 0, max: 1 },
  ReservoirSize: { min: 0, max: 1_000_000, integer: true },
  Version: { min: 1, max: 1, integer: true },
};

const checked = (name: Exclude<Field, 'Attributes'>, value: unknown): string | number => {
  const rule = FIELDS[name];
  if (rule.text !== undefined) {
    if (typeof value !== 'string' || value.length === 0 || value.length > rule.text)
      throw invalid(`${name} must be a string of 1 to ${rule.text} characters`);
    if (name === 'RuleName' && !/^[A-Za-z0-9_-]+$/.test(value))
      throw invalid('RuleName may hold letters, digits, hyphens and underscores only');
    return value;
  }
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= rule.min! &&
    value <= rule.max! &&
    (!rule.integer || Number.isInteger(value));
  if (!ok) throw invalid(`${name} must be ${rule.integer ? 'an integer' : 'a number'} from ${rule.min} to ${rule.max}`);
  return value;
};

const attributes = (value: unknown): Record<string, string> => {
  if (value === undefined || value === null) return {};
  const entries = typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : undefined;
  if (
    !entries ||
    entries.length > 5 ||
    entries.some(([k, v]) => typeof v !== 'string' || k.length > 32 || v.length > 32)
  )
    throw invalid('Attributes must map at most 5 keys to strings, each of at most 32 characters');
  return Object.fromEntries(entries);
};

const objectOf = (body: JsonBody, name: string): JsonBody => {
  const value = body[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${name} is required`);
  return value as JsonBody;
};

/** A new rule: every field X-Ray requires (all but Attributes). */
const newRule = (body: JsonBody): Omit<SamplingRule, 'RuleARN'> => {
  const rule = Object.fromEntries(
    (Object.keys(FIELDS) as (keyof typeof FIELDS)[]).map((name) => [name, checked(name, body[name])]),
  ) as unknown as Omit<SamplingRule, 'RuleARN' | 'Attributes'>;
  return { ...rule, Attributes: attributes(body.Attributes) };
};

/** The fields an update names (RuleName or RuleARN picks the rule; Version cannot change). */
const changesOf = (body: JsonBody): Partial<SamplingRule> => {
  const changes: Partial<Record<Field, unknown>> = {};
  for (const name of Object.keys(FIELDS) as (keyof typeof FIELDS)[]) {
    if (name === 'RuleName' || name === 'Version' || body[name] === undefined) continue;
    changes[name] = checked(name, body[name]);
  }
  if (body.Attributes !== undefined) changes.Attributes = attributes(body.Attributes);
  return changes as Partial<SamplingRule>;
};

const named = (body: JsonBody) => ({
  name: typeof body.RuleName === 'string' ? body.RuleName : undefined,
  arn: typeof body.RuleARN === 'string' ? body.RuleARN : undefined,
});

export const samplingOperation = (rules: SamplingRules, path: string, body: JsonBody): object => {
  switch (path) {
    case '/GetSamplingRules':
      return { SamplingRuleRecords: rules.list() };
    case '/CreateSamplingRule':
      return { SamplingRuleRecord: rules.create(newRule(objectOf(body, 'SamplingRule'))) };
    case '/UpdateSamplingRule': {
      const update = objectOf(body, 'SamplingRuleUpdate');
      const { name, arn } = named(update);
      return { SamplingRuleRecord: rules.update(rules.find(name, arn), changesOf(update)) };
    }
    default: {
      const { name, arn } = named(body);
      return { SamplingRuleRecord: rules.delete(rules.find(name, arn)) };
    }
  }
};
