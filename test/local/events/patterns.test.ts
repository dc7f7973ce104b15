import { matchesPattern, validatePattern } from '../../../local/events/patterns';

// EventBridge's content filtering, operator by operator, as AWS documents it (EventBridge user guide:
// "Comparison operators for use in event patterns", "Content filtering", "Arrays in event patterns",
// "Matching null values and empty strings"). events/rules.test.ts has the basics of each operator
// through the service; these are the edges: types, case, absence, boundaries, combinations.

type Case = [name: string, pattern: Record<string, unknown>, matches: boolean];
const tableOn = (subject: Record<string, unknown>, cases: Case[]) =>
  test.each(cases)('%s', (_name, pattern, matches) => expect(matchesPattern(pattern, subject)).toBe(matches));

const event = {
  source: 'shop.orders',
  'detail-type': 'Order Cancelled',
  resources: ['arn:aws:states:us-east-1:000000000000:execution:Saga:o-1', 'arn:aws:sns:us-east-1:000000000000:shop'],
  detail: {
    orderId: 'o-1',
    status: 'CANCELLED',
    reason: 'OUT_OF_STOCK',
    eventVersion: '',
    responseElements: null,
    express: false,
    total: 301.8,
    items: 3,
    attempts: [1, 5],
    file: 'invoices/2026/o-1.PDF',
    glob: 'a*b',
    customer: { tier: 'gold', address: { country: 'FR' } },
  },
};

const table = (cases: Case[]) => tableOn(event, cases);

describe('exact values', () => {
  table([
    ['a value in the list matches: the list is an OR', { detail: { status: ['COMPLETED', 'CANCELLED'] } }, true],
    ['strings are compared case-sensitively', { detail: { status: ['cancelled'] } }, false],
    ['an empty string matches an empty string', { detail: { eventVersion: [''] } }, true],
    ['an empty string does not match null', { detail: { responseElements: [''] } }, false],
    ['null does not match an empty string', { detail: { eventVersion: [null] } }, false],
    ['null does not match an absent field', { detail: { missing: [null] } }, false],
    ['a boolean matches the same boolean', { detail: { express: [false] } }, true],
    ['a boolean does not match its string', { detail: { express: ['false'] } }, false],
    ['a number matches the same number written another way (3.018e2)', { detail: { total: [3.018e2] } }, true],
    ['an exact value does not match an absent field', { detail: { missing: ['CANCELLED'] } }, false],
    ['a list in the pattern does not match an object in the event', { detail: { customer: ['gold'] } }, false],
    [
      'every field named must match: the fields are an AND',
      { source: ['shop.orders'], detail: { status: ['CANCELLED'], reason: ['PAYMENT_DECLINED'] } },
      false,
    ],
    ['fields nest to any depth', { detail: { customer: { address: { country: ['FR'] } } } }, true],
    ['a nested field under an absent parent does not match', { detail: { shipment: { carrier: ['UPS'] } } }, false],
  ]);
});

describe('arrays in the event: the pattern matches when the intersection is not empty', () => {
  table([
    [
      'the second element of the event array matches',
      { resources: ['arn:other', 'arn:aws:sns:us-east-1:000000000000:shop'] },
      true,
    ],
    ['no element matches', { resources: ['arn:other'] }, false],
    [
      'an operator applies to each element: one of them over 3 is enough',
      { detail: { attempts: [{ numeric: ['>', 3] }] } },
      true,
    ],
    ['no element is over 5', { detail: { attempts: [{ numeric: ['>', 5] }] } }, false],
    ['anything-but holds as soon as one element differs', { detail: { attempts: [{ 'anything-but': 1 }] } }, true],
  ]);
});

