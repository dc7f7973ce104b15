import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ExecutionRecord, ExecutionStore } from './executions';
import type { HistoryEvent } from './history';

/** The complete lines of a JSON-lines file; a line cut short by a crash (the last one) is left out. */
const readLines = (file: string): { lines: unknown[]; validBytes: number } => {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines: unknown[] = [];
  let validBytes = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      lines.push(JSON.parse(line));
    } catch {
      break;
    }
    validBytes += Buffer.byteLength(line) + 1;
  }
  return { lines, validBytes };
};

/**
 * Executions on disk, append-only. `executions.jsonl` is a journal of records: a line each time one
 * is created or changes status (never per event), folded on start and rewritten compactly.
 * `histories/<hash>.jsonl` holds one history each, one event per line, written with a synchronous
 * write before the execution moves on. Only the records stay in memory; a history is read when asked.
 * Writes survive a crash of this process; they are not fsync'd against a crash of the machine.
 */
export class FileExecutionStore implements ExecutionStore {
  private readonly index = new Map<string, ExecutionRecord>();
  private readonly journal: number;
  /** Open history files of running executions. */
  private readonly open = new Map<string, number>();

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'histories'), { recursive: true });
    const journalFile = join(dir, 'executions.jsonl');
    for (const line of readLines(journalFile).lines) {
      const record = line as ExecutionRecord;
      this.index.set(record.executionArn, record);
    }
    for (const record of this.index.values())
      if (record.status === 'RUNNING') record.eventCount = this.repairHistory(record.executionArn);
    // Compaction: one line per execution, written beside the journal and renamed over it.
    const compacted = `${journalFile}.tmp`;
    const fd = openSync(compacted, 'w');
    for (const record of this.index.values()) writeSync(fd, `${JSON.stringify(record)}\n`);
    closeSync(fd);
    renameSync(compacted, journalFile);
    this.journal = openSync(journalFile, 'a');
  }

  private file(executionArn: string): string {
    return join(this.dir, 'histories', `${createHash('sha1').update(executionArn).digest('hex')}.jsonl`);
  }

  /** Cuts a history back to its last complete event (a crash may have cut one short); answers how many there are. */
  private repairHistory(executionArn: string): number {
    const file = this.file(executionArn);
    const { lines, validBytes } = readLines(file);
    if (existsSync(file)) truncateSync(file, validBytes);
    return lines.length;
  }

  records(): IterableIterator<ExecutionRecord> {
    return this.index.values();
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.index.get(executionArn);
  }

  /** Closed: a write now would go to whatever file took the journal's descriptor. */
  private closed = false;

  private checkOpen(): void {
    if (this.closed) throw new Error('The execution store is closed: the cloud is stopping');
  }

  save(record: ExecutionRecord): void {
    this.checkOpen();
    this.index.set(record.executionArn, record);
    writeSync(this.journal, `${JSON.stringify(record)}\n`);
    if (record.status !== 'RUNNING') {
      const fd = this.open.get(record.executionArn);
      if (fd !== undefined) closeSync(fd);
      this.open.delete(record.executionArn);
    }
  }

  append(executionArn: string, event: HistoryEvent): void {
    this.checkOpen();
    let fd = this.open.get(executionArn);
    if (fd === undefined) {
      fd = openSync(this.file(executionArn), 'a');
      this.open.set(executionArn, fd);
    }
    writeSync(fd, `${JSON.stringify(event)}\n`);
  }

  history(executionArn: string): HistoryEvent[] {
    return readLines(this.file(executionArn)).lines as HistoryEvent[];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of this.open.values()) closeSync(fd);
    this.open.clear();
    closeSync(this.journal);
  }
}
