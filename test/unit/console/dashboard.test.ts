import { alignResults, latestValue, parseDashboard, total, widgetQueries } from '../../../web/console/model/dashboard';

// The stack's dashboard body, as CDK writes it (stacks/constructs/observability.ts), in part.
const body = JSON.stringify({
  widgets: [
    {
      type: 'metric',
      width: 12,
      height: 6,
      x: 0,
      y: 0,
      properties: {
        view: 'timeSeries',
        title: 'Orders',
        region: 'us-east-1',
        metrics: [
          ['ServerlessShop', 'OrdersCreated', 'service', 'order', { stat: 'Sum' }],
          ['ServerlessShop', 'OrdersCompleted', 'service', 'order', { stat: 'Sum' }],
          [
            {
              label: 'OrdersCancelled',
              expression: "SEARCH('{ServerlessShop,Reason,service} MetricName=\"OrdersCancelled\"', 'Sum', 300)",
            },
          ],
        ],
      },
    },
    {
      type: 'metric',
      width: 12,
      height: 3,
      x: 12,
      y: 12,
      properties: {
        view: 'singleValue',
        title: 'Saga failure rate (%)',
        metrics: [
          [{ label: 'Saga failure rate (%)', expression: 'IF(started > 0, 100 * failed / started, 0)' }],
          [
            'AWS/States',
            'ExecutionsStarted',
            'StateMachineArn',
            'arn:saga',
            { id: 'started', visible: false, stat: 'Sum' },
          ],
          ['...', 'ExecutionsFailed', 'StateMachineArn', 'arn:saga', { id: 'failed', visible: false, stat: 'Sum' }],
        ],
      },
    },
    { type: 'text', width: 24, height: 2, properties: { markdown: '# Shop' } },
    {
      type: 'metric',
      width: 18,
      height: 6,
      properties: {
        period: 300,
        stat: 'p99',
        metrics: [
          ['ServerlessShop', 'SagaDuration', 'service', 'order'],
          ['.', '.', '.', 'billing'],
        ],
      },
    },
  ],
});

describe('a dashboard read from its body', () => {
  test('widgets keep their place on the 24-column grid; those without one flow left to right', () => {
    const widgets = parseDashboard(body);
    expect(widgets.map(({ x, y, width, height }) => [x, y, width, height])).toEqual([
      [0, 0, 12, 6],
      [12, 12, 12, 3],
      [0, 0, 24, 2],
      [0, 2, 18, 6],
    ]);
    expect(widgets[2]).toMatchObject({ type: 'text', properties: { markdown: '# Shop' } });
  });

  test('metric rows become GetMetricData queries with their stat, dimensions and period', () => {
    const [orders] = parseDashboard(body);
    const queries = widgetQueries(orders!.properties);
    expect(queries[1]).toEqual({
      Id: 'm1',
      Label: 'OrdersCompleted',
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: 'ServerlessShop',
          MetricName: 'OrdersCompleted',
          Dimensions: [{ Name: 'service', Value: 'order' }],
        },
        Stat: 'Sum',
        Period: 60,
      },
    });
    expect(queries[2]).toMatchObject({
      Id: 'e2',
      Label: 'OrdersCancelled',
      ReturnData: true,
      Expression: expect.stringContaining('SEARCH(') as string,
    });
  });

  test('math over hidden metrics: their ids are kept and they return no data of their own', () => {
    const queries = widgetQueries(parseDashboard(body)[1]!.properties);
    expect(queries.map((q) => [q.Id, q.ReturnData])).toEqual([
      ['e0', true],
      ['started', false],
      ['failed', false],
    ]);
    expect(queries[2]!.MetricStat!.Metric).toEqual({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: 'arn:saga' }],
    });
  });

  test('the widget’s stat and period apply to its rows, and `.` repeats the row above', () => {
    const queries = widgetQueries(parseDashboard(body)[3]!.properties);
    expect(queries[1]!.MetricStat).toEqual({
      Metric: {
        Namespace: 'ServerlessShop',
        MetricName: 'SagaDuration',
        Dimensions: [{ Name: 'service', Value: 'billing' }],
      },
      Stat: 'p99',
      Period: 300,
    });
    expect(queries[0]!.Label).toBe('SagaDuration p99');
  });

  test('results align on one time axis, a missing datapoint a gap', () => {
    const chart = alignResults(
      [{ Label: 'OrdersCompleted', Timestamps: [new Date(120_000), new Date(0)], Values: [3, 1] }],
      0,
      180_000,
      60,
    );
    expect(chart).toEqual({
      labels: ['OrdersCompleted'],
      data: [
        [0, 60, 120, 180],
        [1, null, 3, null],
      ],
    });
  });

  test('a single value is the newest datapoint; the total sums the range', () => {
    const result = { Timestamps: [new Date(60_000), new Date(120_000), new Date(0)], Values: [2, 5, 1] };
    expect(latestValue(result)).toBe(5);
    expect(total(result)).toBe(8);
    expect(latestValue({})).toBeUndefined();
  });
});