describe('prefix, suffix, equals-ignore-case', () => {
  table([
    ['prefix is case-sensitive', { source: [{ prefix: 'Shop.' }] }, false],
    ['prefix with equals-ignore-case', { source: [{ prefix: { 'equals-ignore-case': 'SHOP.' } }] }, true],
    ['prefix only applies to strings (a number is never prefixed)', { detail: { items: [{ prefix: '3' }] } }, false],
    ['prefix does not match an absent field', { detail: { missing: [{ prefix: '' }] } }, false],
    ['suffix is case-sensitive', { detail: { file: [{ suffix: '.pdf' }] } }, false],
    ['suffix with equals-ignore-case', { detail: { file: [{ suffix: { 'equals-ignore-case': '.pdf' } }] } }, true],
    ['suffix only applies to strings', { detail: { items: [{ suffix: '3' }] } }, false],
    [
      'equals-ignore-case matches the whole value, not a part of it',
      { detail: { status: [{ 'equals-ignore-case': 'cancel' }] } },
      false,
    ],
    ['equals-ignore-case only applies to strings', { detail: { express: [{ 'equals-ignore-case': 'FALSE' }] } }, false],
    ['two operators in the list are an OR', { detail: { file: [{ prefix: 'receipts/' }, { suffix: '.PDF' }] } }, true],
  ]);
});

describe('wildcard', () => {
  table([
    ['* alone matches any string', { detail: { orderId: [{ wildcard: '*' }] } }, true],
    ['* matches zero characters', { detail: { orderId: [{ wildcard: 'o-*1' }] } }, true],
    [
      'several * in one value ("any file with a .PDF extension within a folder")',
      { detail: { file: [{ wildcard: 'invoices/*/*.PDF' }] } },
      true,
    ],
    ['the rest of the value is literal: a dot is a dot', { detail: { orderId: [{ wildcard: 'o.1' }] } }, false],
    ['regular-expression characters are literal', { detail: { file: [{ wildcard: 'invoices/(2026)/*' }] } }, false],
    ['wildcard is case-sensitive', { detail: { file: [{ wildcard: '*.pdf' }] } }, false],
    ['the whole value must match, not a part of it', { detail: { file: [{ wildcard: '2026/*' }] } }, false],
    ['wildcard only applies to strings', { detail: { items: [{ wildcard: '*' }] } }, false],
  ]);
});

describe('anything-but', () => {
  table([
    ['a single number', { detail: { items: [{ 'anything-but': 3 }] } }, false],
    ['a list of numbers without the value', { detail: { items: [{ 'anything-but': [100, 200, 300] }] } }, true],
    [
      'a list of strings with the value',
      { detail: { status: [{ 'anything-but': ['CANCELLED', 'COMPLETED'] }] } },
      false,
    ],
    ['anything-but is case-sensitive', { detail: { status: [{ 'anything-but': 'cancelled' }] } }, true],
    ['anything-but does not match an absent field', { detail: { missing: [{ 'anything-but': 'CANCELLED' }] } }, false],
    ['anything-but suffix', { detail: { file: [{ 'anything-but': { suffix: '.png' } }] } }, true],
    ['anything-but suffix, the value has it', { detail: { file: [{ 'anything-but': { suffix: '.PDF' } }] } }, false],
    [
      'anything-but equals-ignore-case',
      { detail: { status: [{ 'anything-but': { 'equals-ignore-case': 'cancelled' } }] } },
      false,
    ],
    [
      'anything-but wildcard ("not a file path that includes /2026/")',
      { detail: { file: [{ 'anything-but': { wildcard: '*/2026/*' } }] } },
      false,
    ],
    ['anything-but wildcard, no match', { detail: { file: [{ 'anything-but': { wildcard: '*/2025/*' } }] } }, true],
  ]);
});

describe('numeric', () => {
  table([
    ['= with an exponent (3.018e2)', { detail: { total: [{ numeric: ['=', 3.018e2] }] } }, true],
    ['< is exclusive', { detail: { items: [{ numeric: ['<', 3] }] } }, false],
    ['<= is inclusive', { detail: { items: [{ numeric: ['<=', 3] }] } }, true],
    ['> is exclusive', { detail: { items: [{ numeric: ['>', 3] }] } }, false],
    ['>= is inclusive', { detail: { items: [{ numeric: ['>=', 3] }] } }, true],
    ['a range holds only when both ends do', { detail: { total: [{ numeric: ['>', 0, '<=', 300] }] } }, false],
    ['numbers only: a numeric-looking string is not a number', { detail: { orderId: [{ numeric: ['>', 0] }] } }, false],
    ['numbers only: a boolean is not a number', { detail: { express: [{ numeric: ['=', 0] }] } }, false],
    ['numbers only: null is not a number', { detail: { responseElements: [{ numeric: ['=', 0] }] } }, false],
    ['an absent field is no number', { detail: { missing: [{ numeric: ['>', 0] }] } }, false],
  ]);
});

