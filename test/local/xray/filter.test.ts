import { evaluateFilter } from '../../../local/xray/filter';
import { parseFilter } from '../../../local/xray/filter-parse';
import { viewOf } from '../../../local/xray/segments';
import type { Span } from '../../../local/xray/spans';
import { span } from './support';

// X-Ray filter expressions, parsed and evaluated against one trace: an API stage (200 at the top), a
// function that throttled on a DynamoDB call (429) and failed, and its annotations.

const spans: Span[] = [
  span({
    name: 'GET /orders/{id}',
    service: 'shop-api/prod',
    spanId: '1000000000000001',
    kind: 'SERVER',
    ms: 1500,
    resource: { 'cloud.platform': 'aws_api_gateway' },
    attributes: {
      'http.request.method': 'GET',
      'url.full': 'http://localhost:3000/orders/o-1',
      'http.response.status_code': 200,
    },
  }),
  span({
    name: 'handler',
    service: 'GetOrder',
    spanId: '1000000000000002',
    parentSpanId: '1000000000000001',
    at: 100,
    ms: 1200,
    resource: { 'cloud.platform': 'aws_lambda' },
    status: { code: 'ERROR', message: 'boom' },
    attributes: {
      'annotation.order_id': 'o-1',
      'annotation.total': 42,
      'annotation.gift': true,
      customer: 'c-9',
      'aws.xray.annotations': ['customer'],
    },
  }),
  span({
    name: 'DynamoDB.GetItem',
    service: 'GetOrder',
    spanId: '1000000000000003',
    parentSpanId: '1000000000000002',
    kind: 'CLIENT',
    at: 200,
    ms: 30,
    resource: { 'cloud.platform': 'aws_lambda' },
    attributes: {
      'rpc.system': 'aws-api',
      'rpc.service': 'DynamoDB',
      'rpc.method': 'GetItem',
      'aws.dynamodb.table_names': ['Orders'],
      'http.status_code': 429,
    },
  }),
];
const view = viewOf({ id: spans[0]!.traceId, spans, dropped: 0 });
const matches = (expression: string) => evaluateFilter(view, parseFilter(expression));

test.each([
  ['annotation.order_id = "o-1"', true],
  ['annotation.order_id = "o-2"', false],
  ['annotation.order_id != "o-2"', true],
  ['annotation.total = 42', true],
  ['annotation.total > 40 AND annotation.total < 43', true],
  ['annotation.total >= 43', false],
  ['annotation.gift = true', true],
  ['annotation.gift = false', false],
  ['annotation[order_id] = "o-1"', true],
  ['annotation.customer = "c-9"', true],
  ['annotation.missing = "x"', false],
  ['annotation.order_id BEGINSWITH "o-"', true],
  ['service("GetOrder")', true],
  ['service("nope")', false],
  ['service("GetOrder") { fault }', true],
  ['service("shop-api/prod") { fault }', false],
  ['service("shop-api/prod") { ok }', true],
  ['service("Orders") { throttle }', true],
  ['service(id(name: "Orders", type: "AWS::DynamoDB::Table"))', true],
  ['service(id(type: "AWS::Lambda::Function")) { responsetime > 1 }', true],
  ['id("GetOrder")', true],
  ['id(name: "GetOrder", type: "AWS::SNS")', false],
  ['error', true],
  ['fault', true],
  ['throttle', true],
  ['ok', false],
  ['!ok', true],
  ['fault = false', false],
  ['partial', false],
  ['responsetime > 1', true],
  ['responsetime > 2', false],
  ['duration >= 1.5', true],
  ['duration < 1', false],
  ['http.status = 200', true],
  ['http.status = 500', false],
  ['http.status = 429', true],
  ['http.url CONTAINS "/orders/"', true],
  ['http.url ENDSWITH "o-2"', false],
  ['http.method = "GET"', true],
  ['not fault', false],
  ['fault and not throttle', false],
  ['fault || annotation.order_id = "o-2"', true],
  ['fault && annotation.order_id = "o-2"', false],
  ['annotation.order_id = "o-2" or annotation.total = 42 and ok', false],
  ['(annotation.order_id = "o-2" or annotation.total = 42) and !ok', true],
  [`traceid = "${view.id}"`, true],
  ["annotation.order_id = 'o-1'", true],
  ['', true],
])('%s → %s', (expression, expected) => {
  expect(matches(expression)).toBe(expected);
});

test.each([
  ['annotation.order_id =', 'Invalid filter expression: expected a value at the end'],
  ['annotation.order_id = "o-1', 'Invalid filter expression: the string at position 22 is not closed'],
  ['colour = "red"', "Invalid filter expression: unknown keyword 'colour' at position 0"],
  ['fault and', 'Invalid filter expression: expected a condition at the end'],
  ['(fault', "Invalid filter expression: expected ')' at the end"],
  ['fault fault', "Invalid filter expression: unexpected 'fault' at position 6"],
  ['responsetime > "slow"', 'Invalid filter expression: responsetime compares to a number'],
  ['http.url CONTAINS 5', 'Invalid filter expression: http.url contains needs a string'],
  ['service("a") { fault', "Invalid filter expression: expected '}' at the end"],
  ['annotation.x > "a"', 'Invalid filter expression: > compares to a number'],
  ['fault # ok', "Invalid filter expression: unexpected '#' at position 6"],
  ['x'.repeat(2001), 'Invalid filter expression: it is longer than 2000 characters'],
])('%s is refused', (expression, message) => {
  let thrown: unknown;
  try {
    parseFilter(expression);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toMatchObject({ code: 'InvalidRequestException', message });
});
