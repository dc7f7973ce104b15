import {
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useServices } from '../../aws';
import { ErrorNote, Panel } from '../../components/common';
import { formatTime } from '../../components/format';
import { href, usePolling } from '../../hooks';
import { type LogLine, mergeLines, TIME_RANGES } from '../../model/logs';
import { LogLines } from './log-lines';

const TAIL_MS = 2_000;
/** The most lines a page keeps (a live tail drops the oldest). */
export const MAX_LINES = 1_000;

const toLines = (
  events: { eventId?: string; timestamp?: number; message?: string; logStreamName?: string }[],
): LogLine[] =>
  events.map((e) => ({
    eventId: e.eventId ?? `${e.timestamp}:${e.message}`,
    timestamp: e.timestamp ?? 0,
    message: e.message ?? '',
    logStreamName: e.logStreamName,
  }));

const useGroups = () => {
  const { logs } = useServices();
  return usePolling(async () => {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new DescribeLogGroupsCommand({ nextToken }));
      names.push(...(page.logGroups ?? []).map((g) => g.logGroupName ?? ''));
      nextToken = page.nextToken;
    } while (nextToken && names.length < 500);
    return names;
  }, []);
};

const Streams = ({
  group,
  selected,
  onSelect,
}: {
  group: string;
  selected?: string;
  onSelect: (s?: string) => void;
}) => {
  const { logs } = useServices();
  const streams = usePolling(
    async () =>
      (
        await logs.send(
          new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', descending: true, limit: 20 }),
        )
      ).logStreams ?? [],
    [group],
    { intervalMs: 10_000 },
  );
  return (
    <div class="log-streams" aria-label="Log streams">
      <ErrorNote error={streams.error} />
      <button type="button" class="link" aria-pressed={!selected} onClick={() => onSelect(undefined)}>
        All streams
      </button>
      {(streams.data ?? []).map((s) => (
        <button
          key={s.logStreamName}
          type="button"
          class="link"
          aria-pressed={selected === s.logStreamName}
          onClick={() => onSelect(s.logStreamName)}
          title={s.logStreamName}
        >
          {s.logStreamName?.split('[$LATEST]').at(-1)?.slice(0, 8)} · {formatTime(s.lastEventTimestamp)}
        </button>
      ))}
    </div>
  );
};

interface Query {
  group: string;
  stream?: string;
  pattern: string;
  minutes: number;
}

/** Runs a query (every page of FilterLogEvents, up to MAX_LINES), then, while live, polls from the last event's time. */
const useLogEvents = (query: Query, live: boolean) => {
  const { logs } = useServices();
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const linesRef = useRef<LogLine[]>([]);
  linesRef.current = lines;
  const fetchFrom = async (startTime: number | undefined) => {
    const found: LogLine[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: query.group,
          ...(query.stream && { logStreamNames: [query.stream] }),
          ...(query.pattern && { filterPattern: query.pattern }),
          ...(startTime !== undefined && { startTime }),
          nextToken,
        }),
      );
      found.push(...toLines(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken && found.length < MAX_LINES);
    return found;
  };
  useEffect(() => {
    let stopped = false;
    setLines([]);
    setLoading(true);
    setError(undefined);
    fetchFrom(query.minutes ? Date.now() - query.minutes * 60_000 : undefined).then(
      (found) => !stopped && (setLines(mergeLines([], found, MAX_LINES)), setLoading(false)),
      (e: unknown) => !stopped && (setError(e), setLoading(false)),
    );
    return () => void (stopped = true);
  }, [query.group, query.stream, query.pattern, query.minutes]);
  useEffect(() => {
    if (!live || loading) return undefined;
    const timer = setInterval(() => {
      const last = linesRef.current.at(-1)?.timestamp;
      fetchFrom(last ?? Date.now() - TAIL_MS).then(
        (found) => setLines((before) => mergeLines(before, found, MAX_LINES)),
        (e: unknown) => setError(e),
      );
    }, TAIL_MS);
    return () => clearInterval(timer);
  }, [live, loading, query.group, query.stream, query.pattern]);
  return { lines, error, loading };
};

/** The Logs page: `#/logs/<group>/<request id>`, a group, its streams, a filter pattern, a time range and a live tail. */
export const LogsPage = ({ group: routeGroup, requestId }: { group?: string; requestId?: string }) => {
  const groups = useGroups();
  const group = routeGroup ?? groups.data?.[0];
  const [stream, setStream] = useState<string>();
  const [draft, setDraft] = useState(requestId ? `"${requestId}"` : '');
  const [query, setQuery] = useState({ pattern: draft, minutes: requestId ? 0 : 60 });
  const [live, setLive] = useState(false);
  return (
    <Panel title="Logs" label="Logs">
      <form
        class="log-controls"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ ...query, pattern: draft.trim() });
        }}
      >
        <label>
          Log group{' '}
          <select value={group} onChange={(e) => (window.location.hash = href('logs', e.currentTarget.value))}>
            {(groups.data ?? (group ? [group] : [])).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Filter pattern{' '}
          <input
            type="search"
            value={draft}
            placeholder='ERROR, "a phrase", { $.level = "ERROR" }'
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Search</button>
        <label>
          Time range{' '}
          <select
            value={String(query.minutes)}
            onChange={(e) => setQuery({ ...query, minutes: Number(e.currentTarget.value) })}
          >
            {TIME_RANGES.map(([minutes, label]) => (
              <option key={minutes} value={String(minutes)}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" aria-pressed={live} onClick={() => setLive(!live)}>
          {live ? 'Pause live tail' : 'Live tail'}
        </button>
      </form>
      <ErrorNote error={groups.error} />
      {group && <Results key={group} query={{ group, stream, ...query }} live={live} onStream={setStream} />}
    </Panel>
  );
};

const Results = ({ query, live, onStream }: { query: Query; live: boolean; onStream: (s?: string) => void }) => {
  const { lines, error, loading } = useLogEvents(query, live);
  return (
    <div class="logs-results">
      <Streams group={query.group} selected={query.stream} onSelect={onStream} />
      <div class="logs-events">
        <ErrorNote error={error} />
        <p class="muted" aria-live="polite">
          {loading
            ? 'Loading…'
            : `${lines.length} events${lines.length >= MAX_LINES ? ` (the newest ${MAX_LINES})` : ''}${live ? ' · live' : ''}`}
        </p>
        <LogLines lines={lines} showStream={!query.stream} />
      </div>
    </div>
  );
};
