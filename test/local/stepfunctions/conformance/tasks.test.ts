import { type Case, conform, LAMBDA, single } from './harness';

// Task states: timeouts (the developer guide's "Error names": States.Timeout, which States.TaskFailed
// does not match), the DynamoDB and SNS integrations' result shapes, a JSONata Task's Assign.

const ok = (output: unknown) => ({ status: 'SUCCEEDED' as const, output });
const sleepy = (extra: object = {}) => ({
  Type: 'Task',
  Resource: LAMBDA,
  Parameters: { FunctionName: 'sleep:1300', Payload: {} },
  TimeoutSeconds: 1,
  ...extra,
});

const cases: Case[] = [
  {
    name: 'a Task past its TimeoutSeconds fails with States.Timeout',
    definition: single(sleepy()),
    expected: { status: 'FAILED', error: 'States.Timeout', cause: undefined },
  },
  {
    name: 'States.TaskFailed does not catch States.Timeout; States.Timeout and States.ALL do',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          ...sleepy(),
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'Wrong' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Right' },
          ],
          End: true,
        },
        Wrong: { Type: 'Fail', Error: 'Wrong' },
        Right: { Type: 'Pass', OutputPath: '$.error.Error', End: true },
      },
    },
    expected: ok('States.Timeout'),
  },
  {
    name: 'TimeoutSecondsPath',
    definition: single(sleepy({ TimeoutSeconds: undefined, TimeoutSecondsPath: '$.timeout' })),
    input: { timeout: 1 },
    expected: { status: 'FAILED', error: 'States.Timeout' },
  },
  {
    name: 'a Task within its timeout succeeds',
    definition: single({
      Type: 'Task',
      Resource: LAMBDA,
      Parameters: { FunctionName: 'sleep:10', Payload: { ok: true } },
      TimeoutSeconds: 5,
      OutputPath: '$.Payload',
    }),
    expected: ok({ ok: true }),
  },
  {
    name: 'an execution past the machine’s TimeoutSeconds is TIMED_OUT with States.Timeout',
    definition: {
      ...single({ Type: 'Task', Resource: LAMBDA, Parameters: { FunctionName: 'sleep:1300' } }),
      TimeoutSeconds: 1,
    },
    expected: { status: 'TIMED_OUT', error: 'States.Timeout' },
  },
  {
    name: 'a retried Map runs all its items again',
    definition: single({
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: LAMBDA,
            Parameters: { FunctionName: 'flaky:1', 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          },
        },
      },
      MaxConcurrency: 1,
      Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 1 }],
    }),
    input: { items: ['a', 'b'] },
    expected: ok(['a', 'b']),
  },
  {
    name: 'dynamodb:getItem answers the item as DynamoDB does',
    definition: single({
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: 'orders', Key: { id: { 'S.$': '$.id' } } },
      ResultSelector: { 'id.$': '$.Item.id.S' },
      ResultPath: '$.found',
    }),
    input: { id: 'o-1' },
    expected: ok({ id: 'o-1', found: { id: 'o-1' } }),
  },
  {
    name: 'dynamodb:putItem with an item built from the input',
    definition: single({
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Parameters: { TableName: 'orders', Item: { id: { 'S.$': '$.id' }, n: { N: '1' } } },
      ResultPath: null,
    }),
    input: { id: 'o-1' },
    expected: ok({ id: 'o-1' }),
  },
  {
    name: 'a JSONata Task: Assign from $states.result, Output from the input',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish',
          Arguments: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: '{% $string($states.input) %}' },
          Assign: { messageId: '{% $states.result.MessageId %}' },
          Output: '{% $states.input %}',
          Next: 'Done',
        },
        Done: { Type: 'Succeed', Output: { id: '{% $messageId %}', input: '{% $states.input %}' } },
      },
    },
    input: { a: 1 },
    expected: ok({ id: 'm-1', input: { a: 1 } }),
  },
  {
    name: 'a JSONata Task retried until it succeeds, with $states.context.State.RetryCount',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Arguments: { FunctionName: 'flaky:1', Payload: { retry: '{% $states.context.State.RetryCount %}' } },
          Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }],
          Output: '{% $states.result.Payload %}',
          End: true,
        },
      },
    },
    expected: ok({ retry: 1 }),
  },
];

describe('Task states', () => conform(cases));
