// CloudWatch Logs' data: log groups, their streams and events, bounded by each group's retention and
// by a size cap for the whole store (the oldest events go first), kept by an optional journal.

export interface LogEvent {
  /** Its place in the store's order of arrival: the event id and the tokens are built from it. */
  seq: number;
  timestamp: number;
  ingestionTime: number;
  message: string;
  stream: LogStream;
}

export interface LogStream {
  name: string;
  group: LogGroup;
  creationTime: number;
  /** Oldest first. */
  events: LogEvent[];
  lastIngestionTime?: number;
}

export interface LogGroup {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  streams: Map<string, LogStream>;
  storedBytes: number;
}

/** A group as the template declares it. */
export interface LogGroupSpec {
  name: string;
  retentionInDays?: number;
}

/** One event as a journal keeps it. */
export interface JournalRecord {
  group: string;
  stream: string;
  seq: number;
  timestamp: number;
  ingestionTime: number;
  message: string;
}

/** Where a store is kept (journal.ts): what it held at the last stop, and each event as it comes. */
export interface LogJournal {
  load(): JournalRecord[];
  append(events: LogEvent[]): void;
  compact(store: LogStore): void;
  close(): Promise<void>;
}

export interface LogStoreOptions {
  /** The most the events may hold (their messages' UTF-8 bytes plus 26 each, as CloudWatch counts them). */
  maxBytes?: number;
  journal?: LogJournal;
  now?: () => number;
}

const DAY_MS = 86_400_000;
/** CloudWatch counts 26 bytes of overhead per event. */
export const eventBytes = (message: string): number => Buffer.byteLength(message, 'utf8') + 26;

export class LogStore {
  readonly groups = new Map<string, LogGroup>();
  readonly maxBytes: number;
  storedBytes = 0;
  private seq = 0;
  private readonly now: () => number;
  private readonly journal?: LogJournal;

  constructor(specs: readonly LogGroupSpec[], options: LogStoreOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.now = options.now ?? Date.now;
    this.journal = options.journal;
    for (const spec of specs) this.group(spec.name, spec.retentionInDays);
    for (const record of this.journal?.load() ?? []) {
      const group = this.group(record.group);
      this.seq = Math.max(this.seq, record.seq);
      this.insert(this.stream(group, record.stream, record.timestamp), record);
    }
    this.enforce();
    this.journal?.compact(this);
  }

  /** The group of this name, made when first asked for (then kept for ever, unless the template says). */
  group(name: string, retentionInDays?: number): LogGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, creationTime: this.now(), streams: new Map(), storedBytes: 0 };
      this.groups.set(name, group);
    }
    if (retentionInDays !== undefined) group.retentionInDays = retentionInDays;
    return group;
  }

  private stream(group: LogGroup, name: string, creationTime = this.now()): LogStream {
    let stream = group.streams.get(name);
    if (!stream) {
      stream = { name, group, creationTime, events: [] };
      group.streams.set(name, stream);
    }
    return stream;
  }

  private insert(stream: LogStream, record: Omit<LogEvent, 'stream'>): LogEvent {
    const event = { ...record, stream };
    stream.events.push(event);
    stream.lastIngestionTime = Math.max(stream.lastIngestionTime ?? 0, record.ingestionTime);
    const bytes = eventBytes(record.message);
    stream.group.storedBytes += bytes;
    this.storedBytes += bytes;
    return event;
  }

  /** Appends events to a stream (made when first written to), as PutLogEvents does; journaled in the background. */
  put(groupName: string, streamName: string, events: { timestamp: number; message: string }[]): LogEvent[] {
    const stream = this.stream(this.group(groupName), streamName);
    const ingestionTime = this.now();
    const added = events.map((e) =>
      this.insert(stream, { seq: ++this.seq, timestamp: e.timestamp, ingestionTime, message: e.message }),
    );
    this.journal?.append(added);
    if (this.storedBytes > this.maxBytes) this.enforce();
    return added;
  }

  /** Drops what is past each group's retention, then the oldest events until the store is under 90% of its cap. */
  enforce(): void {
    const now = this.now();
    for (const group of this.groups.values()) {
      if (group.retentionInDays === undefined) continue;
      const cutoff = now - group.retentionInDays * DAY_MS;
      for (const stream of group.streams.values()) {
        const keep = stream.events.findIndex((e) => e.timestamp >= cutoff);
        this.drop(stream, keep < 0 ? stream.events.length : keep);
      }
    }
    if (this.storedBytes <= this.maxBytes) return;
    const target = this.maxBytes * 0.9;
    // Oldest first across every stream: the streams' own orders merged by their heads.
    const streams = [...this.groups.values()].flatMap((g) => [...g.streams.values()]).filter((s) => s.events.length);
    const cut = new Map<LogStream, number>(streams.map((s) => [s, 0]));
    let bytes = this.storedBytes;
    while (bytes > target) {
      let oldest: LogStream | undefined;
      for (const s of streams) {
        const head = s.events[cut.get(s)!];
        if (head && (!oldest || head.timestamp < oldest.events[cut.get(oldest)!]!.timestamp)) oldest = s;
      }
      if (!oldest) break;
      bytes -= eventBytes(oldest.events[cut.get(oldest)!]!.message);
      cut.set(oldest, cut.get(oldest)! + 1);
    }
    for (const [stream, count] of cut) this.drop(stream, count);
  }

  private drop(stream: LogStream, count: number): void {
    if (count <= 0) return;
    let bytes = 0;
    for (const event of stream.events.slice(0, count)) bytes += eventBytes(event.message);
    stream.events.splice(0, count);
    stream.group.storedBytes -= bytes;
    this.storedBytes -= bytes;
  }

  /** Every event of these streams within [start, end], oldest first (ties in arrival order). */
  events(streams: Iterable<LogStream>, start = -Infinity, end = Infinity): LogEvent[] {
    const all: LogEvent[] = [];
    for (const stream of streams) {
      const events = stream.events;
      // Each stream is in time order: the first event in range is found by halves.
      let lo = 0;
      let hi = events.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (events[mid]!.timestamp < start) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < events.length && events[i]!.timestamp <= end; i++) all.push(events[i]!);
    }
    return all.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
  }

  /** Writes what is buffered, and stops the journal's timers. */
  close(): Promise<void> {
    return this.journal?.close() ?? Promise.resolve();
  }
}

/** The first and last event times of a stream, as DescribeLogStreams reports them (events arrive in time order). */
export const streamTimes = (stream: LogStream): { first?: number; last?: number } => ({
  first: stream.events[0]?.timestamp,
  last: stream.events.at(-1)?.timestamp,
});
