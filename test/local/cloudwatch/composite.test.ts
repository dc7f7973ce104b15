import { Alarms } from '../../../local/cloudwatch/alarms';
import { evaluateRule, parseAlarmRule, ruleChildren } from '../../../local/cloudwatch/composite';
import type { AlarmState } from '../../../local/cloudwatch/evaluation';
import { alarmSpec, compositeAlarmSpec } from '../../../local/cloudwatch/specs';
import { MetricStore, MINUTE } from '../../../local/cloudwatch/store';

// Composite alarms: the AlarmRule grammar, its evaluation over the children's states, and the
// composite's state, reason and history as CloudWatch keeps them.

const states: Record<string, AlarmState> = { a: 'ALARM', b: 'OK', c: 'INSUFFICIENT_DATA', 'with space': 'ALARM' };
const holds = (rule: string) => evaluateRule(parseAlarmRule(rule), (name) => states[name]);

describe('the AlarmRule parser', () => {
  test.each([
    ['ALARM(a)', true],
    ['OK(a)', false],
    ['OK(b) AND INSUFFICIENT_DATA(c)', true],
    ['ALARM(b) OR ALARM(a)', true],
    ['NOT ALARM(a)', false],
    ['NOT ALARM(b) AND OK(b)', true],
    // NOT binds tighter than AND, AND tighter than OR.
    ['ALARM(b) AND ALARM(a) OR TRUE', true],
    ['ALARM(b) AND (ALARM(a) OR TRUE)', false],
    ['TRUE AND NOT FALSE', true],
    ['NOT (ALARM(a) OR ALARM(b))', false],
    ['alarm("a") and ok("b")', true],
    ['ALARM("with space")', true],
    ['ALARM(arn:aws:cloudwatch:us-east-1:000000000000:alarm:a)', false],
    // An alarm that does not exist is in no state: each of its functions is FALSE.
    ['ALARM(missing) OR OK(missing) OR INSUFFICIENT_DATA(missing)', false],
  ])('%s is %s', (rule, expected) => {
    expect(holds(rule)).toBe(expected);
  });

  test.each([
    ['', 'unexpected end'],
    ['ALARM(a', 'expected )'],
    ['ALARM()', 'ALARM() needs an alarm name or ARN'],
    ['ALARM(a) ALARM(b)', 'unexpected ALARM'],
    ['ALARM(a) AND', 'unexpected end'],
    ['MAYBE(a)', 'unexpected MAYBE'],
    ['(ALARM(a)', 'expected )'],
    ['ALARM(a))', 'unexpected )'],
    ['ALARM("a)', 'unexpected character'],
    [`${'NOT '.repeat(100)}TRUE`, 'nested deeper than 64 levels'],
    ['x'.repeat(10_241), 'longer than 10240 characters'],
  ])('%s is refused: %s', (rule, message) => {
    expect(() => parseAlarmRule(rule)).toThrow(`Invalid AlarmRule: ${message}`);
  });

  test('the children are every alarm the rule names, once, in order', () => {
    expect(
      ruleChildren(parseAlarmRule('ALARM(a) OR (OK("b") AND NOT ALARM(a)) OR INSUFFICIENT_DATA(c) OR TRUE')),
    ).toEqual(['a', 'b', 'c']);
  });
});

