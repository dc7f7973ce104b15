import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlarmActions } from '../../../local/cloudwatch/actions';
import { Alarms, type HistoryItem, type StateChange } from '../../../local/cloudwatch/alarms';
import { alarmNotification } from '../../../local/cloudwatch/notifications';
import { alarmSpec, compositeAlarmSpec } from '../../../local/cloudwatch/specs';
import { MetricStore, MINUTE } from '../../../local/cloudwatch/store';
import { AlertWebhook, slackBody } from '../../../local/cloudwatch/webhook';

// Alarm actions: the notification CloudWatch publishes to SNS (its exact shape), the Action history
// items, and the --alert-webhook forwarder against a real HTTP server.

const T0 = Date.UTC(2026, 11, 2, 14, 0, 0);
const ARN = 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:ServerlessShop-alerts';
const errors = alarmSpec('refund-errors', `${ARN}refund-errors`, {
  AlarmDescription: 'Refund failed 5 times',
  AlarmActions: [TOPIC],
  OKActions: [TOPIC],
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  Dimensions: [{ Name: 'FunctionName', Value: 'refund' }],
  EvaluationPeriods: 1,
  MetricName: 'Errors',
  Namespace: 'AWS/Lambda',
  Period: 300,
  Statistic: 'Sum',
  Threshold: 5,
  TreatMissingData: 'notBreaching',
});
const p99 = alarmSpec('saga-p99', `${ARN}saga-p99`, {
  ComparisonOperator: 'GreaterThanThreshold',
  Dimensions: [{ Name: 'service', Value: 'order' }],
  EvaluationPeriods: 3,
  ExtendedStatistic: 'p99',
  MetricName: 'SagaDuration',
  Namespace: 'ServerlessShop',
  Period: 300,
  Threshold: 30,
});
const unhealthy = compositeAlarmSpec('shop-unhealthy', `${ARN}shop-unhealthy`, {
  AlarmRule: `ALARM("${ARN}refund-errors") OR ALARM("${ARN}saga-p99")`,
  AlarmActions: [TOPIC],
});

/** The changes of one refund-errors breach, and the alarms that made them. */
const breach = () => {
  let now = T0;
  const store = new MetricStore({ now: () => now });
  const changes: StateChange[] = [];
  const alarms = new Alarms([errors, p99], store, (change) => changes.push(change), [unhealthy]);
  alarms.evaluate();
  now += MINUTE;
  store.put({
    namespace: 'AWS/Lambda',
    name: 'Errors',
    dimensions: { FunctionName: 'refund' },
    timestamp: now,
    values: [6],
  });
  alarms.evaluate();
  const find = (name: string, state: string) =>
    changes.find((c) => c.status.spec.name === name && c.status.state === state)!;
  return { alarms, changes, find };
};

