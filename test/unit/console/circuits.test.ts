import { circuitNames, circuitQueries, circuitRows } from '../../../web/console/model/circuits';

// The console's Circuits page, from CloudWatch's metrics alone: the circuits ListMetrics names, three
// queries each, and a row each of the last state a call saw, its refusals and its transitions.

const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 7, minute));

test('the circuits are the Circuit dimensions of CircuitState, each once, in order', () => {
  expect(
    circuitNames([
      {
        Dimensions: [
          { Name: 'Circuit', Value: 'WarehouseReserve' },
          { Name: 'service', Value: 'order' },
        ],
      },
      {
        Dimensions: [
          { Name: 'service', Value: 'order' },
          { Name: 'Circuit', Value: 'BillingPay' },
        ],
      },
      { Dimensions: [{ Name: 'Circuit', Value: 'BillingPay' }] },
      { Dimensions: [{ Name: 'service', Value: 'order' }] },
    ]),
  ).toEqual(['BillingPay', 'WarehouseReserve']);
});

test('three queries a circuit, by minute: the worst state, and the sums of refusals and transitions', () => {
  const queries = circuitQueries(['DeliveryBook']);

  expect(queries.map((q) => [q.Id, q.MetricStat.Metric.MetricName, q.MetricStat.Stat, q.MetricStat.Period])).toEqual([
    ['state0', 'CircuitState', 'Maximum', 60],
    ['refused0', 'CircuitRejected', 'Sum', 60],
    ['transitions0', 'CircuitTransitions', 'Sum', 60],
  ]);
  expect(queries[0]!.MetricStat.Metric.Dimensions).toEqual([
    { Name: 'Circuit', Value: 'DeliveryBook' },
    { Name: 'service', Value: 'order' },
  ]);
});

test("a row a circuit: the latest minute's state, whatever the order of the points; no report, no state", () => {
  const rows = circuitRows(
    ['BillingPay', 'DeliveryBook'],
    [
      { Id: 'state1', Timestamps: [at(5), at(7), at(6)], Values: [0, 1, 2] },
      { Id: 'refused1', Timestamps: [at(6), at(7)], Values: [12, 3] },
      { Id: 'transitions1', Timestamps: [at(5), at(7)], Values: [1, 1] },
      { Id: 'state0', Timestamps: [], Values: [] },
    ],
  );

  expect(rows).toEqual([
    { circuit: 'BillingPay', refused: 0, transitions: 0 },
    { circuit: 'DeliveryBook', state: 'HALF_OPEN', seenAt: at(7), refused: 15, transitions: 2 },
  ]);
});
