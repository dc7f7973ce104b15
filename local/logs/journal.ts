// Where the log store is kept across restarts: one append-only JSON-lines file per log group in the
// state directory, written in batches (never a write per line), rewritten from what the store still
// holds once most of a file is events the store dropped.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalRecord, LogEvent, LogJournal, LogStore } from './store';

const FLUSH_MS = 200;
const FLUSH_BYTES = 256 * 1024;
const SUFFIX = '.jsonl';

const lineOf = (e: LogEvent) => `${JSON.stringify([e.seq, e.stream.name, e.timestamp, e.ingestionTime, e.message])}\n`;

export class FileJournal implements LogJournal {
  private readonly pending = new Map<string, string[]>();
  private pendingBytes = 0;
  /** Bytes in each group's file. */
  private readonly fileBytes = new Map<string, number>();
  /** One chain of writes per group's file, so that appends and rewrites stay in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private store?: LogStore;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  private file = (group: string) => join(this.dir, `${encodeURIComponent(group)}${SUFFIX}`);

  /** Every event kept; a torn or unreadable line (a crash mid-write) is skipped. */
  load(): JournalRecord[] {
    const records: JournalRecord[] = [];
    for (const name of existsSync(this.dir) ? readdirSync(this.dir) : []) {
      if (!name.endsWith(SUFFIX)) continue;
      const group = decodeURIComponent(name.slice(0, -SUFFIX.length));
      const path = join(this.dir, name);
      this.fileBytes.set(group, statSync(path).size);
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const [seq, stream, timestamp, ingestionTime, message] = JSON.parse(line) as unknown[];
          if (
            typeof seq === 'number' &&
            typeof stream === 'string' &&
            typeof timestamp === 'number' &&
            typeof message === 'string'
          )
            records.push({ group, stream, seq, timestamp, ingestionTime: Number(ingestionTime) || timestamp, message });
        } catch {
          // a torn last line
        }
      }
    }
    // A rewrite can meet an append of the same lines: each event once.
    records.sort((a, b) => a.seq - b.seq);
    return records.filter((r, i) => i === 0 || r.seq !== records[i - 1]!.seq);
  }

  append(events: LogEvent[]): void {
    if (this.closed) return;
    for (const event of events) {
      const group = event.stream.group.name;
      const line = lineOf(event);
      const lines = this.pending.get(group) ?? [];
      lines.push(line);
      this.pending.set(group, lines);
      this.pendingBytes += line.length;
    }
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  private chain(group: string, write: () => Promise<void>): void {
    const next = (this.chains.get(group) ?? Promise.resolve()).then(write).catch((error: Error) => this.onError(error));
    this.chains.set(group, next);
  }

  /** Writes the buffered lines, one append per group. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [group, lines] of this.pending) {
      const text = lines.join('');
      this.fileBytes.set(group, (this.fileBytes.get(group) ?? 0) + Buffer.byteLength(text));
      this.chain(group, () => appendFile(this.file(group), text));
    }
    this.pending.clear();
    this.pendingBytes = 0;
    if (this.store) this.compact(this.store);
  }

  /** Rewrites each file that holds over three times what its group still has (plus 1 MB). */
  compact(store: LogStore): void {
    this.store = store;
    for (const group of store.groups.values()) {
      const size = this.fileBytes.get(group.name) ?? 0;
      if (size <= 3 * group.storedBytes + 1024 * 1024) continue;
      this.fileBytes.set(group.name, 0);
      this.chain(group.name, async () => {
        // What the store holds now includes the lines still buffered for this group: they go in the rewrite.
        const events = store.events(group.streams.values()).sort((a, b) => a.seq - b.seq);
        this.pendingBytes -= (this.pending.get(group.name) ?? []).reduce((n, l) => n + l.length, 0);
        this.pending.delete(group.name);
        const text = events.map(lineOf).join('');
        const path = this.file(group.name);
        await writeFile(`${path}.tmp`, text);
        await rename(`${path}.tmp`, path);
        this.fileBytes.set(group.name, (this.fileBytes.get(group.name) ?? 0) + Buffer.byteLength(text));
      });
    }
  }

  /** Waits for the writes under way, then writes what is left at once. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    await Promise.all(this.chains.values());
    this.closed = true;
    for (const [group, lines] of this.pending) appendFileSync(this.file(group), lines.join(''));
    this.pending.clear();
  }
}
