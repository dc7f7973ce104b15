import { lambdaSettings } from '../../local/lambda/settings';

// The local Lambda runtime's settings from `npm start`'s environment: whole numbers in range, or a
// clear refusal naming the variable.

const fail = (message: string): never => {
  throw new Error(message);
};

test('the idle timeout (seconds) and the worker budget, when given; nothing when not', () => {
  expect(lambdaSettings({ SHOP_LAMBDA_IDLE_TIMEOUT: '900', SHOP_LAMBDA_MAX_WORKERS: '48' }, fail)).toEqual({
    lambdaIdleTimeoutMs: 900_000,
    lambdaMaxWorkers: 48,
  });
  expect(lambdaSettings({ SHOP_LAMBDA_MAX_WORKERS: '' }, fail)).toEqual({});
});

test.each([
  ['SHOP_LAMBDA_MAX_WORKERS', '0'],
  ['SHOP_LAMBDA_MAX_WORKERS', '2.5'],
  ['SHOP_LAMBDA_MAX_WORKERS', 'many'],
  ['SHOP_LAMBDA_IDLE_TIMEOUT', '3601'],
])('%s=%s is refused, naming the variable', (name, value) => {
  expect(() => lambdaSettings({ [name]: value }, fail)).toThrow(name);
});
