import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleLogsRequest } from '../../../local/logs/api';
import { FileJournal } from '../../../local/logs/journal';
import { eventBytes, LogStore } from '../../../local/logs/store';

// The log store's bounds (each group's retention, the size cap), its journal across a restart, and the
// API's answers and refusals in AWS's shapes.

const DAY = 86_400_000;
const GROUP = '/aws/lambda/shop-Pay';

interface Answer {
  events: { message: string; eventId: string }[];
  nextToken?: string;
  nextForwardToken?: string;
  nextBackwardToken?: string;
  logGroups: { logGroupName: string }[];
  logStreams: unknown[];
}

const call = (store: LogStore, action: string, body: unknown) => {
  const response = handleLogsRequest(
    { store, region: 'us-east-1', accountId: '000000000000' },
    action,
    Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  );
  return { status: response.status, body: JSON.parse(String(response.body)) as Answer };
};
const messages = (store: LogStore) => store.events(store.groups.get(GROUP)!.streams.values()).map((e) => e.message);

test("events past their group's retention go; a group without one keeps them", () => {
  let now = 100 * DAY;
  const store = new LogStore([{ name: GROUP, retentionInDays: 7 }, { name: 'forever' }], { now: () => now });
  store.put(GROUP, 's', [
    { timestamp: now - 8 * DAY, message: 'old' },
    { timestamp: now - 6 * DAY, message: 'recent' },
  ]);
  store.put('forever', 's', [{ timestamp: now - 8 * DAY, message: 'old' }]);
  store.enforce();
  expect(messages(store)).toEqual(['recent']);
  now += 2 * DAY;
  store.enforce();
  expect(messages(store)).toEqual([]);
  expect(store.events(store.groups.get('forever')!.streams.values())).toHaveLength(1);
});

test('the store stays under its size cap, the oldest events dropped first across groups', () => {
  const store = new LogStore([], { maxBytes: 10_000 });
  for (let i = 0; i < 300; i++)
    store.put(i % 2 ? 'a' : 'b', `s${i % 3}`, [{ timestamp: 1000 + i, message: `event ${i} ${'x'.repeat(40)}` }]);
  expect(store.storedBytes).toBeLessThanOrEqual(10_000);
  const kept = [...store.groups.values()].flatMap((g) => store.events(g.streams.values()));
  const sum = kept.reduce((n, e) => n + eventBytes(e.message), 0);
  expect(sum).toBe(store.storedBytes);
  // What is left is the newest, with nothing older than the oldest kept missing.
  const times = kept.map((e) => e.timestamp).sort((x, y) => x - y);
  expect(times.at(-1)).toBe(1299);
  expect(times).toEqual(Array.from({ length: times.length }, (_, i) => 1300 - times.length + i));
});

test('the journal keeps events across a restart, in batches, and rewrites a file that is mostly dropped events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-journal-'));
  const first = new LogStore([{ name: GROUP, retentionInDays: 7 }], { journal: new FileJournal(dir) });
  const now = Date.now();
  first.put(GROUP, '2026/12/02/[$LATEST]aa', [{ timestamp: now, message: 'one' }]);
  first.put(GROUP, '2026/12/02/[$LATEST]aa', [{ timestamp: now + 1, message: 'two' }]);
  // Buffered, not written per line.
  expect(readdirSync(dir)).toEqual([]);
  await first.close();

  const second = new LogStore([{ name: GROUP, retentionInDays: 7 }], { journal: new FileJournal(dir) });
  expect(messages(second)).toEqual(['one', 'two']);
  const [added] = second.put(GROUP, '2026/12/02/[$LATEST]bb', [{ timestamp: now + 2, message: 'three' }]);
  expect(added!.seq).toBe(3);
  await second.close();

  const bounded = new LogStore([{ name: GROUP, retentionInDays: 7 }], {
    journal: new FileJournal(dir),
    maxBytes: 2000,
  });
  for (let i = 0; i < 2000; i++)
    bounded.put(GROUP, 's', [{ timestamp: now + 10 + i, message: `line ${i} ${'y'.repeat(500)}` }]);
  await bounded.close();
  const file = join(dir, readdirSync(dir)[0]!);
  expect(statSync(file).size).toBeLessThan(3 * 2000 + 1024 * 1024 + 300_000);
  const reopened = new LogStore([{ name: GROUP, retentionInDays: 7 }], {
    journal: new FileJournal(dir),
    maxBytes: 2000,
  });
  expect(messages(reopened).at(-1)).toBe(`line 1999 ${'y'.repeat(500)}`);
  expect(reopened.storedBytes).toBeLessThanOrEqual(2000);
  await reopened.close();
});

