import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleChaosRequest } from '../../../local/chaos/api';
import { tablesOf } from '../../../local/dynamodb/api';
import type { Chaos, FaultRule } from '../../../local/chaos/faults';
import { localChaos } from '../../support/chaos';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import type { FunctionSpec } from '../../../local/lambda/specs';

// Fault injection: the rules (LocalStack's Chaos API verbs), and what a fault does to a function.

const call = {
  service: 'lambda' as const,
  operation: 'Invoke',
  functionNames: ['ServerlessShop-BillingRefundA1B2C3D4', 'BillingRefundA1B2C3D4', 'BillingRefund'],
};

describe('rules', () => {
  test('a rule with times fires on the next N matching calls only, and counts what it injected', () => {
    const injected: string[] = [];
    const chaos = localChaos((rule) => injected.push(rule.id));
    const [rule] = chaos.set([{ service: 'lambda', function: 'BillingRefund', error: { code: 'Boom' }, times: 2 }]);

    const draws = [
      chaos.draw(call),
      chaos.draw({ ...call, functionNames: ['Other'] }),
      chaos.draw(call),
      chaos.draw(call),
    ];

    expect(draws.map((d) => d?.error?.code)).toEqual(['Boom', undefined, 'Boom', undefined]);
    expect(injected).toEqual([rule!.id, rule!.id]);
    expect(chaos.list()[0]).toMatchObject({ injected: 2, remaining: 0 });
  });

  test('a rule fires with its probability', () => {
    const values = [0.1, 0.9, 0.4];
    const chaos = localChaos(undefined, () => values.shift()!);
    chaos.set([{ service: 'dynamodb', operation: 'TransactWriteItems', probability: 0.5 }]);

    const draws = [0, 1, 2].map(() => chaos.draw({ service: 'dynamodb', operation: 'TransactWriteItems' }));

    expect(draws.map((d) => d?.effect)).toEqual(['error', undefined, 'error']);
    expect(chaos.draw({ service: 'dynamodb', operation: 'GetItem' })).toBeUndefined();
  });

  test('the API lists, replaces, adds and removes rules; bad rules are 400s in AWS error shape', () => {
    const chaos = localChaos();
    const body = (value: unknown) => Buffer.from(JSON.stringify(value));
    const rules = (response: { body: Buffer | string }) => JSON.parse(String(response.body)) as FaultRule[];

    const set = rules(
      handleChaosRequest(chaos, 'POST', body([{ service: 'sns', error: { code: 'Throttled', statusCode: 429 } }])),
    );
    const added = rules(
      handleChaosRequest(chaos, 'PATCH', body({ service: 'lambda', function: 'BillingPay', effect: 'crash' })),
    );
    const afterRemove = rules(handleChaosRequest(chaos, 'DELETE', body([{ id: set[0]!.id }])));
    const bad = handleChaosRequest(chaos, 'PATCH', body([{ service: 'sns', effect: 'crash' }]));
    const junk = handleChaosRequest(chaos, 'PATCH', Buffer.from('{nope'));
    const cleared = rules(handleChaosRequest(chaos, 'DELETE', Buffer.alloc(0)));

    expect(set).toEqual([
      expect.objectContaining({
        service: 'sns',
        effect: 'error',
        error: { code: 'Throttled', statusCode: 429 },
        probability: 1,
        injected: 0,
      }),
    ]);
    expect(added.map((r) => r.effect)).toEqual(['error', 'crash']);
    expect(afterRemove.map((r) => r.function)).toEqual(['BillingPay']);
    const errorType = (response: { body: Buffer | string }) =>
      (JSON.parse(String(response.body)) as { __type: string }).__type;
    expect([bad.status, errorType(bad)]).toEqual([400, 'ValidationException']);
    expect([junk.status, errorType(junk)]).toEqual([400, 'SerializationException']);
    expect(cleared).toEqual([]);
  });
});

