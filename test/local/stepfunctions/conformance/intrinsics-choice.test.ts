import { type Case, conform, single } from './harness';

// Every intrinsic function with the developer guide's own examples ("Intrinsic functions for JSONPath
// states"), and Choice rules ("Choice workflow state").

const pass = (parameters: object) => single({ Type: 'Pass', Parameters: parameters });
const ok = (output: unknown) => ({ status: 'SUCCEEDED' as const, output });

const intrinsics: Case[] = [
  {
    name: 'States.Format',
    definition: pass({ 'greeting.$': "States.Format('Hello, my name is {}.', $.name)" }),
    input: { name: 'Arnav' },
    expected: ok({ greeting: 'Hello, my name is Arnav.' }),
  },
  {
    name: 'States.Format with numbers, booleans, null and escaped braces',
    definition: pass({ 'v.$': "States.Format('{} {} {} \\{\\} \\'q\\'', $.n, $.b, $.z)" }),
    input: { n: 1.5, b: true, z: null },
    expected: ok({ v: "1.5 true null {} 'q'" }),
  },
  {
    name: 'States.StringToJson and States.JsonToString',
    definition: pass({
      'parsed.$': 'States.StringToJson($.someString)',
      'text.$': 'States.JsonToString($.someJson)',
    }),
    input: { someString: '{"number": 20}', someJson: { name: 'Foo', year: 2020 } },
    expected: ok({ parsed: { number: 20 }, text: '{"name":"Foo","year":2020}' }),
  },
  {
    name: 'States.Array',
    definition: pass({ 'BuildId.$': "States.Array('Foo', 2020, $.someJson, null)" }),
    input: { someJson: { random: 'abcdefg' } },
    expected: ok({ BuildId: ['Foo', 2020, { random: 'abcdefg' }, null] }),
  },
  {
    name: 'States.ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique',
    definition: pass({
      'partition.$': 'States.ArrayPartition($.inputArray, 4)',
      'contains.$': 'States.ArrayContains($.inputArray, $.lookingFor)',
      'range.$': 'States.ArrayRange(1, 9, 2)',
      'item.$': 'States.ArrayGetItem($.inputArray, $.index)',
      'length.$': 'States.ArrayLength($.inputArray)',
      'unique.$': 'States.ArrayUnique($.withDuplicates)',
    }),
    input: {
      inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9],
      lookingFor: 5,
      index: 5,
      withDuplicates: [1, 2, 3, 3, 3, 3, 3, 3, 4],
    },
    expected: ok({
      partition: [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
      contains: true,
      range: [1, 3, 5, 7, 9],
      item: 6,
      length: 9,
      unique: [1, 2, 3, 4],
    }),
  },
  {
    name: 'States.ArrayContains compares objects by value; States.ArrayRange counts down',
    definition: pass({
      'contains.$': 'States.ArrayContains($.list, $.item)',
      'down.$': 'States.ArrayRange(5, 1, -2)',
    }),
    input: { list: [{ a: 1 }, { b: [2] }], item: { b: [2] } },
    expected: ok({ contains: true, down: [5, 3, 1] }),
  },
  {
    name: 'States.Base64Encode and States.Base64Decode',
    definition: pass({
      'encoded.$': 'States.Base64Encode($.input)',
      'decoded.$': 'States.Base64Decode($.base64)',
    }),
    input: { input: 'Data to encode', base64: 'RGF0YSB0byBlbmNvZGU=' },
    expected: ok({ encoded: 'RGF0YSB0byBlbmNvZGU=', decoded: 'Data to encode' }),
  },
  {
    name: 'States.Hash',
    definition: pass({
      'sha1.$': 'States.Hash($.Data, $.Algorithm)',
      'md5.$': "States.Hash('input data', 'MD5')",
    }),
    input: { Data: 'input data', Algorithm: 'SHA-1' },
    expected: ok({ sha1: 'aaff4a450a104cd177d28d18d74485e8cae074b7', md5: '812f45842bc6d66ee14572ce20db8e86' }),
  },
  {
    name: 'States.JsonMerge (shallow)',
    definition: pass({ 'output.$': 'States.JsonMerge($.json1, $.json2, false)' }),
    input: { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } },
    expected: ok({ output: { a: { a3: 1, a4: 2 }, b: 2, c: 3 } }),
  },
  {
    name: 'States.MathRandom within its range, States.MathAdd',
    definition: {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Pass',
          Parameters: { 'random.$': 'States.MathRandom($.start, $.end)', 'sum.$': 'States.MathAdd($.value1, $.step)' },
          Next: 'C',
        },
        C: {
          Type: 'Choice',
          Choices: [
            {
              And: [
                { Variable: '$.random', NumericGreaterThanEquals: 1 },
                { Variable: '$.random', NumericLessThan: 999 },
              ],
              Next: 'Y',
            },
          ],
          Default: 'N',
        },
        Y: { Type: 'Pass', OutputPath: '$.sum', End: true },
        N: { Type: 'Fail', Error: 'OutOfRange' },
      },
    },
    input: { start: 1, end: 999, value1: 111, step: -1 },
    expected: ok(110),
  },
  {
    name: 'States.StringSplit',
    definition: pass({
      'array.$': 'States.StringSplit($.inputString, $.splitter)',
      'many.$': "States.StringSplit('This.is+a,test=string', '.+,=')",
    }),
    input: { inputString: '1,2,3,4,5', splitter: ',' },
    expected: ok({ array: ['1', '2', '3', '4', '5'], many: ['This', 'is', 'a', 'test', 'string'] }),
  },
  {
    name: 'States.UUID',
    definition: pass({ 'uuid.$': 'States.UUID()' }),
    expected: ok({
      uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) as unknown,
    }),
  },
  {
    name: 'intrinsic functions nest, and read the context object',
    definition: pass({
      'v.$': "States.Format('{}-{}', States.ArrayLength(States.Array(1, 2, 3)), $$.State.Name)",
    }),
    expected: ok({ v: '3-S' }),
  },
];