test('GetLogEvents pages backward from the newest and forward from the head, its tokens repeating at the ends', () => {
  const store = new LogStore([{ name: GROUP }]);
  store.put(
    GROUP,
    's',
    Array.from({ length: 5 }, (_, i) => ({ timestamp: 1000 + i, message: `m${i}` })),
  );
  const get = (extra: object) =>
    call(store, 'GetLogEvents', { logGroupName: GROUP, logStreamName: 's', limit: 2, ...extra }).body;
  const text = (page: Answer) => page.events.map((e) => e.message);

  const newest = get({});
  expect(text(newest)).toEqual(['m3', 'm4']);
  const before = get({ nextToken: newest.nextBackwardToken });
  expect(text(before)).toEqual(['m1', 'm2']);
  const end = get({ nextToken: newest.nextForwardToken });
  expect(text(end)).toEqual([]);
  expect(end.nextForwardToken).toBe(newest.nextForwardToken);
  const head = get({ startFromHead: true });
  expect(text(head)).toEqual(['m0', 'm1']);
  expect(text(get({ nextToken: head.nextForwardToken }))).toEqual(['m2', 'm3']);
  expect(head.nextForwardToken).toMatch(/^f\/\d{56}$/);
  expect(text(get({ startTime: 1001, endTime: 1003, startFromHead: true }))).toEqual(['m1', 'm2']);
});