test('a rule for a table fires on the calls that read or write it, batches and transactions too', () => {
  const chaos = localChaos();
  chaos.set([{ service: 'dynamodb', table: 'Shop-Circuits', error: { code: 'ServiceUnavailable', statusCode: 503 } }]);
  const call = (operation: string, request: unknown) =>
    chaos.draw({ service: 'dynamodb', operation, tables: tablesOf(Buffer.from(JSON.stringify(request))) })?.effect;

  const draws = [
    call('GetItem', { TableName: 'Shop-Circuits', Key: {} }),
    call('GetItem', { TableName: 'Shop-Orders', Key: {} }),
    call('BatchGetItem', { RequestItems: { 'Shop-Orders': {}, 'Shop-Circuits': {} } }),
    call('TransactWriteItems', {
      TransactItems: [{ Put: { TableName: 'Shop-Orders' } }, { Update: { TableName: 'Shop-Circuits' } }],
    }),
    call('TransactWriteItems', { TransactItems: [{ Put: { TableName: 'Shop-Orders' } }] }),
  ];

  expect(chaos.byTable).toBe(true);
  expect(draws).toEqual(['error', undefined, 'error', 'error', undefined]);
  expect(tablesOf(Buffer.from('{not json'))).toEqual([]);
  expect(() => chaos.set([{ service: 'lambda', table: 'Shop-Circuits' }])).toThrow(/table names a DynamoDB table/);
});

describe('faults in the Lambda runtime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-test-'));
  // Each call appends to a file, so the test sees whether the handler ran, whatever the answer.
  const ledger = join(dir, 'ledger.txt');
  const spec = (timeoutSeconds = 3): FunctionSpec => {
    const entry = join(dir, 'work.js');
    writeFileSync(
      entry,
      `const fs = require('node:fs'); let calls = 0; exports.handler = async () => { fs.appendFileSync(${JSON.stringify(ledger)}, 'x'); return ++calls; };`,
    );
    return {
      logicalId: 'WorkA1B2C3D4',
      name: 'work',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:work',
      entry,
      exportName: 'handler',
      handler: 'work.handler',
      timeoutSeconds,
      memorySize: 128,
      environment: {},
    };
  };
  const ran = () => (existsSync(ledger) ? readFileSync(ledger, 'utf8').length : 0);
  const runtimes: LambdaRuntime[] = [];
  afterAll(() => Promise.all(runtimes.map((r) => r.stop(0))));
  const start = (chaos: Chaos, timeoutSeconds?: number) => {
    const runtime = new LambdaRuntime([spec(timeoutSeconds)], { chaos });
    runtimes.push(runtime);
    return runtime;
  };

  test('error: the function fails with the named error, without running', async () => {
    const chaos = localChaos();
    chaos.set([
      { service: 'lambda', function: 'Work', error: { code: 'Lambda.ServiceException', message: 'down' }, times: 1 },
    ]);
    const runtime = start(chaos);
    const before = ran();

    const failed = await runtime.invoke('work', {});
    const next = await runtime.invoke('work', {});

    expect(failed).toMatchObject({
      functionError: 'Unhandled',
      payload: { errorType: 'Lambda.ServiceException', errorMessage: 'down' },
    });
    expect(next.payload).toBe(1);
    expect(ran() - before).toBe(1);
  });

  test('crash: the handler runs, its worker dies before answering, and the next call starts cold', async () => {
    const chaos = localChaos();
    chaos.set([{ service: 'lambda', function: 'WorkA1B2C3D4', effect: 'crash', times: 1 }]);
    const runtime = start(chaos);
    const before = ran();

    const crashed = await runtime.invoke('work', {});
    const next = await runtime.invoke('work', {});

    expect(crashed).toMatchObject({ functionError: 'Unhandled', payload: { errorType: 'Runtime.ExitError' } });
    expect(next.payload).toBe(1);
    expect(ran() - before).toBe(2);
  });

  test('timeout: the handler runs, and the answer never comes: Sandbox.Timedout at the function timeout', async () => {
    const chaos = localChaos();
    chaos.set([{ service: 'lambda', function: 'work', effect: 'timeout', times: 1 }]);
    const runtime = start(chaos, 1);
    const before = ran();
    const started = Date.now();

    const timedOut = await runtime.invoke('work', {});

    expect(timedOut).toMatchObject({ functionError: 'Unhandled', payload: { errorType: 'Sandbox.Timedout' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(ran() - before).toBe(1);
  });
});
