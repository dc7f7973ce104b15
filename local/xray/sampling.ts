import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ServiceError } from '../support/errors';

// X-Ray's sampling rules, as the services with active tracing apply them when a request comes without
// a sampling decision: the rule of lowest priority that matches the request decides, by its reservoir
// (that many requests each second) and then its fixed rate (that share of the rest). The Default rule,
// as every account has it: the first request each second and 5% of the others. A trace begun
// unsampled is passed on with `Sampled=0`, and nothing downstream records under it.

/** What a service knows of a request when it decides (the fields X-Ray's rules match on). */
export interface SamplingRequest {
  serviceName: string;
  /** `AWS::ApiGateway::Stage`, `AWS::StepFunctions::StateMachine`, `AWS::Lambda::Function`. */
  serviceType: string;
  resourceArn?: string;
  host?: string;
  httpMethod?: string;
  urlPath?: string;
}

/** A rule as X-Ray's API shapes it (`SamplingRule`). */
export interface SamplingRule {
  RuleName: string;
  RuleARN: string;
  ResourceARN: string;
  Priority: number;
  FixedRate: number;
  ReservoirSize: number;
  ServiceName: string;
  ServiceType: string;
  Host: string;
  HTTPMethod: string;
  URLPath: string;
  Version: number;
  Attributes?: Record<string, string>;
}

export interface SamplingRuleRecord {
  SamplingRule: SamplingRule;
  /** Epoch seconds. */
  CreatedAt: number;
  ModifiedAt: number;
}

export const DEFAULT_RULE = 'Default';
/** X-Ray's limit of rules per account (the Default rule among them). */
const MAX_RULES = 25;
const MATCHED_FIELDS = ['ServiceName', 'ServiceType', 'Host', 'HTTPMethod', 'URLPath', 'ResourceARN'] as const;

const invalid = (message: string) => new ServiceError('InvalidRequestException', message);

/** X-Ray's wildcards: `*` any run of characters, `?` any one; case-insensitive, as X-Ray matches. */
const compile = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'is',
  );

/**
 * Each pattern compiled once: a decision is made for every request that begins a trace. The rules'
 * patterns are few (25 rules of 6 fields at most); patterns of rules since changed are let go.
 */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 25 * 6 * 2;
const wildcard = (pattern: string): RegExp => {
  let regex = compiled.get(pattern);
  if (!regex) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, (regex = compile(pattern)));
  }
  return regex;
};

const fieldOf = (request: SamplingRequest, field: (typeof MATCHED_FIELDS)[number]): string | undefined =>
  ({
    ServiceName: request.serviceName,
    ServiceType: request.serviceType,
    Host: request.host,
    HTTPMethod: request.httpMethod,
    URLPath: request.urlPath,
    ResourceARN: request.resourceArn,
  })[field];

const matches = (rule: SamplingRule, request: SamplingRequest): boolean =>
  MATCHED_FIELDS.every((field) => rule[field] === '*' || wildcard(rule[field]).test(fieldOf(request, field) ?? ''));

/** A reservoir: at most `size` requests in each second, counted as the second turns. */
class Reservoir {
  private second = 0;
  private taken = 0;

  take(size: number, now: number): boolean {
    const second = Math.floor(now / 1000);
    if (second !== this.second) [this.second, this.taken] = [second, 0];
    if (this.taken >= size) return false;
    this.taken++;
    return true;
  }
}

export interface SamplingOptions {
  /** Where the rules are kept across restarts (none: in memory). */
  file?: string;
  accountId?: string;
  region?: string;
  /** Every rule's fixed rate (`--trace-sampling`), over what the file and the template hold. */
  rate?: number;
  random?: () => number;
  now?: () => number;
}

