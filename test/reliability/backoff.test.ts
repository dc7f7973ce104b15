import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../e2e/support';
import { edgeConfig } from './support';
import { ReliabilityShop } from './shop';

/**
 * kill -9 in the middle of a retry backoff, on a state machine of one's own (made with
 * CreateStateMachine, kept across the restart): a Task whose function refuses its input every time,
 * retried twice, 8 s apart. The cloud is killed just after the first failure, inside the first
 * backoff. After the restart the Task goes on with its attempt count: the attempt after the kill is
 * the first retry (RetryCount 1), it comes when the backoff begun before the kill ends, and only one
 * more follows; had the counters started over, it would have made two more retries than that.
 */
jest.setTimeout(600_000);

const shop = new ReliabilityShop('backoff', mkdtempSync(join(tmpdir(), 'shop-backoff-')), [
  '--retry-interval-scale',
  '1',
]);
afterAll(() => shop.stop());

const INTERVAL_S = 8;
const sfn = () => new SFNClient(edgeConfig(shop.urls));

const historyOf = async (executionArn: string | undefined): Promise<HistoryEvent[]> => {
  const client = sfn();
  try {
    return (await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
  } finally {
    client.destroy();
  }
};
const ofType = (events: HistoryEvent[], type: string) => events.filter((e) => e.type === type);
const retryCountOf = (event: HistoryEvent) =>
  (JSON.parse(event.taskScheduledEventDetails!.parameters!) as { Payload: { retryCount: number } }).Payload.retryCount;

test('kill -9 in a retry backoff: the resumed Task goes on with its attempt count and waits out the backoff it began', async () => {
  await shop.start();
  const client = sfn();
  // A function of the stack that refuses an empty order update: a failure that no restart makes go away.
  const saga = await client.send(
    new DescribeStateMachineCommand({ stateMachineArn: (await shop.outputsOf()).StateMachineArn! }),
  );
  const functionArn = /arn:aws:lambda:[^"]+OrderUpdateStatus[^"]*/.exec(saga.definition!)![0];
  const { stateMachineArn } = await client.send(
    new CreateStateMachineCommand({
      name: 'Backoff',
      roleArn: 'arn:aws:iam::000000000000:role/Backoff',
      definition: JSON.stringify({
        StartAt: 'Update',
        States: {
          Update: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: functionArn, Payload: { 'retryCount.$': '$$.State.RetryCount' } },
            Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: INTERVAL_S, BackoffRate: 1, MaxAttempts: 2 }],
            End: true,
          },
        },
      }),
    }),
  );
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
  client.destroy();
  const firstFailure = await eventually(
    async () => ofType(await historyOf(executionArn), 'TaskFailed')[0],
    'the first failure',
    60_000,
  );

  await shop.kill();
  await shop.start();
  const ended = await eventually(
    async () => {
      const described = await sfn().send(new DescribeExecutionCommand({ executionArn }));
      return described.status === 'RUNNING' ? undefined : described;
    },
    'the execution to end',
    120_000,
  );
  const events = await historyOf(executionArn);
  const scheduled = ofType(events, 'TaskScheduled');

  expect(ended.status).toBe('FAILED');
  expect(ofType(events, 'TaskStateEntered')).toHaveLength(1);
  expect(scheduled.map(retryCountOf)).toEqual([0, 1, 2]);
  expect(ofType(events, 'TaskFailed')).toHaveLength(3);
  // The retry after the kill came when the backoff begun before the kill ended, not at the restart.
  const retried = scheduled[1]!.timestamp!.getTime() - firstFailure.timestamp!.getTime();
  expect(retried).toBeGreaterThanOrEqual(INTERVAL_S * 1000 - 10);
  expect(retried).toBeLessThan(INTERVAL_S * 1000 + 5000);
});
