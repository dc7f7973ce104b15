import type { StateRun } from '../../../web/console/model/history';
import {
  functionOf,
  levelOf,
  type LogLine,
  logGroupOf,
  mergeLines,
  participantOf,
  requestIdOf,
  stepLogQueries,
} from '../../../web/console/model/logs';

// What the console's Logs views compute: a Task's function and log group, its attempts' request ids
// and queries, and a live tail's bounded lines.

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:ServerlessShop-BillingPay1234';
const invoke = {
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Arguments: { FunctionName: ARN, Payload: '{% $states.input %}' },
};

test('the function of a Task: lambda:invoke by Arguments or Parameters, a function ARN resource, or none', () => {
  expect(functionOf(invoke)).toBe('ServerlessShop-BillingPay1234');
  expect(
    functionOf({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: `${ARN}:$LATEST` },
    }),
  ).toBe('ServerlessShop-BillingPay1234');
  expect(functionOf({ Type: 'Task', Resource: ARN })).toBe('ServerlessShop-BillingPay1234');
  expect(
    functionOf({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: '{% $fn %}' } }),
  ).toBeUndefined();
  expect(functionOf({ Type: 'Task', Resource: 'arn:aws:states:::sns:publish' })).toBeUndefined();
  expect(functionOf({ Type: 'Pass' })).toBeUndefined();
  expect(logGroupOf('f')).toBe('/aws/lambda/f');
});

test("each attempt's query: by its request id when its result has one, else by its window alone", () => {
  const run: StateRun = {
    name: 'ProcessPayment',
    type: 'Task',
    enteredAt: 1000,
    eventId: 2,
    attempts: [
      { startedAt: 1000, endedAt: 1200, outcome: 'failed', error: 'Lambda.ServiceException' },
      {
        startedAt: 3000,
        endedAt: 3100,
        outcome: 'succeeded',
        result: JSON.stringify({ Payload: {}, SdkResponseMetadata: { RequestId: 'r-2' } }),
      },
    ],
    retries: 1,
    status: 'retried',
  };
  expect(stepLogQueries(invoke, run)).toEqual([
    { logGroupName: '/aws/lambda/ServerlessShop-BillingPay1234', startTime: -1000, endTime: 3200, attempt: 1 },
    {
      logGroupName: '/aws/lambda/ServerlessShop-BillingPay1234',
      filterPattern: '"r-2"',
      requestId: 'r-2',
      startTime: 1000,
      endTime: 5100,
      attempt: 2,
    },
  ]);
  expect(stepLogQueries({ Type: 'Pass' }, run)).toEqual([]);
  expect(requestIdOf('not json')).toBeUndefined();
});

test('a tail keeps each event once, in time order, the newest only past its bound', () => {
  const line = (id: number, timestamp = id): LogLine => ({ eventId: String(id), timestamp, message: `m${id}` });
  const first = mergeLines([], [line(1), line(3)], 3);
  const second = mergeLines(first, [line(3), line(2), line(4)], 3);
  expect(second.map((l) => l.eventId)).toEqual(['2', '3', '4']);
  expect(mergeLines(second, [line(4)], 3)).toBe(second);
});

test.each([
  ['START RequestId: x Version: $LATEST', 'PLATFORM'],
  ['REPORT RequestId: x\tDuration: 1.00 ms', 'PLATFORM'],
  ['{"level":"ERROR","message":"m"}', 'ERROR'],
  ['2026-12-02T10:00:00.000Z\tr-1\tWARN\tcareful', 'WARN'],
  ['plain', 'INFO'],
])('the level of %j is %s', (message, level) => {
  expect(levelOf(message)).toBe(level);
});

test("a step's invocation of another function is found by its Participant invoked line", () => {
  const line = (message: string) => ({ eventId: message.slice(0, 8), timestamp: 1, message });
  const invoked = JSON.stringify({
    level: 'INFO',
    message: 'Participant invoked',
    participant: {
      functionName: 'arn:aws:lambda:us-east-1:000000000000:function:ServerlessShop-BillingPay1234',
      requestId: 'r-42',
    },
  });
  expect(
    participantOf([line('START RequestId: r-1 Version: $LATEST'), line(`2026-12-02T23:00:00Z\tr-1\tINFO\t${invoked}`)]),
  ).toEqual({ logGroupName: '/aws/lambda/ServerlessShop-BillingPay1234', requestId: 'r-42' });
  expect(participantOf([line('START RequestId: r-1'), line('{"message":"Participant invoked"}')])).toBeUndefined();
  expect(participantOf([line('"Participant invoked" but not JSON {')])).toBeUndefined();
});