describe('the notification an alarm action publishes', () => {
  test("a metric alarm's: CloudWatch's fields, its Trigger, and the Subject with the Region's name", () => {
    const { find } = breach();
    const { subject, message } = alarmNotification(find('refund-errors', 'ALARM'), {
      accountId: '000000000000',
      region: 'us-east-1',
    });
    expect(subject).toBe('ALARM: "refund-errors" in US East (N. Virginia)');
    expect(Object.keys(message)).toEqual([
      'AlarmName',
      'AlarmDescription',
      'AWSAccountId',
      'AlarmConfigurationUpdatedTimestamp',
      'NewStateValue',
      'NewStateReason',
      'StateChangeTime',
      'Region',
      'AlarmArn',
      'OldStateValue',
      'OKActions',
      'AlarmActions',
      'InsufficientDataActions',
      'Trigger',
    ]);
    expect(message).toMatchObject({
      AlarmName: 'refund-errors',
      AlarmDescription: 'Refund failed 5 times',
      AWSAccountId: '000000000000',
      AlarmConfigurationUpdatedTimestamp: '2026-12-02T14:00:00.000+0000',
      NewStateValue: 'ALARM',
      StateChangeTime: '2026-12-02T14:01:00.000+0000',
      Region: 'US East (N. Virginia)',
      AlarmArn: `${ARN}refund-errors`,
      OldStateValue: 'OK',
      OKActions: [TOPIC],
      AlarmActions: [TOPIC],
      InsufficientDataActions: [],
    });
    expect(message.NewStateReason).toMatch(
      /^Threshold Crossed: 1 datapoint \[6\.0 \(.+\)\] was greater than or equal to/,
    );
    expect(message.Trigger).toEqual({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      StatisticType: 'Statistic',
      Statistic: 'SUM',
      Unit: null,
      Dimensions: [{ value: 'refund', name: 'FunctionName' }],
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 5,
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: '',
    });
  });

  test("an extended statistic's Trigger names it as such", () => {
    const { alarms } = breach();
    const status = alarms.all.find((a) => a.spec.name === 'saga-p99')!;
    const change = { status, previous: { state: 'OK' as const, reason: '' }, at: T0 };
    const { message } = alarmNotification(change, { accountId: '1', region: 'eu-west-1' });
    expect(message.Trigger).toMatchObject({ StatisticType: 'ExtendedStatistic', ExtendedStatistic: 'p99' });
    expect(message.Region).toBe('EU (Ireland)');
  });

  test("a composite alarm's: its AlarmRule and TriggeringChildren instead of a Trigger", () => {
    const { find } = breach();
    const { subject, message } = alarmNotification(find('shop-unhealthy', 'ALARM'), {
      accountId: '000000000000',
      region: 'us-east-1',
    });
    expect(subject).toBe('ALARM: "shop-unhealthy" in US East (N. Virginia)');
    expect(message).toEqual({
      AlarmName: 'shop-unhealthy',
      AlarmDescription: null,
      AWSAccountId: '000000000000',
      NewStateValue: 'ALARM',
      NewStateReason: `${ARN}refund-errors transitioned to ALARM at Wednesday 2 December, 2026 14:01:00 UTC`,
      StateChangeTime: '2026-12-02T14:01:00.000+0000',
      Region: 'US East (N. Virginia)',
      AlarmArn: `${ARN}shop-unhealthy`,
      OKActions: [],
      AlarmActions: [TOPIC],
      InsufficientDataActions: [],
      OldStateValue: 'OK',
      AlarmRule: unhealthy.rule,
      TriggeringChildren: [
        { Arn: `${ARN}refund-errors`, State: { Value: 'ALARM', Timestamp: '2026-12-02T14:01:00.000+0000' } },
      ],
    });
  });
});

describe('alarm actions', () => {
  test('publish to the SNS topic of the new state once SNS is wired, and record each outcome as an Action item', async () => {
    const { changes } = breach();
    const history: HistoryItem[] = [];
    const published: { TopicArn: string; Subject: string; Message: string }[] = [];
    const actions = new AlarmActions({
      accountId: '000000000000',
      region: 'us-east-1',
      record: (i) => history.push(i),
    });
    for (const change of changes) actions.act(change);
    expect(published).toHaveLength(0);
    let fail = false;
    actions.publishWith((input) => {
      if (fail) return Promise.reject(new Error('Topic does not exist'));
      published.push(input);
      return Promise.resolve({ MessageId: `m${published.length}` });
    });
    await actions.settle();
    fail = true;
    actions.act(changes.find((c) => c.status.spec.name === 'refund-errors' && c.status.state === 'ALARM')!);
    await actions.settle();

    // refund-errors: OK then ALARM; shop-unhealthy: ALARM only (it has no OKActions); saga-p99 has no actions.
    expect(published.map((p) => p.Subject)).toEqual([
      'OK: "refund-errors" in US East (N. Virginia)',
      'ALARM: "refund-errors" in US East (N. Virginia)',
      'ALARM: "shop-unhealthy" in US East (N. Virginia)',
    ]);
    expect(published.every((p) => p.TopicArn === TOPIC)).toBe(true);
    expect((JSON.parse(published[1]!.Message) as { NewStateValue: string }).NewStateValue).toBe('ALARM');
    expect(history.map((h) => [h.AlarmName, h.AlarmType, h.HistoryItemType, h.HistorySummary])).toEqual([
      ['refund-errors', 'MetricAlarm', 'Action', `Successfully executed action ${TOPIC}`],
      ['refund-errors', 'MetricAlarm', 'Action', `Successfully executed action ${TOPIC}`],
      ['shop-unhealthy', 'CompositeAlarm', 'Action', `Successfully executed action ${TOPIC}`],
      [
        'refund-errors',
        'MetricAlarm',
        'Action',
        `Failed to execute action ${TOPIC}. Received error: "Topic does not exist"`,
      ],
    ]);
    expect(JSON.parse(history[0]!.HistoryData)).toMatchObject({
      actionState: 'Succeeded',
      notificationResource: TOPIC,
      publishedMessage: { messageId: 'm1' },
    });
  });
});