describe('exists', () => {
  table([
    [
      'exists: false on a field with null: null is a value',
      { detail: { responseElements: [{ exists: false }] } },
      false,
    ],
    ['exists: true on an empty string', { detail: { eventVersion: [{ exists: true }] } }, true],
    [
      'exists: false on a field under an absent parent',
      { detail: { shipment: { carrier: [{ exists: false }] } } },
      true,
    ],
    [
      'exists: true on a field under an absent parent',
      { detail: { shipment: { carrier: [{ exists: true }] } } },
      false,
    ],
    [
      'exists: false with another field that must match',
      { detail: { missing: [{ exists: false }], status: ['COMPLETED'] } },
      false,
    ],
  ]);
});

describe('$or', () => {
  table([
    [
      'at the top level, beside a field it is ANDed with',
      {
        source: ['shop.orders'],
        $or: [{ 'detail-type': ['Order Created'] }, { detail: { reason: ['OUT_OF_STOCK'] } }],
      },
      true,
    ],
    [
      'no alternative matches',
      { $or: [{ 'detail-type': ['Order Created'] }, { detail: { reason: ['PAYMENT_DECLINED'] } }] },
      false,
    ],
    [
      'an alternative with several fields needs all of them',
      { detail: { $or: [{ status: ['CANCELLED'], reason: ['PAYMENT_DECLINED'] }, { items: [0] }] } },
      false,
    ],
    [
      '$or nested inside an alternative',
      {
        detail: {
          $or: [{ items: [0] }, { status: ['CANCELLED'], $or: [{ total: [1] }, { customer: { tier: ['gold'] } }] }],
        },
      },
      true,
    ],
    [
      'two $or at different levels both have to hold',
      {
        $or: [{ source: ['shop.orders'] }, { source: ['aws.states'] }],
        detail: { $or: [{ items: [0] }, { status: ['COMPLETED'] }] },
      },
      false,
    ],
  ]);
});

// Where the local matcher used to depart from EventBridge; each of these was a test.failing.
describe('leaf nodes: exists and lists see an object as no value', () => {
  // User guide, "Exists matching": "Exists matching only works on leaf nodes. It does not work on
  // intermediate nodes." Its example: { "c-count": [{ "exists": false }] } matches an event whose
  // c-count is an object, because c-count is not a leaf node.
  test('exists: false matches a field whose value is an object, which is no leaf', () => {
    expect(matchesPattern({ detail: { customer: [{ exists: false }] } }, event)).toBe(true);
  });

  test('exists: true does not match a field whose value is an object, which is no leaf', () => {
    expect(matchesPattern({ detail: { customer: [{ exists: true }] } }, event)).toBe(false);
  });

  const order = { detail: { lines: [{ sku: 'tea' }], tags: [], mixed: [{ sku: 'tea' }, 'gift'] } };
  tableOn(order, [
    ['exists: true on an array of objects: no leaf', { detail: { lines: [{ exists: true }] } }, false],
    ['exists: false on an array of objects', { detail: { lines: [{ exists: false }] } }, true],
    ['exists: false on an empty array: no leaf either', { detail: { tags: [{ exists: false }] } }, true],
    ['exists: true on an empty array', { detail: { tags: [{ exists: true }] } }, false],
    ['the leaves of an array that mixes objects and values are its values', { detail: { mixed: ['gift'] } }, true],
  ]);
});

