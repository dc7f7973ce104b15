import type { FunctionSpec } from '../../../local/lambda/specs';
import { LogHub } from '../../../local/logs/hub';

const fn = { logicalId: 'OrderCreateOrder7834CB64', name: 'ServerlessShop-OrderCreateOrder7834CB64' } as FunctionSpec;

test('EMF lines become metrics; Powertools logs become readable lines; chunks are joined into lines', () => {
  const printed: string[] = [];
  const hub = new LogHub((line) => printed.push(line));
  const emf = JSON.stringify({
    _aws: {
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [
        { Namespace: 'ServerlessShop', Dimensions: [['service']], Metrics: [{ Name: 'OrdersCreated', Unit: 'Count' }] },
      ],
    },
    service: 'order',
    OrdersCreated: 1,
  });
  const log = JSON.stringify({
    level: 'INFO',
    message: 'Order created',
    service: 'order',
    timestamp: 'x',
    orderId: 'o-1',
  });

  hub.output({ fn, requestId: 'req-1', stream: 'stdout', text: `${emf}\n${log.slice(0, 10)}` });
  hub.output({ fn, requestId: 'req-1', stream: 'stdout', text: `${log.slice(10)}\nplain line\n` });

  expect(hub.metrics).toEqual([
    {
      function: 'OrderCreateOrder',
      timestamp: 1_700_000_000_000,
      namespace: 'ServerlessShop',
      dimensions: { service: 'order' },
      values: { OrdersCreated: 1 },
      units: { OrdersCreated: 'Count' },
    },
  ]);
  expect(printed).toHaveLength(2);
  expect(printed[0]).toMatch(/OrderCreateOrder\s+req-1\s+INFO\s+Order created \{"orderId":"o-1"\}$/);
  expect(printed[1]).toMatch(/LOG\s+plain line$/);
});

test('subscribers hear every metric record and every invocation report', () => {
  const hub = new LogHub(() => undefined);
  const heard: string[] = [];
  hub.subscribe({
    metric: (record) => heard.push(`metric ${Object.keys(record.values).join()}`),
    report: (record) => heard.push(`report ${record.functionName} ${record.error ?? 'ok'}`),
  });
  const emf = JSON.stringify({
    _aws: {
      Timestamp: 1,
      CloudWatchMetrics: [{ Namespace: 'ServerlessShop', Dimensions: [[]], Metrics: [{ Name: 'OrdersCompleted' }] }],
    },
    OrdersCompleted: 1,
  });

  hub.output({ fn, requestId: 'req-2', stream: 'stdout', text: `${emf}\n` });
  hub.report({
    fn,
    requestId: 'req-2',
    start: 0,
    queuedMs: 0,
    initMs: 0,
    durationMs: 5,
    coldStart: false,
    error: { errorType: 'Boom', errorMessage: 'boom' },
  });
  hub.metric({
    function: 'local',
    timestamp: 2,
    namespace: 'LocalCloud',
    dimensions: {},
    values: { FaultsInjected: 1 },
  });

  expect(heard).toEqual([
    'metric OrdersCompleted',
    'report ServerlessShop-OrderCreateOrder7834CB64 Boom',
    'metric FaultsInjected',
  ]);
});