describe('a composite alarm over metric alarms', () => {
  const T0 = Date.UTC(2026, 11, 2, 14, 0, 0);
  const ARN = 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:';
  const child = (name: string) =>
    alarmSpec(name, `${ARN}${name}`, {
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: name }],
      EvaluationPeriods: 1,
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Period: 300,
      Statistic: 'Sum',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
  const unhealthy = compositeAlarmSpec('shop-unhealthy', `${ARN}shop-unhealthy`, {
    AlarmRule: `ALARM("${ARN}pay") OR ALARM(refund)`,
    AlarmActions: ['arn:aws:sns:us-east-1:000000000000:alerts'],
  });

  test('goes to ALARM when a child does, names it as the trigger, and back to OK; its history is asked for by AlarmTypes', () => {
    let now = T0;
    const store = new MetricStore({ now: () => now });
    const changes: string[] = [];
    const alarms = new Alarms(
      [child('pay'), child('refund')],
      store,
      ({ status, previous }) => changes.push(`${status.spec.name}: ${previous.state}->${status.state}`),
      [unhealthy],
    );
    alarms.evaluate();
    now += MINUTE;
    store.put({
      namespace: 'AWS/Lambda',
      name: 'Errors',
      dimensions: { FunctionName: 'refund' },
      timestamp: now,
      values: [2],
    });
    alarms.evaluate();
    const red = alarms.describe({ AlarmTypes: ['CompositeAlarm'] });
    now += 20 * MINUTE;
    alarms.evaluate();

    expect(changes).toEqual([
      'pay: INSUFFICIENT_DATA->OK',
      'refund: INSUFFICIENT_DATA->OK',
      'shop-unhealthy: INSUFFICIENT_DATA->OK',
      'refund: OK->ALARM',
      'shop-unhealthy: OK->ALARM',
      'refund: ALARM->OK',
      'shop-unhealthy: ALARM->OK',
    ]);
    expect(red.MetricAlarms).toEqual([]);
    expect(red.CompositeAlarms).toHaveLength(1);
    expect(red.CompositeAlarms[0]).toMatchObject({
      AlarmName: 'shop-unhealthy',
      AlarmArn: `${ARN}shop-unhealthy`,
      AlarmRule: `ALARM("${ARN}pay") OR ALARM(refund)`,
      StateValue: 'ALARM',
      StateReason: `${ARN}refund transitioned to ALARM at Wednesday 2 December, 2026 14:01:00 UTC`,
      AlarmActions: ['arn:aws:sns:us-east-1:000000000000:alerts'],
    });
    expect(JSON.parse(red.CompositeAlarms[0]!.StateReasonData!)).toEqual({
      triggeringAlarms: [{ arn: `${ARN}refund`, state: { value: 'ALARM', timestamp: '2026-12-02T14:01:00.000+0000' } }],
    });
    // Without AlarmTypes, DescribeAlarms and DescribeAlarmHistory answer metric alarms only, as CloudWatch does.
    expect(alarms.describe({}).CompositeAlarms).toEqual([]);
    expect(alarms.describeHistory({ AlarmName: 'shop-unhealthy' }).AlarmHistoryItems).toEqual([]);
    const history = alarms.describeHistory({
      AlarmName: 'shop-unhealthy',
      AlarmTypes: ['CompositeAlarm'],
      HistoryItemType: 'StateUpdate',
    }).AlarmHistoryItems;
    expect(history.map((h) => [h.AlarmType, h.HistorySummary])).toEqual([
      ['CompositeAlarm', 'Alarm updated from ALARM to OK'],
      ['CompositeAlarm', 'Alarm updated from OK to ALARM'],
      ['CompositeAlarm', 'Alarm updated from INSUFFICIENT_DATA to OK'],
    ]);
    expect(alarms.describe({ ChildrenOfAlarmName: 'shop-unhealthy' }).MetricAlarms.map((a) => a.AlarmName)).toEqual([
      'pay',
      'refund',
    ]);
    expect(
      alarms
        .describe({ ParentsOfAlarmName: 'pay', AlarmTypes: ['CompositeAlarm'] })
        .CompositeAlarms.map((a) => a.AlarmName),
    ).toEqual(['shop-unhealthy']);
  });

  test('a rule naming an alarm that does not exist keeps the composite INSUFFICIENT_DATA', () => {
    const store = new MetricStore({ now: () => T0 });
    const alarms = new Alarms([child('pay')], store, undefined, [
      compositeAlarmSpec('broken', `${ARN}broken`, { AlarmRule: 'ALARM(pay) OR ALARM(nowhere)' }),
    ]);
    alarms.evaluate();
    expect(alarms.composites[0]!.state).toBe('INSUFFICIENT_DATA');
  });

  test('a template rule that does not parse is refused when the spec is read', () => {
    expect(() => compositeAlarmSpec('bad', `${ARN}bad`, { AlarmRule: 'ALARM(a) AND' })).toThrow('Invalid AlarmRule');
    expect(() => compositeAlarmSpec('bad', `${ARN}bad`, {})).toThrow('AlarmRule must be a string');
  });
});