const choice = (choices: object[], input: unknown, expected: 'Yes' | 'No') => ({
  name: `Choice ${JSON.stringify(choices[0])} on ${JSON.stringify(input)} → ${expected}`,
  definition: {
    StartAt: 'C',
    States: {
      C: { Type: 'Choice', Choices: choices.map((rule) => ({ ...rule, Next: 'Yes' })), Default: 'No' },
      Yes: { Type: 'Pass', Result: 'Yes', End: true },
      No: { Type: 'Pass', Result: 'No', End: true },
    },
  },
  input,
  expected: ok(expected),
});

const rules: Case[] = [
  choice([{ Variable: '$.type', StringEquals: 'Private' }], { type: 'Private' }, 'Yes'),
  choice([{ Variable: '$.type', StringEquals: 'Private' }], { type: 'private' }, 'No'),
  choice([{ Variable: '$.n', NumericEquals: 1 }], { n: 1.0 }, 'Yes'),
  choice([{ Variable: '$.n', NumericEquals: 1 }], { n: '1' }, 'No'),
  choice([{ Variable: '$.n', NumericGreaterThanEquals: 20, Next: 'x' }], { n: 20 }, 'Yes'),
  choice([{ Variable: '$.n', NumericLessThanPath: '$.max' }], { n: 2, max: 3 }, 'Yes'),
  choice(
    [
      {
        And: [
          { Variable: '$.value', NumericGreaterThanEquals: 20 },
          { Variable: '$.value', NumericLessThan: 30 },
        ],
      },
    ],
    { value: 25 },
    'Yes',
  ),
  choice(
    [
      {
        Or: [
          { Variable: '$.a', BooleanEquals: true },
          { Variable: '$.b', BooleanEquals: true },
        ],
      },
    ],
    { a: false, b: true },
    'Yes',
  ),
  choice([{ Not: { Variable: '$.type', StringEquals: 'Private' } }], { type: 'Public' }, 'Yes'),
  choice([{ Variable: '$.missing', IsPresent: false }], {}, 'Yes'),
  choice([{ Variable: '$.a', IsPresent: true }], { a: null }, 'Yes'),
  choice([{ Variable: '$.a', IsNull: true }], { a: null }, 'Yes'),
  choice([{ Variable: '$.a', IsNumeric: true }], { a: '1' }, 'No'),
  choice([{ Variable: '$.a', IsString: true }], { a: '1' }, 'Yes'),
  choice([{ Variable: '$.a', IsBoolean: false }], { a: 0 }, 'Yes'),
  choice([{ Variable: '$.a', IsTimestamp: true }], { a: '2016-08-18T17:33:00Z' }, 'Yes'),
  choice([{ Variable: '$.a', IsTimestamp: true }], { a: '2016-08-18' }, 'No'),
  choice([{ Variable: '$.file', StringMatches: 'log-*.txt' }], { file: 'log-2024-01.txt' }, 'Yes'),
  choice([{ Variable: '$.file', StringMatches: 'log-\\*.txt' }], { file: 'log-1.txt' }, 'No'),
  choice([{ Variable: '$.file', StringMatches: 'log-\\*.txt' }], { file: 'log-*.txt' }, 'Yes'),
  choice([{ Variable: '$.s', StringLessThan: 'b' }], { s: 'abc' }, 'Yes'),
  choice([{ Variable: '$.s', StringGreaterThanEqualsPath: '$.t' }], { s: 'b', t: 'b' }, 'Yes'),
  choice([{ Variable: '$.s', StringEqualsPath: '$.t' }], { s: 'x', t: 'y' }, 'No'),
  choice([{ Variable: '$.t', TimestampEquals: '2001-01-01T12:00:00Z' }], { t: '2001-01-01T12:00:00Z' }, 'Yes'),
  choice([{ Variable: '$.t', TimestampLessThan: '2016-03-14T01:59:00Z' }], { t: '2016-03-14T01:58:59Z' }, 'Yes'),
  choice(
    [{ Variable: '$.t', TimestampGreaterThanPath: '$.u' }],
    { t: '2020-01-02T00:00:00Z', u: '2020-01-01T00:00:00Z' },
    'Yes',
  ),
  choice([{ Variable: '$.s', NumericEquals: 1 }], { s: 'one' }, 'No'),
  choice([{ Variable: '$.list[0].v', StringEquals: 'x' }], { list: [{ v: 'x' }] }, 'Yes'),
  {
    name: 'the first matching rule wins, and the Choice state passes its input on (InputPath and OutputPath too)',
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          InputPath: '$.in',
          OutputPath: '$.v',
          Choices: [
            { Variable: '$.v', NumericGreaterThan: 0, Next: 'A' },
            { Variable: '$.v', NumericGreaterThan: 1, Next: 'B' },
          ],
        },
        A: { Type: 'Pass', Parameters: { 'from.$': "States.Format('A{}', $)" }, End: true },
        B: { Type: 'Pass', Result: 'B', End: true },
      },
    },
    input: { in: { v: 5 } },
    expected: ok({ from: 'A5' }),
  },
  {
    name: 'no rule matches and there is no Default: States.NoChoiceMatched',
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.v', NumericEquals: 1, Next: 'A' }] },
        A: { Type: 'Succeed' },
      },
    },
    input: { v: 2 },
    expected: { status: 'FAILED', error: 'States.NoChoiceMatched' },
  },
];

describe('intrinsic functions', () => conform(intrinsics));
describe('Choice rules', () => conform(rules));
