import { evaluatePolicy } from '../../../local/apigateway/authorizer';

describe('authorizer policy evaluation', () => {
  const arn = 'arn:aws:execute-api:us-east-1:000000000000:abc123/v1/GET/orders/42';
  const statement = (Effect: string, Resource: string) => ({ Effect, Action: 'execute-api:Invoke', Resource });

  test.each([
    [[statement('Allow', 'arn:aws:execute-api:us-east-1:000000000000:abc123/v1/*/*')], 'allow'],
    [[statement('Allow', 'arn:aws:execute-api:us-east-1:000000000000:abc123/v1/GET/orders/?2')], 'allow'],
    [[statement('Allow', 'arn:aws:execute-api:us-east-1:000000000000:abc123/v1/POST/*')], 'implicit-deny'],
    [[statement('Allow', '*'), statement('Deny', 'arn:aws:execute-api:*:*:abc123/v1/GET/orders/*')], 'deny'],
    [[], 'implicit-deny'],
  ])('%j → %s', (statements, verdict) => {
    expect(evaluatePolicy({ Statement: statements }, arn)).toBe(verdict);
  });
});
