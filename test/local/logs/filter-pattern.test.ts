import { compileFilterPattern } from '../../../local/logs/filter-pattern';
import { ServiceError } from '../../../local/support/errors';

// CloudWatch Logs filter patterns, case by case, after the "Filter pattern syntax" page's examples.

const plain = [
  '[ERROR 400] BAD REQUEST',
  '[ERROR 401] UNAUTHORIZED REQUEST',
  '[ERROR 419] MISSING ARGUMENTS',
  '[WARN 420] INVALID ARGUMENTS',
  '[INFO 200] OK',
];
const powertools = [
  JSON.stringify({
    level: 'ERROR',
    message: 'payment failed',
    latency: 812,
    orderId: 'o-1',
    xray_trace_id: '1-6a4f-abc',
    ok: false,
    tags: ['a', 'b'],
    detail: { code: 'E1', n: null },
  }),
  JSON.stringify({
    level: 'INFO',
    message: 'payment done',
    latency: 40,
    orderId: 'o-2',
    ok: true,
    tags: ['c'],
    detail: { code: 'X2' },
  }),
  `2026-12-02T10:00:00.000Z\t9f0c\tINFO\t${JSON.stringify({ level: 'WARN', latency: 7 })}`,
  'START RequestId: 9f0c Version: $LATEST',
];

const matching = (pattern: string, messages: string[]) => {
  const matches = compileFilterPattern(pattern);
  return messages.filter(matches);
};

test.each([
  ['', plain],
  ['ERROR', plain.slice(0, 3)],
  ['ERROR ARGUMENTS', [plain[2]]],
  ['?ERROR ?WARN', plain.slice(0, 4)],
  ['ARGUMENTS -WARN', [plain[2]]],
  ['"BAD REQUEST"', [plain[0]]],
  ['"bad request"', []],
  ['%ERROR 40[01]%', plain.slice(0, 2)],
  ['-ERROR', plain.slice(3)],
])('terms: %j', (pattern, expected) => {
  expect(matching(pattern, plain)).toEqual(expected);
});

test.each([
  ['{ $.level = "ERROR" }', [0]],
  ['{ $.level != "ERROR" }', [1, 2]],
  ['{ $.latency > 500 }', [0]],
  ['{ $.latency <= 40 }', [1, 2]],
  ['{ $.level = "ERROR" || $.latency < 10 }', [0, 2]],
  ['{ ($.level = "INFO" || $.level = "WARN") && $.latency > 10 }', [1]],
  ['{ $.message = "payment*" }', [0, 1]],
  ['{ $.message = *done }', [1]],
  ['{ $.xray_trace_id = "1-6a4f-abc" }', [0]],
  ['{ $.detail.n IS NULL }', [0]],
  ['{ $.detail.n NOT EXISTS }', [1, 2]],
  ['{ $.detail.code EXISTS }', [0, 1]],
  ['{ $.ok IS TRUE }', [1]],
  ['{ $.ok IS FALSE }', [0]],
  ['{ $.tags[1] = "b" }', [0]],
  ['{ $.detail.code = %^[A-Z]1$% }', [0]],
])('JSON: %s', (pattern, expected) => {
  expect(matching(pattern, powertools)).toEqual(expected.map((i) => powertools[i]));
});

test.each([
  ['[ip, user, ..., status = 4*, bytes > 1000]', ['10.0.0.1 alice GET /x 404 2048']],
  ['[ip, user, request, status = 200 || status = 404, bytes]', ['10.0.0.2 bob GET 200 12', '10.0.0.3 carol GET 404 5']],
  ['[..., bytes < 20]', ['10.0.0.2 bob GET 200 12', '10.0.0.3 carol GET 404 5']],
  [
    '[ip, user, time, request = "GET /x*", status]',
    ['10.0.0.9 dave [02/Dec/2026:10:00:00 +0000] "GET /x HTTP/1.1" 500'],
  ],
])('space-delimited: %s', (pattern, expected) => {
  const lines = [
    '10.0.0.1 alice GET /x 404 2048',
    '10.0.0.2 bob GET 200 12',
    '10.0.0.3 carol GET 404 5',
    '10.0.0.9 dave [02/Dec/2026:10:00:00 +0000] "GET /x HTTP/1.1" 500',
  ];
  expect(matching(pattern, lines)).toEqual(expected);
});

test.each([
  '{ $.level = "ERROR" ',
  '{ level = "ERROR" }',
  '{ $.level > "ERROR" }',
  '{ $.level IS MAYBE }',
  '{ $.a = 1 && }',
  '"unclosed',
  '%(group)%',
  '[a, b',
  '[]',
  'x'.repeat(1025),
])('refuses %.40j with InvalidParameterException', (pattern) => {
  let error: unknown;
  try {
    compileFilterPattern(pattern);
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe('InvalidParameterException');
});
