// CloudWatch Logs' read operations, as the API reference defines their parameters, answers and
// paging: DescribeLogGroups, DescribeLogStreams, GetLogEvents and FilterLogEvents (what
// `aws logs filter-log-events` and AWS CLI v2's `aws logs tail --follow` call).
import { ServiceError } from '../support/errors';
import type { Params } from '../support/input';
import { page } from '../support/paging';
import { compileFilterPattern } from './filter-pattern';
import { groupOf, invalidParameter, limitOf, read, stringList } from './input';
import { eventBytes, type LogEvent, type LogGroup, type LogStore, type LogStream, streamTimes } from './store';

export interface LogsContext {
  store: LogStore;
  region: string;
  accountId: string;
}

/** An answer holds at most 1 MB of events, as AWS's does. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const invalidToken = () => invalidParameter('The specified nextToken is invalid.');
const digits = (n: number) => String(n).padStart(56, '0');

const groupArn = (c: LogsContext, group: LogGroup) => `arn:aws:logs:${c.region}:${c.accountId}:log-group:${group.name}`;

const describeLogGroups = (c: LogsContext, params: Params) => {
  const prefix = read.optionalString(params, 'logGroupNamePrefix', 512);
  const pattern = read.optionalString(params, 'logGroupNamePattern', 512);
  if (prefix !== undefined && pattern !== undefined)
    throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  const limit = limitOf(params, 'limit', 1, 50, 50);
  const groups = [...c.store.groups.values()]
    .filter(
      (g) =>
        (prefix === undefined || g.name.startsWith(prefix)) &&
        (pattern === undefined || g.name.toLowerCase().includes(pattern.toLowerCase())),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { items, nextToken } = page(groups, limit, read.optionalString(params, 'nextToken'), invalidToken);
  return {
    logGroups: items.map((g) => ({
      logGroupName: g.name,
      creationTime: g.creationTime,
      ...(g.retentionInDays !== undefined && { retentionInDays: g.retentionInDays }),
      metricFilterCount: 0,
      arn: `${groupArn(c, g)}:*`,
      logGroupArn: groupArn(c, g),
      storedBytes: g.storedBytes,
      logGroupClass: 'STANDARD',
    })),
    ...(nextToken && { nextToken }),
  };
};

const streamShape = (c: LogsContext, stream: LogStream) => {
  const { first, last } = streamTimes(stream);
  return {
    logStreamName: stream.name,
    creationTime: stream.creationTime,
    ...(first !== undefined && { firstEventTimestamp: first, lastEventTimestamp: last }),
    ...(stream.lastIngestionTime !== undefined && { lastIngestionTime: stream.lastIngestionTime }),
    arn: `${groupArn(c, stream.group)}:log-stream:${stream.name}`,
    storedBytes: 0,
  };
};

const describeLogStreams = (c: LogsContext, params: Params) => {
  const group = groupOf(c.store, params);
  const prefix = read.optionalString(params, 'logStreamNamePrefix', 512);
  const orderBy = read.optionalString(params, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime')
    throw invalidParameter(
      `1 validation error detected: Value '${orderBy.slice(0, 100)}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
    );
  if (orderBy === 'LastEventTime' && prefix !== undefined)
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const descending = read.optionalBoolean(params, 'descending') ?? false;
  const limit = limitOf(params, 'limit', 1, 50, 50);
  const key = (s: LogStream) => (orderBy === 'LastEventTime' ? (streamTimes(s).last ?? s.creationTime) : s.name);
  const streams = [...group.streams.values()]
    .filter((s) => prefix === undefined || s.name.startsWith(prefix))
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
  const { items, nextToken } = page(streams, limit, read.optionalString(params, 'nextToken'), invalidToken);
  return { logStreams: items.map((s) => streamShape(c, s)), ...(nextToken && { nextToken }) };
};

/** Events up to the limit and up to 1 MB, in the order given. */
const capped = (events: LogEvent[], limit: number): LogEvent[] => {
  const kept: LogEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    bytes += eventBytes(event.message);
    if (kept.length >= limit || (kept.length > 0 && bytes > MAX_ANSWER_BYTES)) break;
    kept.push(event);
  }
  return kept;
};

