import { Alarms } from '../../../local/cloudwatch/alarms';
import { type AlarmState, evaluateAlarm } from '../../../local/cloudwatch/evaluation';
import { alarmSpec, type TreatMissingData } from '../../../local/cloudwatch/specs';
import { MetricStore, MINUTE } from '../../../local/cloudwatch/store';

// Alarm evaluation by CloudWatch's rules: M of N, the evaluation range, and each TreatMissingData.

/** `0` not breaching, `X` breaching, `-` missing, oldest first (as CloudWatch's documentation writes them). */
const points = (pattern: string) =>
  pattern.split(' ').map((c, i) => ({ at: i * 60_000, value: c === '-' ? undefined : c === 'X' ? 10 : 0 }));

const evaluate = (
  pattern: string,
  treatMissingData: TreatMissingData,
  options: { n?: number; m?: number; current?: AlarmState } = {},
) =>
  evaluateAlarm({
    datapoints: points(pattern),
    evaluationPeriods: options.n ?? 3,
    datapointsToAlarm: options.m ?? options.n ?? 3,
    threshold: 5,
    comparison: 'GreaterThanThreshold',
    treatMissingData,
    current: options.current ?? 'OK',
  }).state;

const TREATMENTS: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

describe('evaluation rules (3 of 3, five periods in the range)', () => {
  test.each([
    // Datapoints, then the state for missing, ignore, breaching and notBreaching: CloudWatch's table.
    ['0 - X - X', ['OK', 'OK', 'OK', 'OK']],
    ['- - - - 0', ['OK', 'OK', 'OK', 'OK']],
    ['- - - - -', ['INSUFFICIENT_DATA', 'ALARM (kept)', 'ALARM', 'OK']],
    ['0 X X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['- - X - -', ['ALARM', 'ALARM (kept)', 'ALARM', 'OK']],
  ])('%s', (pattern, expected) => {
    const states = TREATMENTS.map((treatment) => evaluate(pattern, treatment, { current: 'ALARM' }));
    const kept = TREATMENTS.map((treatment) => evaluate(pattern, treatment, { current: 'OK' }));

    expect(states.map((state, i) => (state !== kept[i] ? `${state} (kept)` : state))).toEqual(expected);
  });

  test('with N real datapoints in the range, the N most recent decide, whatever the treatment of missing data', () => {
    expect(TREATMENTS.map((t) => evaluate('X X 0 - 0 0', t))).toEqual(['OK', 'OK', 'OK', 'OK']);
    expect(TREATMENTS.map((t) => evaluate('0 X - X X -', t))).toEqual(['ALARM', 'ALARM', 'ALARM', 'ALARM']);
  });
});

describe('M of N', () => {
  test('2 of 3 goes to ALARM on any two breaching datapoints of the last three', () => {
    expect(evaluate('0 0 X 0 X', 'missing', { m: 2 })).toBe('ALARM');
    expect(evaluate('X X 0 0 X', 'missing', { m: 2 })).toBe('OK');
    expect(evaluate('- - - X -', 'breaching', { m: 2 })).toBe('ALARM');
    expect(evaluate('- - - X -', 'notBreaching', { m: 2 })).toBe('OK');
  });

  test('the reason says what crossed and how many were needed', () => {
    const result = evaluateAlarm({
      datapoints: points('0 X 0 X'),
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: 5,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'missing',
      current: 'OK',
    });

    expect(result.state).toBe('ALARM');
    expect(result.reason).toMatch(
      /^Threshold Crossed: 2 out of the last 3 datapoints \[10\.0 \(.+\), 0\.0 \(.+\), 10\.0 \(.+\)\] were greater than the threshold \(5\.0\) \(minimum 2 datapoints for OK -> ALARM transition\)\.$/,
    );
  });
});

describe("the stack's alarms over the store", () => {
  const T0 = Date.UTC(2026, 10, 26, 1, 0, 0);
  const compensationFailures = alarmSpec(
    'CompensationFailures',
    'arn:aws:cloudwatch:us-east-1:000000000000:alarm:CompensationFailures',
    {
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'service', Value: 'order' }],
      EvaluationPeriods: 1,
      MetricName: 'CompensationFailures',
      Namespace: 'ServerlessShop',
      Period: 300,
      Statistic: 'Sum',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    },
  );

  test('a compensation failure turns the alarm to ALARM at the next evaluation, with reason data and a history item; it clears once out of the range', () => {
    let now = T0 + 30_000;
    const store = new MetricStore({ now: () => now });
    const changes: string[] = [];
    const alarms = new Alarms([compensationFailures], store, ({ status, previous }) =>
      changes.push(`${previous.state}->${status.state}`),
    );
    alarms.evaluate();
    now += 60_000;
    store.put({
      namespace: 'ServerlessShop',
      name: 'CompensationFailures',
      dimensions: { service: 'order' },
      timestamp: now,
      values: [1],
    });
    alarms.evaluate();
    const [red] = alarms.describe({}).MetricAlarms;
    const history = alarms.describeHistory({
      AlarmName: 'CompensationFailures',
      HistoryItemType: 'StateUpdate',
    }).AlarmHistoryItems;
    now += 20 * MINUTE;
    alarms.evaluate();

    expect(changes).toEqual(['INSUFFICIENT_DATA->OK', 'OK->ALARM', 'ALARM->OK']);
    expect(red).toMatchObject({
      AlarmName: 'CompensationFailures',
      StateValue: 'ALARM',
      Threshold: 0,
      EvaluationPeriods: 1,
      Period: 300,
      Statistic: 'Sum',
    });
    expect(red!.StateReason).toMatch(
      /^Threshold Crossed: 1 datapoint \[1\.0 \(.+\)\] was greater than the threshold \(0\.0\)\.$/,
    );
    expect(JSON.parse(red!.StateReasonData!)).toMatchObject({
      version: '1.0',
      statistic: 'Sum',
      period: 300,
      recentDatapoints: [1],
      threshold: 0,
    });
    expect(history.map((h) => h.HistorySummary)).toEqual([
      'Alarm updated from OK to ALARM',
      'Alarm updated from INSUFFICIENT_DATA to OK',
    ]);
    expect(JSON.parse(history[0]!.HistoryData)).toMatchObject({
      oldState: { stateValue: 'OK' },
      newState: { stateValue: 'ALARM' },
    });
  });

  test('a metric math alarm evaluates its expression (the saga failure rate, 3 of 3 periods over 5 %)', () => {
    const now = T0 + 30_000;
    const store = new MetricStore({ now: () => now });
    const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Saga';
    const stat = (Id: string, MetricName: string) => ({
      Id,
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: 'AWS/States', MetricName, Dimensions: [{ Name: 'StateMachineArn', Value: arn }] },
        Period: 300,
        Stat: 'Sum',
      },
    });
    const spec = alarmSpec('SagaFailureRate', 'arn', {
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      Threshold: 5,
      TreatMissingData: 'notBreaching',
      Metrics: [
        { Id: 'expr_1', Expression: 'IF(started > 0, 100 * failed / started, 0)', ReturnData: true },
        stat('started', 'ExecutionsStarted'),
        stat('failed', 'ExecutionsFailed'),
      ],
    });
    const alarms = new Alarms([spec], store);
    // Three 5-minute periods, the last one the current.
    const put = (name: string, value: number) => {
      for (const ago of [0, 5, 10])
        store.put({
          namespace: 'AWS/States',
          name,
          dimensions: { StateMachineArn: arn },
          timestamp: now - ago * MINUTE,
          values: [value],
        });
    };
    put('ExecutionsStarted', 10);
    put('ExecutionsFailed', 0);
    alarms.evaluate();
    const healthy = alarms.all[0]!.state;
    put('ExecutionsFailed', 3);
    alarms.evaluate();

    expect(healthy).toBe('OK');
    expect(alarms.all[0]!.state).toBe('ALARM');
    expect(alarms.describe({ AlarmNames: ['SagaFailureRate'] }).MetricAlarms[0]).toMatchObject({
      Metrics: expect.any(Array) as unknown,
      StateValue: 'ALARM',
    });
  });
});
