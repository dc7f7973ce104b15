import type { CircuitChange, CircuitRecord, CircuitStore } from '../../functions/order/circuit';

/** The store's contract in memory: conditional changes on the version, as DynamoDB makes them. */
export class MemoryCircuitStore implements CircuitStore {
  readonly records = new Map<string, CircuitRecord>();
  reads = 0;
  writes = 0;
  down = false;

  private check() {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
  }

  read(circuit: string) {
    this.check();
    this.reads++;
    return Promise.resolve(this.copy(circuit));
  }

  addFailure(circuit: string, now: number) {
    this.check();
    this.writes++;
    const record = this.records.get(circuit) ?? {
      circuit,
      state: 'CLOSED' as const,
      failures: 0,
      probeSuccesses: 0,
      changedAt: now,
      version: 0,
    };
    this.records.set(circuit, { ...record, failures: record.failures + 1 });
    return Promise.resolve(this.copy(circuit)!);
  }

  resetFailures(circuit: string) {
    this.check();
    this.writes++;
    const record = this.records.get(circuit);
    if (record) record.failures = 0;
    return Promise.resolve(this.copy(circuit));
  }

  change(circuit: string, version: number, to: CircuitChange) {
    this.check();
    const current = this.records.get(circuit);
    if ((current?.version ?? 0) !== version) return Promise.resolve({ won: false, record: this.copy(circuit) });
    this.writes++;
    this.records.set(circuit, { circuit, ...to, version: version + 1 });
    return Promise.resolve({ won: true, record: this.copy(circuit) });
  }

  private copy(circuit: string) {
    const record = this.records.get(circuit);
    return record && structuredClone(record);
  }
}
