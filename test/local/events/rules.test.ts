import { EventsService, matchesPattern } from '../../../local/events/service';
import { ratePeriodMs, type RuleSpec } from '../../../local/events/specs';
import { AsyncInvocations } from '../../../local/lambda/async';
import { recorder } from '../../support/recorder';

// EventBridge's rules: schedules, patterns, and the targets they deliver to through Lambda's asynchronous invocations.

describe('EventBridge rules', () => {
  const rule = (overrides: Partial<RuleSpec>): RuleSpec => ({
    logicalId: 'Rule',
    name: 'rule',
    arn: 'arn:aws:events:us-east-1:000000000000:rule/rule',
    enabled: true,
    targets: [{ id: 't', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn' }],
    ...overrides,
  });

  test('rate expressions, with AWS’s singular and plural rule', () => {
    expect([
      ratePeriodMs('rate(1 minute)'),
      ratePeriodMs('rate(5 minutes)'),
      ratePeriodMs('rate(2 hours)'),
      ratePeriodMs('rate(1 minutes)'),
      ratePeriodMs('cron(0 12 * * ? *)'),
    ]).toEqual([60_000, 300_000, 7_200_000, undefined, undefined]);
  });

  test('a schedule fires its targets every period, with the target’s constant Input; a cron schedule is reported, not run', async () => {
    const { calls, invoke } = recorder();
    const queue = new AsyncInvocations(invoke);
    const events = new EventsService(
      [
        rule({
          scheduleExpression: 'rate(1 minute)',
          targets: [
            { id: 't', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn', input: '{"olderThanSeconds":60}' },
          ],
        }),
        rule({ name: 'nightly', scheduleExpression: 'cron(0 3 * * ? *)' }),
      ],
      queue,
      { region: 'us-east-1', accountId: '000000000000' },
      undefined,
      20,
    );

    const unsupported = events.start();
    await new Promise((resolve) => setTimeout(resolve, 110));
    events.stop();
    await queue.idle(1000);

    expect(unsupported).toEqual(['nightly: cron(0 3 * * ? *)']);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls[0]).toEqual({
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
      event: { olderThanSeconds: 60 },
    });
  });

  test('an event put on the bus fires the rules whose pattern matches it; InputPath picks what the target gets', async () => {
    const { calls, invoke } = recorder();
    const queue = new AsyncInvocations(invoke);
    const pattern = {
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
    };
    const events = new EventsService(
      [
        rule({
          eventPattern: pattern,
          targets: [{ id: 't', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn', inputPath: '$.detail' }],
        }),
      ],
      queue,
      { region: 'us-east-1', accountId: '000000000000' },
    );

    const fired = [
      events.put(
        events.event('aws.states', 'Step Functions Execution Status Change', { status: 'FAILED', name: 'o-1' }),
      ),
      events.put(
        events.event('aws.states', 'Step Functions Execution Status Change', { status: 'SUCCEEDED', name: 'o-2' }),
      ),
      events.put(events.event('shop', 'Step Functions Execution Status Change', { status: 'FAILED', name: 'o-3' })),
    ];
    await queue.idle(1000);

    expect(fired).toEqual([1, 0, 0]);
    expect(calls.map((c) => c.event)).toEqual([{ status: 'FAILED', name: 'o-1' }]);
  });

  test('patterns: prefix, anything-but, exists, and nested fields', () => {
    const event = { source: 'shop.orders', detail: { status: 'CANCELLED', reason: 'OUT_OF_STOCK' } };
    expect(matchesPattern({ source: [{ prefix: 'shop.' }] }, event)).toBe(true);
    expect(matchesPattern({ detail: { status: [{ 'anything-but': ['COMPLETED'] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { status: [{ 'anything-but': 'CANCELLED' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { missing: [{ exists: false }], reason: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { reason: ['PAYMENT_DECLINED'] } }, event)).toBe(false);
  });

  test('patterns as EventBridge matches them: arrays in the event, types, case, suffix, numbers, wildcards, $or', () => {
    const event = {
      source: 'aws.states',
      resources: ['arn:aws:states:us-east-1:000000000000:execution:Saga:o-1'],
      detail: {
        status: 'FAILED',
        redriveCount: 2,
        error: null,
        name: 'o-1',
        tags: [] as string[],
        cause: 'Lambda.ServiceException',
      },
    };
    // An array in the event matches when any of its elements does.
    expect(
      matchesPattern({ resources: [{ prefix: 'arn:aws:states:us-east-1:000000000000:execution:Saga:' }] }, event),
    ).toBe(true);
    expect(matchesPattern({ resources: ['arn:other'] }, event)).toBe(false);
    // Exact values keep their type: the number 2 is not the string "2"; null matches null only.
    expect(matchesPattern({ detail: { redriveCount: [2] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { redriveCount: ['2'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { error: [null] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { name: [null] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { error: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { status: [{ 'equals-ignore-case': 'failed' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { cause: [{ suffix: 'Exception' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { cause: [{ suffix: { 'equals-ignore-case': 'EXCEPTION' } }] } }, event)).toBe(
      true,
    );
    expect(matchesPattern({ detail: { cause: [{ wildcard: 'Lambda.*Exception' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { cause: [{ wildcard: 'States.*' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { cause: [{ 'anything-but': { prefix: 'Lambda.' } }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { status: [{ 'anything-but': ['SUCCEEDED', 'RUNNING'] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { redriveCount: [{ numeric: ['>', 0, '<=', 2] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { redriveCount: [{ numeric: ['>=', 3] }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { status: [{ numeric: ['>', 0] }] } }, event)).toBe(false);
    // An empty array in the event holds no value.
    expect(matchesPattern({ detail: { tags: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { $or: [{ status: ['TIMED_OUT'] }, { redriveCount: [2] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { $or: [{ status: ['TIMED_OUT'] }, { redriveCount: [3] }] } }, event)).toBe(false);
  });

  test("the saga's status-change rule: FAILED, TIMED_OUT and ABORTED of its own state machine only", () => {
    const saga = 'arn:aws:states:us-east-1:000000000000:stateMachine:Saga';
    const pattern = {
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [saga] },
    };
    const change = (status: string, stateMachineArn = saga) => ({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: { status, stateMachineArn },
    });
    expect(
      ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].map((status) =>
        matchesPattern(pattern, change(status)),
      ),
    ).toEqual([false, false, true, true, true]);
    expect(matchesPattern(pattern, change('FAILED', `${saga}Other`))).toBe(false);
  });
});
