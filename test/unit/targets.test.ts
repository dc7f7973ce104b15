import { localstackApiUrl } from '../../scripts/targets';

test("LocalStack's ApiUrl output becomes the edge's /restapis path, stage kept", () => {
  expect(localstackApiUrl('https://abc123xyz.execute-api.us-east-1.amazonaws.com/v1/')).toBe(
    'http://localhost:4566/restapis/abc123xyz/v1/_user_request_',
  );
  expect(localstackApiUrl('https://abc123xyz.execute-api.eu-west-1.localhost.localstack.cloud:4566/prod')).toBe(
    'http://localhost:4566/restapis/abc123xyz/prod/_user_request_',
  );
});

test('a URL of another shape is left as it is', () => {
  expect(localstackApiUrl('http://localhost:4566/restapis/abc/v1/_user_request_')).toBe(
    'http://localhost:4566/restapis/abc/v1/_user_request_',
  );
});