/**
 * GetLogEvents: the newest `limit` events (or the oldest, `startFromHead`), then pages forward and
 * backward by `f/…` and `b/…` tokens; at either end, the token given comes back again, as AWS does.
 */
const getLogEvents = (c: LogsContext, params: Params) => {
  const group = groupOf(c.store, params);
  const stream = group.streams.get(read.requiredString(params, 'logStreamName', 512));
  if (!stream) throw new ServiceError('ResourceNotFoundException', 'The specified log stream does not exist.');
  const start = read.optionalNumber(params, 'startTime') ?? -Infinity;
  const end = read.optionalNumber(params, 'endTime') ?? Infinity;
  const limit = limitOf(params, 'limit', 1, 10_000, 10_000);
  const token = read.optionalString(params, 'nextToken');
  const m = token === undefined ? undefined : /^([fb])\/(\d{56})$/.exec(token);
  if (token !== undefined && !m) throw invalidToken();
  const forward = m ? m[1] === 'f' : read.optionalBoolean(params, 'startFromHead') === true;
  const all = stream.events.filter((e) => e.timestamp >= start && e.timestamp < end);
  const at = m ? Number(m[2]) : forward ? 0 : Infinity;
  const events = forward
    ? capped(
        all.filter((e) => e.seq >= at),
        limit,
      )
    : capped(all.filter((e) => e.seq < at).reverse(), limit).reverse();
  const boundary = Number.isFinite(at) ? at : (stream.events.at(-1)?.seq ?? 0) + 1;
  return {
    events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: `f/${digits(events.length ? events.at(-1)!.seq + 1 : boundary)}`,
    nextBackwardToken: `b/${digits(events.length ? events[0]!.seq : boundary)}`,
  };
};

/** FilterLogEvents' token: where the next page starts, in (timestamp, arrival) order. */
const cursorOf = (token: string | undefined): [number, number] | undefined => {
  if (token === undefined) return undefined;
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(cursor) && cursor.length === 2 && cursor.every(Number.isFinite))
      return cursor as [number, number];
  } catch {
    // not ours
  }
  throw invalidToken();
};

const filterLogEvents = (c: LogsContext, params: Params) => {
  const group = groupOf(c.store, params);
  const names = stringList(params, 'logStreamNames', 100, 512);
  const prefix = read.optionalString(params, 'logStreamNamePrefix', 512);
  if (names.length && prefix !== undefined)
    throw invalidParameter('Cannot specify both logStreamNames and logStreamNamePrefix');
  const matches = compileFilterPattern(read.optionalString(params, 'filterPattern'));
  const limit = limitOf(params, 'limit', 1, 10_000, 10_000);
  read.optionalBoolean(params, 'interleaved');
  const cursor = cursorOf(read.optionalString(params, 'nextToken'));
  const streams = [...group.streams.values()].filter(
    (s) => (names.length === 0 || names.includes(s.name)) && (prefix === undefined || s.name.startsWith(prefix)),
  );
  const after = (e: LogEvent) => !cursor || e.timestamp > cursor[0] || (e.timestamp === cursor[0] && e.seq > cursor[1]);
  const found = c.store
    .events(streams, read.optionalNumber(params, 'startTime'), read.optionalNumber(params, 'endTime'))
    .filter((e) => after(e) && matches(e.message));
  const events = capped(found, limit);
  const last = events.at(-1);
  const more = last && found.length > events.length;
  return {
    events: events.map((e) => ({
      logStreamName: e.stream.name,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: digits(e.seq),
    })),
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
    ...(more && { nextToken: Buffer.from(JSON.stringify([last.timestamp, last.seq])).toString('base64url') }),
  };
};

export const OPERATIONS: Record<string, (c: LogsContext, params: Params) => object> = {
  DescribeLogGroups: describeLogGroups,
  DescribeLogStreams: describeLogStreams,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
};
