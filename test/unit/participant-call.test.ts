import { LambdaClient } from '@aws-sdk/client-lambda';
import { Readable } from 'node:stream';
import { classify, invokeParticipant, ParticipantError } from '../../functions/order/participant-call';

/** A Lambda API that answers every Invoke as given: the SDK's own parsing of Lambda's answers is exercised. */
const lambdaAnswering = (statusCode: number, body: unknown, headers: Record<string, string> = {}) =>
  new LambdaClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    maxAttempts: 1,
    requestHandler: {
      handle: () =>
        Promise.resolve({
          response: {
            statusCode,
            headers: { 'content-type': 'application/json', ...headers },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        }),
    },
  });

test('a result is answered as the participant returned it', async () => {
  const lambda = lambdaAnswering(200, { orderId: 'o-1', booked: true });
  expect(await invokeParticipant(lambda, 'book', { orderId: 'o-1' })).toEqual({ orderId: 'o-1', booked: true });
});

test('a function error is raised again under its errorType: a business answer does not count', async () => {
  const lambda = lambdaAnswering(
    200,
    { errorType: 'DeliveryUnavailable', errorMessage: 'slot full' },
    { 'x-amz-function-error': 'Unhandled' },
  );
  const error = (await invokeParticipant(lambda, 'book', {}).catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(ParticipantError);
  expect([error.name, error.message]).toEqual(['DeliveryUnavailable', 'slot full']);
  expect(classify(error)).toBe('answer');
});

test('a timeout, a crash, a throttle and a 5xx count as failures', async () => {
  const timedOut = lambdaAnswering(
    200,
    { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 10.00 seconds' },
    { 'x-amz-function-error': 'Unhandled' },
  );
  const throttled = lambdaAnswering(
    429,
    { message: 'Rate exceeded' },
    { 'x-amzn-errortype': 'TooManyRequestsException' },
  );
  const failing = lambdaAnswering(503, { message: 'down' }, { 'x-amzn-errortype': 'ServiceException' });
  const errors = await Promise.all(
    [timedOut, throttled, failing].map((lambda) =>
      invokeParticipant(lambda, 'book', {}).then(
        () => new Error('answered'),
        (e: unknown) => e as Error,
      ),
    ),
  );
  expect(errors.map((e) => e.name)).toEqual(['Sandbox.Timedout', 'TooManyRequestsException', 'ServiceException']);
  expect(errors.map(classify)).toEqual(['failure', 'failure', 'failure']);
  expect(classify(new ParticipantError('Runtime.ExitError', 'exited'))).toBe('failure');
});
