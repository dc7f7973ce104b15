import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutDashboardCommand,
  GetDashboardCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { cloudwatchEdge, unflatten } from '../../../local/cloudwatch/api';
import { createEdge } from '../../../local/http/edge';
import { CloudWatchService } from '../../../local/cloudwatch/service';
import { MINUTE } from '../../../local/cloudwatch/store';

// CloudWatch's API on the edge, through both protocols: the SDK v3 (JSON 1.0, query-compatible) and
// the query protocol (form-encoded, XML), over a store filled with known values.

const NOW = Date.UTC(2026, 10, 26, 2, 0, 30);
const T = (minutesAgo: number) => Math.floor(NOW / MINUTE) * MINUTE - minutesAgo * MINUTE;
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Saga';
const states = (name: string) => ({
  Namespace: 'AWS/States',
  MetricName: name,
  Dimensions: [{ Name: 'StateMachineArn', Value: ARN }],
});

let server: Server;
let service: CloudWatchService;
let client: CloudWatchClient;
let base: string;

beforeAll(async () => {
  service = new CloudWatchService([], [{ name: 'Shop', body: '{"widgets":[]}' }], {
    accountId: '000000000000',
    now: () => NOW,
  });
  // CloudWatch alone on an edge, as the local cloud serves it.
  server = createEdge([cloudwatchEdge(service)], (error) => {
    throw error;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new CloudWatchClient({
    endpoint: base,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const put = (name: string, minutesAgo: number, value: number) =>
    service.put([
      {
        namespace: 'AWS/States',
        name,
        dimensions: { StateMachineArn: ARN },
        timestamp: T(minutesAgo),
        values: [value],
      },
    ]);
  // Three 5-minute periods: 4 started, 1 failed; 2 started, none failed; 5 started, 5 failed.
  [
    [12, 4, 1],
    [7, 2, 0],
    [2, 5, 5],
  ].forEach(([ago, started, failed]) => {
    put('ExecutionsStarted', ago!, started!);
    put('ExecutionsFailed', ago!, failed!);
  });
  for (const [reason, ago] of [
    ['OUT_OF_STOCK', 2],
    ['PAYMENT_DECLINED', 2],
    ['PAYMENT_DECLINED', 7],
  ] as const) {
    service.put([
      {
        namespace: 'ServerlessShop',
        name: 'OrdersCancelled',
        dimensions: { service: 'order', Reason: reason },
        timestamp: T(ago),
        values: [1],
      },
    ]);
  }
});

afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const range = { StartTime: new Date(T(15)), EndTime: new Date(NOW) };

describe('GetMetricData', () => {
  test('a MetricStat answers one value per period with data, newest first by default, oldest first with ScanBy', async () => {
    const query = { Id: 'started', MetricStat: { Metric: states('ExecutionsStarted'), Period: 300, Stat: 'Sum' } };

    const newest = await client.send(new GetMetricDataCommand({ ...range, MetricDataQueries: [query] }));
    const oldest = await client.send(
      new GetMetricDataCommand({ ...range, MetricDataQueries: [query], ScanBy: 'TimestampAscending' }),
    );

    expect(newest.MetricDataResults).toEqual([
      expect.objectContaining({
        Id: 'started',
        Label: 'ExecutionsStarted',
        StatusCode: 'Complete',
        Values: [5, 2, 4],
        Timestamps: [new Date(T(5)), new Date(T(10)), new Date(T(15))],
      }),
    ]);
    expect(oldest.MetricDataResults?.[0]?.Values).toEqual([4, 2, 5]);
  });

  test("the stack's failure-rate expression: IF and arithmetic over the queries it names, which return no data themselves", async () => {
    const result = await client.send(
      new GetMetricDataCommand({
        ...range,
        MetricDataQueries: [
          {
            Id: 'rate',
            Expression: 'IF(started > 0, 100 * (failed + 0) / started, 0)',
            Label: 'Saga failure rate (%)',
          },
          {
            Id: 'started',
            MetricStat: { Metric: states('ExecutionsStarted'), Period: 300, Stat: 'Sum' },
            ReturnData: false,
          },
          {
            Id: 'failed',
            MetricStat: { Metric: states('ExecutionsFailed'), Period: 300, Stat: 'Sum' },
            ReturnData: false,
          },
        ],
      }),
    );

    expect(result.MetricDataResults).toEqual([
      expect.objectContaining({ Id: 'rate', Label: 'Saga failure rate (%)', Values: [100, 0, 25] }),
    ]);
  });

  test("SEARCH answers one result per matching metric, under the same Id, labelled by its dimension values in the schema's order", async () => {
    const result = await client.send(
      new GetMetricDataCommand({
        ...range,
        MetricDataQueries: [
          {
            Id: 'cancelled',
            Expression: `SEARCH('{ServerlessShop,Reason,service} MetricName="OrdersCancelled"', 'Sum', 300)`,
          },
        ],
      }),
    );
    const byLabel = Object.fromEntries(
      (result.MetricDataResults ?? []).map((r): [string, number[]] => [r.Label ?? '', r.Values ?? []]),
    );

    expect(result.MetricDataResults?.map((r) => r.Id)).toEqual(['cancelled', 'cancelled']);
    expect(byLabel).toEqual({ 'OUT_OF_STOCK order': [1], 'PAYMENT_DECLINED order': [1, 1] });
  });

  test('bad input gets CloudWatch errors, by name, never a 500', async () => {
    const attempt = (input: object) =>
      client.send(new GetMetricDataCommand(input as never)).then(
        () => 'answered',
        (error: Error & { $metadata: { httpStatusCode?: number } }) =>
          `${error.name} ${error.$metadata.httpStatusCode}`,
      );
    const stat = { MetricStat: { Metric: states('ExecutionsStarted'), Period: 300, Stat: 'Sum' } };

    expect(await attempt({ ...range, MetricDataQueries: [{ Id: 'Upper', ...stat }] })).toBe(
      'InvalidParameterValueException 400',
    );
    expect(await attempt({ ...range, MetricDataQueries: [] })).toBe('MissingRequiredParameterException 400');
    expect(
      await attempt({ StartTime: range.EndTime, EndTime: range.StartTime, MetricDataQueries: [{ Id: 'a', ...stat }] }),
    ).toBe('InvalidParameterValueException 400');
    expect(await attempt({ ...range, MetricDataQueries: [{ Id: 'a', Expression: 'b * (' }] })).toBe(
      'ValidationException 400',
    );
    expect(await attempt({ ...range, MetricDataQueries: [{ Id: 'a', Expression: 'a + 1' }] })).toBe(
      'ValidationException 400',
    );
    expect(
      await attempt({ ...range, MetricDataQueries: [{ Id: 'a', MetricStat: { ...stat.MetricStat, Period: 45 } }] }),
    ).toBe('InvalidParameterValueException 400');
    expect(
      await attempt({
        ...range,
        MetricDataQueries: [{ Id: 'a', Expression: `${'('.repeat(1000)}1${')'.repeat(1000)}` }],
      }),
    ).toBe('ValidationException 400');
    expect(
      await attempt({
        StartTime: new Date(0),
        EndTime: range.EndTime,
        MetricDataQueries: [
          { Id: 'a', Expression: 'FILL(b, 0)' },
          { Id: 'b', ...stat },
        ],
      }),
    ).toBe('InvalidParameterValueException 400');
  });

  test('a body that is not a JSON object is a SerializationException; DescribeAlarms checks MaxRecords', async () => {
    const post = (target: string, body: string) =>
      fetch(base, {
        method: 'POST',
        headers: {
          'x-amz-target': `GraniteServiceVersion20100801.${target}`,
          'content-type': 'application/x-amz-json-1.0',
        },
        body,
      });
    const junk = await post('GetMetricData', '{nope');
    const list = await post('GetMetricData', '[]');
    const records = await post('DescribeAlarms', '{"MaxRecords":0}');
    const unknown = await post('DeleteEverything', '{}');

    expect([junk.status, junk.headers.get('x-amzn-query-error')]).toEqual([400, 'SerializationException;Sender']);
    expect(list.status).toBe(400);
    expect([records.status, ((await records.json()) as { __type: string }).__type]).toEqual([
      400,
      'com.amazonaws.cloudwatch#InvalidParameterValueException',
    ]);
    expect([unknown.status, ((await unknown.json()) as { __type: string }).__type]).toEqual([
      400,
      'com.amazonaws.cloudwatch#UnknownOperationException',
    ]);
  });
});

describe('the other operations', () => {
  test('PutMetricData (also gzip-compressed) is read back by GetMetricStatistics and ListMetrics', async () => {
    await client.send(
      new PutMetricDataCommand({
        Namespace: 'Test',
        MetricData: [
          { MetricName: 'Latency', Unit: 'Milliseconds', Values: [10, 30], Counts: [1, 3], Timestamp: new Date(T(1)) },
        ],
      }),
    );
    const gzipped = await fetch(base, {
      method: 'POST',
      headers: {
        'x-amz-target': 'GraniteServiceVersion20100801.PutMetricData',
        'content-type': 'application/x-amz-json-1.0',
        'content-encoding': 'gzip',
      },
      body: gzipSync(
        JSON.stringify({
          Namespace: 'Test',
          MetricData: [{ MetricName: 'Latency', Value: 50, Timestamp: T(1) / 1000 }],
        }),
      ),
    });

    const stats = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Test',
        MetricName: 'Latency',
        ...range,
        Period: 60,
        Statistics: ['Sum', 'SampleCount', 'Maximum'],
        ExtendedStatistics: ['p50'],
      }),
    );
    const listed = await client.send(new ListMetricsCommand({ Namespace: 'Test' }));

    expect(gzipped.status).toBe(200);
    expect(stats.Datapoints).toEqual([
      {
        Timestamp: new Date(T(1)),
        Sum: 150,
        SampleCount: 5,
        Maximum: 50,
        ExtendedStatistics: { p50: 30 },
        Unit: 'Milliseconds',
      },
    ]);
    expect(listed.Metrics).toEqual([{ Namespace: 'Test', MetricName: 'Latency', Dimensions: [] }]);
  });

  test('PutMetricData refuses the AWS/ namespaces and a datum with two kinds of value', async () => {
    const attempt = (input: object) =>
      client.send(new PutMetricDataCommand(input as never)).then(
        () => 'stored',
        (error: Error) => error.name,
      );

    expect(await attempt({ Namespace: 'AWS/Lambda', MetricData: [{ MetricName: 'Invocations', Value: 1 }] })).toBe(
      'InvalidParameterValueException',
    );
    expect(await attempt({ Namespace: 'Test', MetricData: [{ MetricName: 'X', Value: 1, Values: [2] }] })).toBe(
      'InvalidParameterCombinationException',
    );
  });

  test('dashboards: put, get, and a missing one is ResourceNotFound (the SDK names it by its query-compatible code)', async () => {
    await client.send(
      new PutDashboardCommand({ DashboardName: 'Mine', DashboardBody: '{"widgets":[{"type":"text"}]}' }),
    );

    const mine = await client.send(new GetDashboardCommand({ DashboardName: 'Mine' }));
    const missing = await client
      .send(new GetDashboardCommand({ DashboardName: 'Nope' }))
      .catch((error: Error) => error.name);
    const invalid = await client
      .send(new PutDashboardCommand({ DashboardName: 'Bad', DashboardBody: '[1' }))
      .catch((error: Error) => error.name);

    expect(mine).toMatchObject({
      DashboardName: 'Mine',
      DashboardBody: '{"widgets":[{"type":"text"}]}',
      DashboardArn: 'arn:aws:cloudwatch::000000000000:dashboard/Mine',
    });
    expect(missing).toBe('ResourceNotFound');
    expect(invalid).toBe('DashboardInvalidInputError');
  });
});

describe('the query protocol', () => {
  const query = async (params: Record<string, string>) => {
    const response = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Version: '2010-08-01', ...params }),
    });
    return { status: response.status, xml: await response.text() };
  };

  test('GetMetricData answers the same numbers in XML, timestamps in ISO 8601', async () => {
    const { status, xml } = await query({
      Action: 'GetMetricData',
      StartTime: range.StartTime.toISOString(),
      EndTime: range.EndTime.toISOString(),
      'MetricDataQueries.member.1.Id': 'started',
      'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'AWS/States',
      'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'ExecutionsStarted',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name': 'StateMachineArn',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value': ARN,
      'MetricDataQueries.member.1.MetricStat.Period': '300',
      'MetricDataQueries.member.1.MetricStat.Stat': 'Sum',
    });

    expect(status).toBe(200);
    expect(xml).toContain(
      '<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricDataResult><MetricDataResults><member><Id>started</Id>',
    );
    expect(xml).toContain(
      `<Timestamps><member>${new Date(T(5)).toISOString()}</member><member>${new Date(T(10)).toISOString()}</member><member>${new Date(T(15)).toISOString()}</member></Timestamps><Values><member>5</member><member>2</member><member>4</member></Values><StatusCode>Complete</StatusCode>`,
    );
  });

  test('errors are XML ErrorResponses; prototype keys and unknown actions are refused', async () => {
    const missing = await query({ Action: 'GetMetricData' });
    const proto = await query({ Action: 'ListMetrics', '__proto__.x': '1' });
    const unknown = await query({ Action: 'DeleteEverything' });

    expect([missing.status, /<Code>MissingParameter<\/Code>/.test(missing.xml)]).toEqual([400, true]);
    expect([proto.status, /<Code>InvalidParameterValue<\/Code>/.test(proto.xml)]).toEqual([400, true]);
    expect([unknown.status, /<Code>InvalidAction<\/Code>/.test(unknown.xml)]).toEqual([400, true]);
  });

  test('flattened parameters become nested lists and structures', () => {
    const params = unflatten(
      new URLSearchParams('Action=X&A.member.2.B=two&A.member.1.B=one&A.member.1.C.member.1=c&D=d'),
    );

    expect(params).toEqual({ A: [{ B: 'one', C: ['c'] }, { B: 'two' }], D: 'd' });
  });
});
