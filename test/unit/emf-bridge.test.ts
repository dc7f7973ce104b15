import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { gzipSync } from 'node:zlib';
import { decodeLogs, metricRequests } from '#observability/emf-bridge';
import { metricsOfEmf } from '#shared/emf';

/** What Powertools Metrics really prints for a flush, captured line by line. */
const powertoolsLines = (emit: (metrics: Metrics) => void): string[] => {
  const lines: string[] = [];
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false'; // the test setup silences metrics everywhere else
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    const metrics = new Metrics({ namespace: 'ServerlessShop', serviceName: 'order' });
    emit(metrics);
    metrics.publishStoredMetrics();
  } finally {
    write.mockRestore();
    process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  }
  return lines;
};

test('Powertools EMF becomes PutMetricData datums with the same names, units, dimensions and values', () => {
  const lines = powertoolsLines((metrics) => {
    metrics.addMetric('OrdersCreated', MetricUnit.Count, 1);
    metrics.addMetric('SagaDuration', MetricUnit.Seconds, 0.2);
    metrics.addMetric('SagaDuration', MetricUnit.Seconds, 0.4);
  });
  const requests = metricRequests(lines);
  expect(requests).toHaveLength(1);
  expect(requests[0]!.Namespace).toBe('ServerlessShop');
  const byName = Object.fromEntries(requests[0]!.MetricData.map((d) => [String(d.MetricName), d] as const));
  expect(byName.OrdersCreated).toMatchObject({
    Unit: 'Count',
    Values: [1],
    Dimensions: [{ Name: 'service', Value: 'order' }],
  });
  expect(byName.SagaDuration).toMatchObject({ Unit: 'Seconds', Values: [0.2, 0.4] });
  expect(byName.OrdersCreated!.Timestamp).toBeInstanceOf(Date);
});

test('a metric with an extra dimension keeps it, and every dimension set is its own metric', () => {
  const record = {
    _aws: {
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [
        {
          Namespace: 'ServerlessShop',
          Dimensions: [['service'], ['service', 'Reason']],
          Metrics: [{ Name: 'OrdersCancelled', Unit: 'Count' }],
        },
      ],
    },
    service: 'order',
    Reason: 'PAYMENT_DECLINED',
    OrdersCancelled: 1,
  };
  expect(metricsOfEmf(record).map((m) => m.dimensions)).toEqual([
    { service: 'order' },
    { service: 'order', Reason: 'PAYMENT_DECLINED' },
  ]);
});

test('lines that are not EMF, or break the specification, give no metrics', () => {
  const lines = [
    'START RequestId: 1 Version: $LATEST',
    '{"level":"INFO","message":"Order created"}',
    '{"_aws":{"CloudWatchMetrics":[{"Namespace":"ServerlessShop","Dimensions":[["service"]],"Metrics":[{"Name":"X"}]}]},"X":1}', // no service value
    '{"_aws":{"CloudWatchMetrics":[{"Namespace":"ServerlessShop","Dimensions":[["service"]],"Metrics":[{"Name":"X"}]}]},"service":"order","X":"one"}',
    'not json {',
  ];
  expect(metricRequests(lines)).toEqual([]);
});

test('a Lambda-prefixed line is read too, and a big batch is split to the API limits', () => {
  const record = {
    _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [[]], Metrics: [{ Name: 'M' }] }] },
    M: Array.from({ length: 400 }, (_, i) => i),
  };
  const line = `2026-11-25T00:00:00.000Z\t1c2d\tINFO\t${JSON.stringify(record)}`;
  const requests = metricRequests(Array.from({ length: 1100 }, () => line));
  expect(requests.map((r) => r.MetricData.length)).toEqual([1000, 1000, 1000, 300]);
  expect(requests[0]!.MetricData[0]!.Values).toHaveLength(150);
});

test('the subscription payload is decoded as CloudWatch Logs sends it (gzip, base64)', () => {
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: '000000000000',
    logGroup: '/aws/lambda/x',
    logStream: 's',
    subscriptionFilters: ['f'],
    logEvents: [{ id: '1', timestamp: 1, message: 'hello' }],
  };
  const event = { awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } };
  expect(decodeLogs(event)).toEqual(payload);
});
