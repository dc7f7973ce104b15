import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackModel } from '../../../local/cloudformation/model';
import type { CfnTemplate } from '../../../local/cloudformation/template';
import { ruleChildren } from '../../../local/cloudwatch/composite';
import { alarmSpecs, dashboardSpecs } from '../../../local/cloudwatch/specs';
import { synthShop } from '../../support/synth';

// The stack's alarms and dashboard as the local CloudWatch reads them, and a source for every metric they use.

const modelOf = (dashboard?: 'resource' | 'api') =>
  new StackModel(synthShop({ dashboard }).toJSON() as CfnTemplate, {
    region: 'us-east-1',
    accountId: '000000000000',
    stackName: 'ServerlessShop',
  });

/** What the local cloud publishes in the AWS namespaces (local/cloudwatch/sources.ts). */
const LOCAL_AWS_METRICS: Record<string, string[]> = {
  'AWS/States': [
    'ExecutionsStarted',
    'ExecutionsSucceeded',
    'ExecutionsFailed',
    'ExecutionsAborted',
    'ExecutionsTimedOut',
    'ExecutionTime',
    'ExecutionsRedriven',
  ],
  'AWS/Lambda': ['Invocations', 'Errors', 'Duration', 'Throttles', 'ConcurrentExecutions'],
  'AWS/ApiGateway': ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency'],
};

const sourcesOf = (dir: string): string =>
  readdirSync(dir, { withFileTypes: true })
    .map((e) =>
      e.isDirectory()
        ? sourcesOf(join(dir, e.name))
        : e.name.endsWith('.ts')
          ? readFileSync(join(dir, e.name), 'utf8')
          : '',
    )
    .join('\n');

describe('specs from the template', () => {
  const model = modelOf();
  const { alarms, composites, skipped } = alarmSpecs(model);
  const stateMachineArn = model.ref(model.ofType('AWS::StepFunctions::StateMachine')[0]![0]);

  test("the stack's alarms as it defines them: all evaluated locally, the composite's rule naming each of the others", () => {
    const byName = (part: string) => alarms.find((a) => a.name.includes(part));
    const byMetric = { CompensationFailures: byName('CompensationFailures'), math: byName('SagaFailureRate') };
    const lambdaErrors = alarms.filter((a) => a.metric?.id.namespace === 'AWS/Lambda');
    const functionNames = model.ofType('AWS::Lambda::Function').map(([id]) => model.physicalName(id));

    expect(lambdaErrors.map((a) => a.metric!.id.dimensions.FunctionName).sort()).toEqual(functionNames.sort());
    expect(byName('SagaP99Duration')?.metric?.stat).toBe('p99');
    expect(byName('OrdersStalled')?.queries?.find((q) => q.returnData)?.expression).toContain('AND');
    expect(composites).toHaveLength(1);
    expect(composites[0]!.name).toBe('ServerlessShop-shop-unhealthy');
    expect(ruleChildren(composites[0]!.parsed)).toEqual(alarms.map((a) => a.arn));

    expect(skipped).toEqual([]);
    expect(byMetric.CompensationFailures).toMatchObject({
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      periodSeconds: 300,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      metric: { stat: 'Sum', id: { namespace: 'ServerlessShop', dimensions: { service: 'order' } } },
    });
    expect(byMetric.math).toMatchObject({ threshold: 5, evaluationPeriods: 3, periodSeconds: 300 });
    expect(
      byMetric
        .math!.queries!.filter((q) => q.stat)
        .every((q) => q.stat!.metric.dimensions.StateMachineArn === stateMachineArn),
    ).toBe(true);
  });

  test('the dashboard body is resolved JSON, as a resource or as the PutDashboard custom resource', () => {
    const [dashboard] = dashboardSpecs(model);
    const [putByApi] = dashboardSpecs(modelOf('api'));

    expect(dashboard!.name).toBe('ServerlessShop');
    expect((JSON.parse(dashboard!.body) as { widgets: unknown[] }).widgets.length).toBeGreaterThan(0);
    expect(dashboard!.body).toContain(stateMachineArn);
    expect(putByApi).toEqual(dashboard);
  }, 120_000);

  test('every metric the dashboard and the alarms use has a local source', () => {
    const functions = sourcesOf(join(__dirname, '..', '..', '..', 'functions'));
    const used = new Set<string>();
    for (const widget of (
      JSON.parse(dashboardSpecs(model)[0]!.body) as { widgets: { properties: { metrics?: unknown[][] } }[] }
    ).widgets) {
      for (const line of widget.properties.metrics ?? []) {
        if (typeof line[0] === 'string') used.add(`${line[0]} ${String(line[1])}`);
        const search =
          typeof line[0] === 'object' &&
          /SEARCH\('\{([^,]+),[^}]*\} MetricName="(\w+)"/.exec((line[0] as { expression?: string }).expression ?? '');
        if (search) used.add(`${search[1]} ${search[2]}`);
      }
    }
    for (const alarm of alarms)
      for (const metric of alarm.metric
        ? [alarm.metric.id]
        : alarm.queries!.flatMap((q) => (q.stat ? [q.stat.metric] : [])))
        used.add(`${metric.namespace} ${metric.name}`);

    const missing = [...used].filter((entry) => {
      const [namespace, name] = entry.split(' ') as [string, string];
      return namespace === 'ServerlessShop'
        ? !new RegExp(`['"]${name}['"]`).test(functions)
        : !LOCAL_AWS_METRICS[namespace]?.includes(name);
    });

    expect(used.size).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
