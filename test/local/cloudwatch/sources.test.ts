import { PrometheusMetrics, snakeCase } from '../../../local/cloudwatch/prometheus';
import { apiData, executionData, ExecutionEvents, invocationData } from '../../../local/cloudwatch/sources';
import type { ExecutionRecord } from '../../../local/stepfunctions/executions';

// Where the metrics come from (AWS/States, AWS/ApiGateway, AWS/Lambda), and how they read in Prometheus.

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Saga';
const execution = (status: ExecutionRecord['status'], extra: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:o-1`,
  stateMachineArn: ARN,
  name: 'o-1',
  status,
  startDate: 1000,
  redriveCount: 0,
  eventCount: 1,
  ...extra,
});

describe('AWS/States', () => {
  test('a start, its end, a repeat and a redrive are told apart; a resumption after a restart is not a start', () => {
    const events = new ExecutionEvents();

    const seen = [
      events.classify(execution('RUNNING')),
      events.classify(execution('FAILED', { stopDate: 4000, eventCount: 9 })),
      events.classify(execution('FAILED', { stopDate: 4000, eventCount: 9 })),
      events.classify(execution('RUNNING', { redriveCount: 1, eventCount: 10 })),
      events.classify(execution('RUNNING', { executionArn: 'resumed', eventCount: 7 })),
    ];

    expect(seen).toEqual(['started', 'ended', undefined, 'redriven', undefined]);
  });

  test('each change publishes every outcome (1 for what happened, 0 for the others) and ExecutionTime at the end', () => {
    const ended = executionData(execution('SUCCEEDED', { stopDate: 4000 }), 'ended', 5000);
    const values = Object.fromEntries(ended.map((d) => [d.name, d.values]));

    expect(values).toEqual({
      ExecutionsSucceeded: [1],
      ExecutionsFailed: [0],
      ExecutionsTimedOut: [0],
      ExecutionsAborted: [0],
      ExecutionTime: [3000],
    });
    expect(ended.every((d) => d.namespace === 'AWS/States' && d.dimensions.StateMachineArn === ARN)).toBe(true);
    expect(executionData(execution('RUNNING'), 'started', 5000).map((d) => `${d.name}=${d.values![0]}`)).toContain(
      'ExecutionsStarted=1',
    );
  });
});

test('AWS/ApiGateway: Count, 4XXError, 5XXError and latencies, by API and by API and stage', () => {
  const data = apiData(
    { apiName: 'shop', stage: 'v1', method: 'POST', status: 503, latencyMs: 40, integrationLatencyMs: 35 },
    1000,
  );
  const byStage = data.filter((d) => d.dimensions.Stage === 'v1').map((d) => `${d.name}=${d.values![0]}`);

  expect(byStage).toEqual(['Count=1', '4XXError=0', '5XXError=1', 'Latency=40', 'IntegrationLatency=35']);
  expect(data.filter((d) => d.dimensions.Stage === undefined)).toHaveLength(5);
});

test('AWS/Lambda: an invocation by function name and over all functions', () => {
  const data = invocationData(
    {
      function: 'BillingPay',
      functionName: 'Shop-BillingPay',
      requestId: 'r',
      start: 0,
      end: 50,
      queuedMs: 0,
      initMs: 0,
      durationMs: 42,
      coldStart: false,
      error: 'Boom',
    },
    2,
  );

  expect(
    data.filter((d) => d.dimensions.FunctionName === 'Shop-BillingPay').map((d) => `${d.name}=${d.values![0]}`),
  ).toEqual(['Invocations=1', 'Errors=1', 'Duration=42', 'Throttles=0', 'ConcurrentExecutions=2']);
});

describe('Prometheus', () => {
  test('names in snake case', () => {
    expect(['OrdersCancelled', '4XXError', 'SagaDuration', 'LocalCloud', 'IdempotentReplays'].map(snakeCase)).toEqual([
      'orders_cancelled',
      '4xx_error',
      'saga_duration',
      'local_cloud',
      'idempotent_replays',
    ]);
  });

  test('EMF counters end in _total, durations are _seconds histograms, and dimensions naming one thing are no labels', async () => {
    const prometheus = new PrometheusMetrics();
    const emf = (values: Record<string, number>, dimensions: Record<string, string>, units: Record<string, string>) =>
      prometheus.emf({ function: 'f', timestamp: 0, namespace: 'ServerlessShop', dimensions, values, units });
    emf(
      { OrdersCancelled: 1 },
      { Reason: 'OUT_OF_STOCK', service: 'order', orderId: 'o-1' },
      { OrdersCancelled: 'Count' },
    );
    emf(
      { OrdersCancelled: 1 },
      { Reason: 'OUT_OF_STOCK', service: 'order', orderId: 'o-2' },
      { OrdersCancelled: 'Count' },
    );
    emf({ SagaDuration: 1500 }, { service: 'order' }, { SagaDuration: 'Milliseconds' });
    prometheus.execution(execution('RUNNING'), 'started');

    const text = String((await prometheus.scrape()).body);

    expect(text).toContain('shop_orders_cancelled_total{reason="OUT_OF_STOCK",service="order"} 2');
    expect(text).toContain('shop_saga_duration_seconds_sum{service="order"} 1.5');
    expect(text).toContain('shop_saga_duration_seconds_bucket{le="2.5",service="order"} 1');
    expect(text).toContain('shop_stepfunctions_executions_total{state_machine="Saga",status="started"} 1');
    expect(text).not.toMatch(/order_id|o-1/);
  });
});