describe('the alert webhook', () => {
  let server: Server;
  let url = '';
  const received: unknown[] = [];
  let failFirst = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (failFirst > 0) {
          failFirst--;
          res.writeHead(503).end();
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('a Slack body: text, and blocks with the name, the change, the reason and the console links for the window', () => {
    const { find } = breach();
    const body = slackBody(find('refund-errors', 'ALARM'), 'http://localhost:8000/console/');
    const window = `window=${T0 + MINUTE - 5 * MINUTE}..${T0 + 2 * MINUTE}`;
    expect(body.text).toBe(':rotating_light: ALARM: refund-errors (OK → ALARM)');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(JSON.stringify(body.blocks[1])).toContain('*refund-errors* went from *OK* to *ALARM*');
    expect(JSON.stringify(body.blocks[1])).toContain('Threshold Crossed');
    expect(body.blocks[3]).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Dashboard' },
          url: `http://localhost:8000/console/#/dashboard/${window}`,
        },
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Executions in this window' },
          url: `http://localhost:8000/console/#/executions/${window}`,
        },
      ],
    });
  });

  test('forwards each change but a new alarm’s first OK, in order, retrying a failing receiver', async () => {
    const { changes } = breach();
    received.length = 0;
    failFirst = 2;
    const logs: string[] = [];
    const webhook = new AlertWebhook(url, { backoffMs: 10, log: (m) => logs.push(m) });
    for (const change of changes) webhook.send(change);
    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await webhook.stop();

    expect(changes.map((c) => `${c.status.spec.name}: ${c.previous.state}->${c.status.state}`)).toEqual([
      'refund-errors: INSUFFICIENT_DATA->OK',
      'shop-unhealthy: INSUFFICIENT_DATA->OK',
      'refund-errors: OK->ALARM',
      'shop-unhealthy: OK->ALARM',
    ]);
    expect((received as { text: string }[]).map((b) => b.text)).toEqual([
      ':rotating_light: ALARM: refund-errors (OK → ALARM)',
      ':rotating_light: ALARM: shop-unhealthy (OK → ALARM)',
    ]);
    expect(failFirst).toBe(0);
    expect(logs).toEqual([]);
  });

  test('a receiver that never answers 2xx is given up after the attempts, logged, and the cloud goes on', async () => {
    const { find } = breach();
    failFirst = 100;
    const logs: string[] = [];
    const webhook = new AlertWebhook(url, { attempts: 3, backoffMs: 5, log: (m) => logs.push(m) });
    webhook.send(find('refund-errors', 'ALARM'));
    const deadline = Date.now() + 10_000;
    while (logs.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(logs).toEqual(['alert webhook: the change of refund-errors to ALARM was not delivered (HTTP 503)']);
    expect(failFirst).toBe(97);
    failFirst = 0;
  });
});