describe('IP address matching (cidr), IPv4 and IPv6', () => {
  // User guide, "IP address matching": "You can use IP address matching for IPv4 and IPv6 addresses",
  // { "sourceIPAddress": [{ "cidr": "10.0.0.0/24" }] }.
  test('cidr matches an IP address inside the block', () => {
    expect(
      matchesPattern(
        { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
        { detail: { sourceIPAddress: '10.0.0.17' } },
      ),
    ).toBe(true);
  });

  const request = { detail: { v4: '10.0.1.17', v6: '2001:db8::8a2e:370:7334', port: 443, host: 'shop.example' } };
  tableOn(request, [
    ['an IPv4 address outside the block', { detail: { v4: [{ cidr: '10.0.0.0/24' }] } }, false],
    ['a wider block holds it', { detail: { v4: [{ cidr: '10.0.0.0/16' }] } }, true],
    [
      'host bits written in the block do not count (10.0.0.99/16 is 10.0.0.0/16)',
      { detail: { v4: [{ cidr: '10.0.0.99/16' }] } },
      true,
    ],
    ['a /32 is the one address', { detail: { v4: [{ cidr: '10.0.1.17/32' }] } }, true],
    ['an IPv6 address inside the block', { detail: { v6: [{ cidr: '2001:db8::/32' }] } }, true],
    [
      'an IPv6 block written in full',
      { detail: { v6: [{ cidr: '2001:0db8:0000:0000:0000:8a2e:0370:7300/120' }] } },
      true,
    ],
    ['an IPv6 address outside the block', { detail: { v6: [{ cidr: '2001:db9::/32' }] } }, false],
    ['an IPv4 address is in no IPv6 block', { detail: { v4: [{ cidr: '::/0' }] } }, false],
    ['a value that is no IP address', { detail: { host: [{ cidr: '0.0.0.0/0' }] } }, false],
    ['a number is no IP address', { detail: { port: [{ cidr: '0.0.0.0/0' }] } }, false],
    ['an absent field', { detail: { missing: [{ cidr: '0.0.0.0/0' }] } }, false],
    [
      'an exact IP address matches the same address written another way',
      { detail: { v6: ['2001:0DB8:0:0:0:8A2E:0370:7334'] } },
      true,
    ],
  ]);
});

describe('arrays of objects in the event', () => {
  // Event Ruler (the matcher EventBridge runs, github.com/aws/event-ruler), README "JSON Array
  // Matching": an array of objects in the event matches a nested pattern when one of its objects does.
  const order = {
    detail: {
      lines: [
        { sku: 'tea', quantity: 1 },
        { sku: 'mug', quantity: 2 },
      ],
      boxes: [[{ sku: 'pot' }], [{ sku: 'cup' }]],
    },
  };

  test('a nested pattern matches one object of an array of objects in the event', () => {
    expect(matchesPattern({ detail: { lines: { sku: ['mug'] } } }, order)).toBe(true);
  });

  tableOn(order, [
    ['no object has the value', { detail: { lines: { sku: ['pot'] } } }, false],
    [
      'the fields must match in the same object (rulesForJSONEvent)',
      { detail: { lines: { sku: ['mug'], quantity: [1] } } },
      false,
    ],
    ['both fields of one object', { detail: { lines: { sku: ['mug'], quantity: [{ numeric: ['>', 1] }] } } }, true],
    ['arrays in arrays are flattened', { detail: { boxes: { sku: ['cup'] } } }, true],
    [
      'exists: false under an array of objects that all lack the field',
      { detail: { lines: { colour: [{ exists: false }] } } },
      true,
    ],
  ]);
});

describe('wildcard escapes', () => {
  // Event Ruler README, "Wildcard matching": "a wildcard character can be escaped with a backslash.
  // Two consecutive backslashes (i.e. a backslash escaped with a backslash) represents the actual
  // backslash character."
  test('an escaped \\* in a wildcard matches a literal asterisk', () => {
    expect(matchesPattern({ detail: { glob: [{ wildcard: 'a\\*b' }] } }, event)).toBe(true);
  });

  const file = { detail: { glob: 'axb', path: 'C:\\Users\\shop\\o-1.pdf' } };
  tableOn(file, [
    ['an escaped \\* matches only an asterisk', { detail: { glob: [{ wildcard: 'a\\*b' }] } }, false],
    [
      '\\\\ is one backslash, and * after it a wildcard',
      { detail: { path: [{ wildcard: 'C:\\\\*\\\\*.pdf' }] } },
      true,
    ],
  ]);
});

describe('anything-but with a list under a string operator', () => {
  // Event Ruler's rule compiler takes a string or a list of strings under anything-but's
  // equals-ignore-case, prefix, suffix and wildcard: the value matches when it matches none of them.
  test('anything-but equals-ignore-case with a list excludes each of its values', () => {
    expect(
      matchesPattern(
        { detail: { status: [{ 'anything-but': { 'equals-ignore-case': ['cancelled', 'completed'] } }] } },
        event,
      ),
    ).toBe(false);
  });

  table([
    [
      'anything-but equals-ignore-case list without the value',
      { detail: { status: [{ 'anything-but': { 'equals-ignore-case': ['created', 'completed'] } }] } },
      true,
    ],
    [
      'anything-but prefix list, the value has one',
      { detail: { file: [{ 'anything-but': { prefix: ['receipts/', 'invoices/'] } }] } },
      false,
    ],
    [
      'anything-but prefix list, the value has none',
      { detail: { file: [{ 'anything-but': { prefix: ['receipts/', 'refunds/'] } }] } },
      true,
    ],
    [
      'anything-but suffix list, the value has one',
      { detail: { file: [{ 'anything-but': { suffix: ['.png', '.PDF'] } }] } },
      false,
    ],
    [
      'anything-but wildcard list, the value matches one',
      { detail: { file: [{ 'anything-but': { wildcard: ['*/2025/*', '*/2026/*'] } }] } },
      false,
    ],
    [
      'anything-but wildcard list, the value matches none',
      { detail: { file: [{ 'anything-but': { wildcard: ['*/2024/*', '*/2025/*'] } }] } },
      true,
    ],
    ['a string operator never excludes a number', { detail: { items: [{ 'anything-but': { prefix: '3' } }] } }, true],
  ]);
});

// What EventBridge refuses when a rule is created (InvalidEventPatternException, "Event pattern is not
// valid. Reason: …" with Event Ruler's reason): Ruler's JsonRuleCompiler and wildcard parser.
describe('validatePattern', () => {
  const refusal = (pattern: unknown): unknown => {
    try {
      validatePattern(pattern);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  test.each<[string, unknown]>([
    [
      'every operator of this file',
      {
        source: ['shop.orders', 3, true, null],
        detail: {
          a: [
            { prefix: 'x' },
            { prefix: { 'equals-ignore-case': 'x' } },
            { suffix: 'y' },
            { 'equals-ignore-case': 'z' },
            { wildcard: 'a*b\\*c\\\\' },
            { numeric: ['>', 0, '<=', 5] },
            { numeric: ['=', 3.018e2] },
            { exists: false },
            { cidr: '10.0.0.0/24' },
            { cidr: '2001:db8::/32' },
          ],
        },
      },
    ],
    [
      'anything-but in each of its forms',
      {
        a: [
          { 'anything-but': 'x' },
          { 'anything-but': 3 },
          { 'anything-but': ['x', 'y'] },
          { 'anything-but': [1, 2] },
          { 'anything-but': { prefix: 'p' } },
          { 'anything-but': { suffix: ['.png', '.gif'] } },
          { 'anything-but': { 'equals-ignore-case': ['a', 'b'] } },
          { 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } },
        ],
      },
    ],
    [
      '$or with two alternatives, nested',
      { source: ['shop'], $or: [{ a: ['1'] }, { b: { $or: [{ c: [1] }, { d: [2] }] } }] },
    ],
  ])('accepts %s', (_name, pattern) => {
    expect(refusal(pattern)).toBeUndefined();
  });

  test.each<[string, unknown, string]>([
    ['a pattern that is no object', ['shop'], 'Filter is not an object'],
    ['an empty pattern', {}, 'Empty objects are not allowed'],
    ['an empty nested object', { source: ['aws.health'], detail: {} }, 'Empty objects are not allowed'],
    [
      'a field that is neither an object nor a list',
      { detail: { pipeline: { slug: 'some-pipeline' } } },
      '"slug" must be an object or an array',
    ],
    ['an empty list', { source: [] }, 'Empty arrays are not allowed'],
    ['a list in a list', { source: [['shop']] }, 'Match value must be String, number, true, false, or null'],
    ['two operators in one member', { a: [{ prefix: 'x', suffix: 'y' }] }, 'Only one key allowed in match expression'],
    ['an empty member', { a: [{}] }, 'Match expression name not found'],
    ['an operator Ruler does not have', { a: [{ 'begins-with': 'x' }] }, 'Unrecognized match type begins-with'],
    ['a suffix given a list', { a: [{ suffix: [':created'] }] }, 'suffix match pattern must be a string'],
    [
      'prefix with another operator inside',
      { a: [{ prefix: { wildcard: 'x' } }] },
      'Unsupported prefix pattern: wildcard',
    ],
    [
      'equals-ignore-case of a number',
      { a: [{ 'equals-ignore-case': 1 }] },
      'equals-ignore-case match pattern must be a string',
    ],
    ['two * in a row in a wildcard', { a: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at pos 1'],
    [
      'a backslash escaping something else than * or \\',
      { a: [{ wildcard: 'a\\b' }] },
      'Invalid escape character at pos 1',
    ],
    ['a trailing backslash', { a: [{ wildcard: 'a\\' }] }, 'Invalid escape character at pos 1'],
    ['numeric that is no list', { a: [{ numeric: '>' }] }, 'Value of numeric must be an array.'],
    ['numeric with an unknown operator', { a: [{ numeric: ['~', 1] }] }, 'Unrecognized numeric range operator: ~'],
    ['numeric with a string bound', { a: [{ numeric: ['>', '1'] }] }, 'Value of > must be numeric'],
    [
      'numeric = with a second comparison',
      { a: [{ numeric: ['=', 1, '<', 2] }] },
      'Too many elements in numeric expression',
    ],
    [
      'numeric range whose upper end is not < or <=',
      { a: [{ numeric: ['>', 1, '>', 2] }] },
      'Bad numeric range operator: ">"',
    ],
    [
      'numeric range with a third comparison',
      { a: [{ numeric: ['>', 1, '<', 5, '<', 6] }] },
      'Too many terms in numeric range expression',
    ],
    ['exists with a string', { a: [{ exists: 'true' }] }, 'exists match pattern must be either true or false.'],
    ['a CIDR without a mask', { a: [{ cidr: '10.0.0.1' }] }, 'Malformed CIDR: 10.0.0.1'],
    ['a CIDR mask past the address', { a: [{ cidr: '192.168.0.1/33' }] }, 'Malformed CIDR'],
    ['a CIDR of no address', { a: [{ cidr: '2400:6500:3:3:-5::1/122' }] }, 'Malformed CIDR'],
    [
      'anything-but of a boolean',
      { a: [{ 'anything-but': true }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'anything-but list of strings and numbers',
      { a: [{ 'anything-but': ['x', 1] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      'anything-but empty list',
      { a: [{ 'anything-but': [] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      'anything-but list with null',
      { a: [{ 'anything-but': ['x', null] }] },
      'Inside anything but list, start|null|boolean is not supported.',
    ],
    [
      'anything-but numeric',
      { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'Unsupported anything-but pattern: numeric',
    ],
    [
      'anything-but prefix of a number',
      { a: [{ 'anything-but': { prefix: [1] } }] },
      'prefix match pattern must be a string',
    ],
    ['anything-but empty suffix', { a: [{ 'anything-but': { suffix: '' } }] }, 'Null prefix/suffix not allowed'],
    [
      'anything-but wildcard with **',
      { a: [{ 'anything-but': { wildcard: ['ok*', 'a**'] } }] },
      'Consecutive wildcard characters at pos 1',
    ],
    [
      'anything-but with two operators',
      { a: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
      'Only one key allowed in match expression',
    ],
    ['$or with one alternative', { $or: [{ a: ['1'] }] }, 'There must have at least 2 Objects in $or relationship.'],
    ['$or with no alternative', { $or: [] }, 'There must have at least 2 Objects in $or relationship.'],
    ['$or that is no list', { $or: { a: ['1'] } }, 'It must be an Array followed with $or.'],
    [
      '$or with a value among its alternatives',
      { $or: [{ a: ['1'] }, 'b'] },
      'Only JSON object is allowed in array of $or relationship.',
    ],
    [
      'an operator name as a field inside $or',
      { $or: [{ numeric: [123] }, { prefix: ['abc'] }] },
      'numeric is Ruler reserved fieldName which cannot be used inside $or.',
    ],
    [
      'a member refused inside $or',
      { detail: { $or: [{ a: ['1'] }, { b: [{ wildcard: '**' }] }] } },
      'Consecutive wildcard characters at pos 0',
    ],
  ])('refuses %s', (_name, pattern, reason) => {
    expect(refusal(pattern)).toMatchObject({
      code: 'InvalidEventPatternException',
      message: expect.stringContaining(`Event pattern is not valid. Reason: ${reason}`) as unknown,
    });
  });
});
