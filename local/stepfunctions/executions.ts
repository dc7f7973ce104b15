import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from './history';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  events: HistoryEvent[];
}

/** Executions on disk, one JSON file each, so that records and histories survive a restart. */
export class ExecutionStore {
  readonly records = new Map<string, ExecutionRecord>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly dir?: string) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ExecutionRecord;
      this.records.set(record.executionArn, record);
    }
  }

  private file(record: ExecutionRecord): string {
    return join(this.dir!, `${Buffer.from(record.executionArn).toString('base64url')}.json`);
  }

  /** Writes soon (coalescing bursts of events), or now. */
  save(record: ExecutionRecord, now = false): void {
    this.records.set(record.executionArn, record);
    if (!this.dir) return;
    clearTimeout(this.timers.get(record.executionArn));
    const write = () => {
      this.timers.delete(record.executionArn);
      const file = this.file(record);
      writeFileSync(`${file}.tmp`, JSON.stringify(record));
      renameSync(`${file}.tmp`, file);
    };
    if (now) write();
    else this.timers.set(record.executionArn, setTimeout(write, 50));
  }

  flush(): void {
    for (const arn of [...this.timers.keys()]) this.save(this.records.get(arn)!, true);
  }
}