/** The account's sampling rules, and the decisions they make. */
export class SamplingRules {
  private readonly records = new Map<string, SamplingRuleRecord>();
  private readonly reservoirs = new Map<string, Reservoir>();
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: SamplingOptions = {}) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    for (const record of this.load()) this.records.set(record.SamplingRule.RuleName, record);
    if (!this.records.has(DEFAULT_RULE)) this.records.set(DEFAULT_RULE, this.record(this.defaultRule()));
    for (const record of this.records.values()) this.override(record.SamplingRule);
  }

  arn(name: string): string {
    return `arn:aws:xray:${this.options.region ?? 'us-east-1'}:${this.options.accountId ?? '000000000000'}:sampling-rule/${name}`;
  }

  /** Whether a request that came without a decision is traced. */
  sample(request: SamplingRequest): boolean {
    const rule = this.list()
      .map((record) => record.SamplingRule)
      .find((candidate) => matches(candidate, request));
    if (!rule) return false;
    let reservoir = this.reservoirs.get(rule.RuleName);
    if (!reservoir) this.reservoirs.set(rule.RuleName, (reservoir = new Reservoir()));
    return reservoir.take(rule.ReservoirSize, this.now()) || this.random() < rule.FixedRate;
  }

  /** By priority, then by name, as X-Ray evaluates them; the Default rule last. */
  list(): SamplingRuleRecord[] {
    return [...this.records.values()].sort(
      (a, b) =>
        a.SamplingRule.Priority - b.SamplingRule.Priority ||
        a.SamplingRule.RuleName.localeCompare(b.SamplingRule.RuleName),
    );
  }

  find(name: string | undefined, arn: string | undefined): SamplingRuleRecord {
    const record = name ? this.records.get(name) : this.list().find((r) => r.SamplingRule.RuleARN === arn);
    if (!record) throw invalid(`Sampling rule does not exist: ${name ?? arn ?? '(none named)'}`);
    return record;
  }

  create(rule: Omit<SamplingRule, 'RuleARN'>): SamplingRuleRecord {
    if (this.records.has(rule.RuleName)) throw invalid(`Sampling rule already exists: ${rule.RuleName}`);
    if (this.records.size >= MAX_RULES) throw new ServiceError('RuleLimitExceededException', 'At most 25 rules');
    const record = this.record({ ...rule, RuleARN: this.arn(rule.RuleName) });
    this.records.set(rule.RuleName, record);
    this.save();
    return record;
  }

  /** A rule the stack defines: created, or put back as the template has it (CloudFormation owns it). */
  define(rule: Omit<SamplingRule, 'RuleARN'>): void {
    const record = this.records.get(rule.RuleName);
    if (record) Object.assign(record.SamplingRule, rule);
    else this.records.set(rule.RuleName, this.record({ ...rule, RuleARN: this.arn(rule.RuleName) }));
    this.override(this.records.get(rule.RuleName)!.SamplingRule);
    this.save();
  }

  private override(rule: SamplingRule): void {
    if (this.options.rate !== undefined) rule.FixedRate = this.options.rate;
  }

  update(record: SamplingRuleRecord, changes: Partial<SamplingRule>): SamplingRuleRecord {
    const isDefault = record.SamplingRule.RuleName === DEFAULT_RULE;
    const changed = Object.keys(changes).filter((key) => !['FixedRate', 'ReservoirSize'].includes(key));
    if (isDefault && changed.length > 0)
      throw invalid(`The Default rule takes only FixedRate and ReservoirSize, not ${changed.join(', ')}`);
    Object.assign(record.SamplingRule, changes);
    record.ModifiedAt = this.now() / 1000;
    this.save();
    return record;
  }

  delete(record: SamplingRuleRecord): SamplingRuleRecord {
    if (record.SamplingRule.RuleName === DEFAULT_RULE) throw invalid('The Default rule cannot be deleted');
    this.records.delete(record.SamplingRule.RuleName);
    this.reservoirs.delete(record.SamplingRule.RuleName);
    this.save();
    return record;
  }

  private defaultRule(): SamplingRule {
    return {
      RuleName: DEFAULT_RULE,
      RuleARN: this.arn(DEFAULT_RULE),
      ResourceARN: '*',
      Priority: 10000,
      FixedRate: 0.05,
      ReservoirSize: 1,
      ServiceName: '*',
      ServiceType: '*',
      Host: '*',
      HTTPMethod: '*',
      URLPath: '*',
      Version: 1,
      Attributes: {},
    };
  }

  private record(rule: SamplingRule): SamplingRuleRecord {
    const at = this.now() / 1000;
    return { SamplingRule: rule, CreatedAt: at, ModifiedAt: at };
  }

  private load(): SamplingRuleRecord[] {
    const { file } = this.options;
    if (!file || !existsSync(file)) return [];
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as SamplingRuleRecord[];
    } catch {
      return []; // a file cut short by a crash: the Default rule again
    }
  }

  private save(): void {
    const { file } = this.options;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(this.list()));
    renameSync(`${file}.tmp`, file);
  }
}

/** The stack's sampling rules (`AWS::XRay::SamplingRule`), as CloudFormation would create them. */
export const samplingRuleSpecs = (model: {
  ofType(type: string): [string, { Properties?: Record<string, unknown> }][];
  resolve(value: unknown): unknown;
}): Omit<SamplingRule, 'RuleARN'>[] =>
  model.ofType('AWS::XRay::SamplingRule').flatMap(([, resource]) => {
    const rule = model.resolve(resource.Properties?.SamplingRule) as Omit<SamplingRule, 'RuleARN'> | undefined;
    return rule?.RuleName ? [{ Attributes: {}, ...rule }] : [];
  });