test('FilterLogEvents interleaves streams by time, pages with nextToken, and narrows by stream and time', () => {
  const store = new LogStore([{ name: GROUP }]);
  store.put(GROUP, 'a', [
    { timestamp: 1, message: 'a1 ERROR' },
    { timestamp: 3, message: 'a3' },
  ]);
  store.put(GROUP, 'b', [
    { timestamp: 2, message: 'b2 ERROR' },
    { timestamp: 4, message: 'b4 ERROR' },
  ]);
  const filter = (extra: object) => call(store, 'FilterLogEvents', { logGroupName: GROUP, ...extra }).body;
  const text = (page: Answer) => page.events.map((e) => e.message);

  expect(text(filter({}))).toEqual(['a1 ERROR', 'b2 ERROR', 'a3', 'b4 ERROR']);
  const first = filter({ filterPattern: 'ERROR', limit: 2 });
  expect(text(first)).toEqual(['a1 ERROR', 'b2 ERROR']);
  const second = filter({ filterPattern: 'ERROR', limit: 2, nextToken: first.nextToken });
  expect(text(second)).toEqual(['b4 ERROR']);
  expect(second.nextToken).toBeUndefined();
  expect(text(filter({ logStreamNames: ['b'] }))).toEqual(['b2 ERROR', 'b4 ERROR']);
  expect(text(filter({ logStreamNamePrefix: 'a', startTime: 2 }))).toEqual(['a3']);
  expect(text(filter({ startTime: 2, endTime: 3 }))).toEqual(['b2 ERROR', 'a3']);
  expect(
    text(
      call(store, 'FilterLogEvents', {
        logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}:*`,
        filterPattern: '-ERROR',
      }).body,
    ),
  ).toEqual(['a3']);
  expect(new Set(filter({}).events.map((e) => e.eventId)).size).toBe(4);
});

test('DescribeLogGroups and DescribeLogStreams: prefixes, order by last event time, paging', () => {
  const store = new LogStore([
    { name: '/aws/lambda/a', retentionInDays: 7 },
    { name: '/aws/lambda/b' },
    { name: '/other' },
  ]);
  store.put('/aws/lambda/a', 'old', [{ timestamp: 10, message: 'x' }]);
  store.put('/aws/lambda/a', 'new', [{ timestamp: 20, message: 'y' }]);
  const groups = call(store, 'DescribeLogGroups', { logGroupNamePrefix: '/aws/lambda/', limit: 1 }).body;
  expect(groups.logGroups).toEqual([
    expect.objectContaining({
      logGroupName: '/aws/lambda/a',
      retentionInDays: 7,
      arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a:*',
    }),
  ]);
  const next = call(store, 'DescribeLogGroups', {
    logGroupNamePrefix: '/aws/lambda/',
    nextToken: groups.nextToken,
  }).body;
  expect(next.logGroups.map((g) => g.logGroupName)).toEqual(['/aws/lambda/b']);
  const streams = call(store, 'DescribeLogStreams', {
    logGroupName: '/aws/lambda/a',
    orderBy: 'LastEventTime',
    descending: true,
  }).body;
  expect(streams.logStreams).toEqual([
    expect.objectContaining({ logStreamName: 'new', firstEventTimestamp: 20, lastEventTimestamp: 20 }),
    expect.objectContaining({ logStreamName: 'old', lastEventTimestamp: 10 }),
  ]);
});

test.each([
  [
    'FilterLogEvents',
    { logGroupName: '/nope' },
    'ResourceNotFoundException',
    'The specified log group does not exist.',
  ],
  ['FilterLogEvents', {}, 'InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified.'],
  [
    'FilterLogEvents',
    { logGroupName: GROUP, logGroupIdentifier: GROUP },
    'InvalidParameterException',
    'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
  ],
  [
    'FilterLogEvents',
    { logGroupName: GROUP, logStreamNames: ['a'], logStreamNamePrefix: 'a' },
    'InvalidParameterException',
    'Cannot specify both logStreamNames and logStreamNamePrefix',
  ],
  [
    'FilterLogEvents',
    { logGroupName: GROUP, filterPattern: '{ $.a = ' },
    'InvalidParameterException',
    expect.stringContaining('Invalid filter pattern'),
  ],
  [
    'FilterLogEvents',
    { logGroupName: GROUP, nextToken: 'garbage' },
    'InvalidParameterException',
    'The specified nextToken is invalid.',
  ],
  [
    'FilterLogEvents',
    { logGroupName: GROUP, limit: 0 },
    'InvalidParameterException',
    expect.stringContaining("at 'limit'"),
  ],
  [
    'FilterLogEvents',
    { logGroupName: GROUP, startTime: 'yesterday' },
    'InvalidParameterException',
    expect.stringContaining("at 'startTime'"),
  ],
  [
    'GetLogEvents',
    { logGroupName: GROUP, logStreamName: 'nope' },
    'ResourceNotFoundException',
    'The specified log stream does not exist.',
  ],
  ['GetLogEvents', { logGroupName: GROUP }, 'InvalidParameterException', expect.stringContaining("at 'logStreamName'")],
  [
    'GetLogEvents',
    { logGroupName: GROUP, logStreamName: 's', nextToken: 'f/1' },
    'InvalidParameterException',
    'The specified nextToken is invalid.',
  ],
  [
    'DescribeLogStreams',
    { logGroupName: GROUP, orderBy: 'LastEventTime', logStreamNamePrefix: 'x' },
    'InvalidParameterException',
    'Cannot order by LastEventTime with a logStreamNamePrefix.',
  ],
  [
    'DescribeLogStreams',
    { logGroupName: GROUP, orderBy: 'Size' },
    'InvalidParameterException',
    expect.stringContaining('enum value set'),
  ],
  [
    'DescribeLogGroups',
    { limit: 51 },
    'InvalidParameterException',
    expect.stringContaining('less than or equal to 50'),
  ],
  ['PutSubscriptionFilter', {}, 'UnknownOperationException', expect.stringContaining('not supported')],
  ['DescribeLogGroups', '[1]', 'SerializationException', 'The request body must be a JSON object'],
])('%s %j answers 400 %s', (action, body, type, message) => {
  const store = new LogStore([{ name: GROUP }]);
  store.put(GROUP, 's', [{ timestamp: 1, message: 'x' }]);
  expect(call(store, action, body)).toEqual({ status: 400, body: { __type: type, message: message as unknown } });
});
