import {
  CreateSamplingRuleCommand,
  DeleteSamplingRuleCommand,
  GetSamplingRulesCommand,
  UpdateSamplingRuleCommand,
  XRayClient,
} from '@aws-sdk/client-xray';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SamplingRequest, SamplingRules } from '../../../local/xray/sampling';
import { XRayService } from '../../../local/xray/service';
import { Tracer } from '../../../local/xray/tracer';
import { parseTraceHeader } from '../../../local/xray/spans';
import { match } from '../../support/matchers';
import { startXRayEdge, xrayClientOf } from './support';

// X-Ray's sampling rules: the rule of lowest priority that matches decides, by its reservoir each second
// and then its fixed rate; the Default rule is X-Ray's (1 a second, 5%). Read and written with the AWS
// SDK's X-Ray client on a real edge; bad input gets X-Ray's InvalidRequestException.

const STAGE: SamplingRequest = {
  serviceName: 'serverless-shop/v1',
  serviceType: 'AWS::ApiGateway::Stage',
  httpMethod: 'POST',
  urlPath: '/v1/orders',
  host: 'localhost:3000',
};

/** Rules on a clock and a random source of the test's own. */
const rulesAt = (clock: { now: number }, random = () => 0.5, file?: string) =>
  new SamplingRules({ now: () => clock.now, random, ...(file && { file }) });

const ordersRule = {
  RuleName: 'orders',
  ResourceARN: '*',
  Priority: 100,
  FixedRate: 0,
  ReservoirSize: 2,
  ServiceName: '*',
  ServiceType: 'AWS::ApiGateway::Stage',
  Host: '*',
  HTTPMethod: 'POST',
  URLPath: '*/orders',
  Version: 1,
};

test('the Default rule: the first request each second, then 5% of the rest', () => {
  const clock = { now: 1_000_000 };
  let draw = 0.5;
  const rules = rulesAt(clock, () => draw);
  expect(rules.sample(STAGE)).toBe(true);
  expect(rules.sample(STAGE)).toBe(false); // 0.5 is not under 0.05
  draw = 0.01;
  expect(rules.sample(STAGE)).toBe(true); // within the 5%
  draw = 0.5;
  clock.now += 1000; // a new second: a new reservoir
  expect(rules.sample(STAGE)).toBe(true);
  expect(rules.list().map((r) => r.SamplingRule)).toEqual([
    expect.objectContaining({ RuleName: 'Default', Priority: 10000, FixedRate: 0.05, ReservoirSize: 1 }),
  ]);
});

test('a rule of lower priority that matches decides, with a reservoir of its own; one that does not match leaves it to the next', () => {
  const clock = { now: 5_000_000 };
  const rules = rulesAt(clock);
  rules.create(ordersRule);
  // The page's GET takes the Default rule's place this second; the orders still have theirs.
  expect(rules.sample({ ...STAGE, httpMethod: 'GET', urlPath: '/v1/products' })).toBe(true);
  expect(rules.sample({ ...STAGE, httpMethod: 'GET', urlPath: '/v1/products' })).toBe(false);
  expect([rules.sample(STAGE), rules.sample(STAGE), rules.sample(STAGE)]).toEqual([true, true, false]);
  // Wildcards are X-Ray's: `*` any run, `?` one character, case-insensitive; a path that only begins alike does not match.
  expect(rules.sample({ ...STAGE, urlPath: '/v1/orders/123' })).toBe(false);
  rules.update(rules.find('orders', undefined), { URLPath: '/v?/ORDERS', FixedRate: 1 });
  expect(rules.sample(STAGE)).toBe(true);
  expect(rules.list().map((r) => r.SamplingRule.RuleName)).toEqual(['orders', 'Default']);
});

test('the Default rule can change its rate and reservoir only, and cannot be deleted', () => {
  const rules = rulesAt({ now: 0 });
  const byDefault = rules.find('Default', undefined);
  expect(() => rules.update(byDefault, { URLPath: '/x' })).toThrow(/only FixedRate and ReservoirSize/);
  expect(() => rules.delete(byDefault)).toThrow(/cannot be deleted/);
  expect(() => rules.create({ ...ordersRule, RuleName: 'Default' })).toThrow(/already exists/);
  expect(() => rules.find('nothing', undefined)).toThrow(/does not exist/);
});

test('the rules are kept across a restart; the stack’s rules are put back as the template has them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sampling-'));
  try {
    const file = join(dir, 'sampling-rules.json');
    const first = rulesAt({ now: 0 }, undefined, file);
    first.create(ordersRule);
    first.update(first.find('Default', undefined), { FixedRate: 1 });
    first.define({ ...ordersRule, RuleName: 'stack-orders', FixedRate: 0.5 });
    const second = rulesAt({ now: 0 }, undefined, file);
    second.define({ ...ordersRule, RuleName: 'stack-orders', FixedRate: 0.25 });
    expect(second.list().map((r) => [r.SamplingRule.RuleName, r.SamplingRule.FixedRate])).toEqual([
      ['orders', 0],
      ['stack-orders', 0.25],
      ['Default', 1],
    ]);
    // --trace-sampling sets every rule's rate over what was kept and what the template says.
    const overridden = new SamplingRules({ file, rate: 0 });
    overridden.define({ ...ordersRule, RuleName: 'stack-orders', FixedRate: 0.25 });
    expect(overridden.list().map((r) => r.SamplingRule.FixedRate)).toEqual([0, 0, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a trace the rules leave out goes on unsampled: nothing is recorded under it downstream', () => {
  const recorded: unknown[] = [];
  const never = new Tracer({ record: (spans) => recorded.push(...spans), sample: () => false }, {}, 'test');
  const span = never.start('stage', { kind: 'SERVER', root: STAGE });
  expect(span.recording).toBe(false);
  const handedOn = parseTraceHeader(span.header);
  expect(handedOn).toMatchObject({ sampled: false, traceId: match.stringMatching(/^[0-9a-f]{32}$/) });
  expect(never.start('child', { kind: 'CLIENT', parent: handedOn }).recording).toBe(false);
  // A root given as `true` is traced whatever the rules say (a resource that traces all it starts).
  expect(never.start('forced', { kind: 'SERVER', root: true }).recording).toBe(true);
  span.end();
  expect(recorded).toEqual([]);
});

describe('the sampling rule API on the edge', () => {
  let edge: Awaited<ReturnType<typeof startXRayEdge>>;
  let xray: XRayClient;

  beforeAll(async () => {
    edge = await startXRayEdge(new XRayService());
    xray = xrayClientOf(edge);
  });
  afterAll(async () => {
    xray.destroy();
    await edge.close();
  });

  test('create, read, update and delete a rule, as the AWS SDK sends them', async () => {
    const created = await xray.send(new CreateSamplingRuleCommand({ SamplingRule: ordersRule }));
    expect(created.SamplingRuleRecord?.SamplingRule).toMatchObject({
      ...ordersRule,
      RuleARN: 'arn:aws:xray:us-east-1:000000000000:sampling-rule/orders',
    });
    expect(created.SamplingRuleRecord?.CreatedAt).toBeInstanceOf(Date);
    await xray.send(new UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'orders', FixedRate: 0.5 } }));
    const { SamplingRuleRecords } = await xray.send(new GetSamplingRulesCommand({}));
    expect(SamplingRuleRecords?.map((r) => [r.SamplingRule?.RuleName, r.SamplingRule?.FixedRate])).toEqual([
      ['orders', 0.5],
      ['Default', 0.05],
    ]);
    await xray.send(
      new DeleteSamplingRuleCommand({ RuleARN: 'arn:aws:xray:us-east-1:000000000000:sampling-rule/orders' }),
    );
    const after = await xray.send(new GetSamplingRulesCommand({}));
    expect(after.SamplingRuleRecords?.map((r) => r.SamplingRule?.RuleName)).toEqual(['Default']);
  });

  test.each([
    ['a rate above 1', { SamplingRule: { ...ordersRule, FixedRate: 2 } }, /FixedRate must be a number from 0 to 1/],
    ['a missing field', { SamplingRule: { ...ordersRule, URLPath: undefined } }, /URLPath must be a string/],
    ['a name with spaces', { SamplingRule: { ...ordersRule, RuleName: 'my rule' } }, /RuleName may hold/],
    ['no rule at all', {}, /SamplingRule is required/],
  ])('%s is refused with InvalidRequestException', async (_, body, message) => {
    const response = await fetch(`${edge.base}/CreateSamplingRule`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'InvalidRequestException',
      message: match.stringMatching(message),
    });
  });

  test('the Default rule cannot be deleted, and an unknown rule is named in the error', async () => {
    await expect(xray.send(new DeleteSamplingRuleCommand({ RuleName: 'Default' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: 'The Default rule cannot be deleted',
    });
    await expect(
      xray.send(new UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'ghost', FixedRate: 1 } })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException', message: 'Sampling rule does not exist: ghost' });
  });
});
