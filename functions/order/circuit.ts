import { randomUUID } from 'node:crypto';

// A circuit breaker for each participant action the saga calls (Billing pay, Warehouse reserve, Delivery
// book). Its state is shared through a store (DynamoDB) and read through a cache of a few seconds: a
// healthy call costs at most one read per cache period. Only infrastructure failures count (timeouts,
// throttles, 5xx, crashes), never a business answer such as PaymentDeclined.
//
//   CLOSED ──N consecutive failures──▶ OPEN ──after T──▶ HALF_OPEN ──K probe successes──▶ CLOSED
//                                        ▲                   │
//                                        └── a probe fails ──┘
//
// While OPEN every call fails at once with CircuitOpen. In HALF_OPEN exactly one caller at a time probes:
// it is elected by a conditional write on the record's version, and holds a lease, so that a prober that
// dies does not keep the circuit half-open for ever. When the store cannot be reached, calls go through
// (fail open) and the breaker says so.

export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** A circuit as the store keeps it. */
export interface CircuitRecord {
  circuit: string;
  state: CircuitState;
  /** Consecutive infrastructure failures seen while CLOSED. */
  failures: number;
  /** When it last opened (epoch ms). */
  openedAt?: number;
  /** The prober of HALF_OPEN, and until when its lease holds (epoch ms). */
  probe?: { id: string; until: number };
  /** Probes that succeeded since it went HALF_OPEN. */
  probeSuccesses: number;
  /** When its state last changed (epoch ms). */
  changedAt: number;
  /** Every change of state or probe adds one: the conditional writes race on it. */
  version: number;
}

export type CircuitChange = Pick<CircuitRecord, 'state' | 'failures' | 'probeSuccesses' | 'changedAt'> &
  Partial<Pick<CircuitRecord, 'openedAt' | 'probe'>>;

export interface CircuitStore {
  read(circuit: string): Promise<CircuitRecord | undefined>;
  /** Adds one to the failures, creating a CLOSED record when there is none; answers the record after. */
  addFailure(circuit: string, now: number): Promise<CircuitRecord>;
  /** Sets the failures back to 0 (a success after failures); answers the record after. */
  resetFailures(circuit: string): Promise<CircuitRecord | undefined>;
  /**
   * Writes a change if the record is still at `version` (0: there is no record yet). Answers the record
   * after the change, or the current one (`won: false`) when another writer got there first.
   */
  change(
    circuit: string,
    version: number,
    to: CircuitChange,
  ): Promise<{ won: boolean; record: CircuitRecord | undefined }>;
}

export interface CircuitSettings {
  /** Consecutive failed attempts that open a closed circuit (N). */
  failureThreshold: number;
  /** How long a circuit stays open before a probe may go (T, ms). */
  openMs: number;
  /** Probe successes in a row that close a half-open circuit (K). */
  probeSuccesses: number;
  /** How long a read of the store is reused (ms). */
  cacheMs: number;
  /** How long a prober holds its lease at least (ms): past it, another caller may probe. */
  probeLeaseMs: number;
}

export const DEFAULT_CIRCUIT_SETTINGS: CircuitSettings = {
  failureThreshold: 5,
  openMs: 30_000,
  probeSuccesses: 2,
  cacheMs: 2_000,
  probeLeaseMs: 20_000,
};

/** The step's answer while its circuit is open: not retried; the saga compensates at once. */
export class CircuitOpen extends Error {
  override readonly name = 'CircuitOpen';
  constructor(
    readonly circuit: string,
    readonly retryAt: number,
  ) {
    super(
      `${circuit} is unavailable: its circuit is open, the next probe may go at ${new Date(retryAt).toISOString()}`,
    );
  }
}

export interface CircuitTransition {
  circuit: string;
  from: CircuitState;
  to: CircuitState;
  /** Epoch ms. */
  at: number;
  /** What caused it: the failures counted, or the probe's outcome. */
  failures: number;
  probeSuccesses: number;
}

export interface CircuitHooks {
  /** Every change of state (CLOSED → OPEN, OPEN → HALF_OPEN, HALF_OPEN → CLOSED or OPEN). */
  onTransition?: (transition: CircuitTransition) => void | Promise<void>;
  /** The store could not be read or written: the call went through as if the circuit were closed. */
  onStoreUnavailable?: (circuit: string, error: unknown) => void;
  /** A call was refused while the circuit is open (or another caller probes). */
  onRejected?: (circuit: string) => void;
  /** This call was elected the probe of a half-open circuit: it tests whether the participant is back. */
  onProbe?: (circuit: string) => void;
}

/** A caller's outcome for the circuit: an infrastructure failure counts, a business answer does not. */
export type Classify = (error: unknown) => 'failure' | 'answer';

const CLOSED_RECORD = (circuit: string, now: number): CircuitRecord => ({
  circuit,
  state: 'CLOSED',
  failures: 0,
  probeSuccesses: 0,
  changedAt: now,
  version: 0,
});

/** The circuits of one container: failures are shared through the store, reads cached. */
export class CircuitBreaker {
  private readonly cache = new Map<string, { record: CircuitRecord; readAt: number }>();
  /** This container's name as a prober. */
  private readonly id = randomUUID();

  constructor(
    private readonly store: CircuitStore,
    private readonly settings: CircuitSettings = DEFAULT_CIRCUIT_SETTINGS,
    private readonly hooks: CircuitHooks = {},
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Calls `fn` through the circuit: refused with CircuitOpen while it is open. `holdsMs`, the longest
   * the caller can hold a probe (its call's deadline and the settling after it), lengthens the lease
   * to cover it, so that a live prober is never joined by a second one.
   */
  async call<T>(circuit: string, fn: () => Promise<T>, classify: Classify, holdsMs = 0): Promise<T> {
    const probing = await this.admit(circuit, Math.max(this.settings.probeLeaseMs, holdsMs));
    let outcome: 'success' | 'failure' = 'success';
    try {
      return await fn();
    } catch (error) {
      if (classify(error) === 'failure') outcome = 'failure';
      throw error;
    } finally {
      await this.settle(circuit, probing, outcome);
    }
  }

  /** The state this container last saw the circuit in (none before its first call). */
  known(circuit: string): CircuitState | undefined {
    return this.cache.get(circuit)?.record.state;
  }

  /** The circuit's state as this container knows it (from the cache when fresh). */
  async state(circuit: string): Promise<CircuitRecord | undefined> {
    const cached = this.cache.get(circuit);
    if (cached && this.now() - cached.readAt < this.settings.cacheMs) return cached.record;
    const record = (await this.store.read(circuit)) ?? CLOSED_RECORD(circuit, this.now());
    this.remember(record);
    return record;
  }

  private remember(record: CircuitRecord | undefined): void {
    if (record) this.cache.set(record.circuit, { record, readAt: this.now() });
  }

  /**
   * Whether the call may go, and as the probe (true) or not; throws CircuitOpen when it may not. A lost
   * election decides again on the winner's record: the circuit may have closed meanwhile.
   */
  private async admit(circuit: string, leaseMs: number): Promise<boolean> {
    let record: CircuitRecord | undefined;
    try {
      record = await this.state(circuit);
    } catch (error) {
      this.hooks.onStoreUnavailable?.(circuit, error);
      return false;
    }
    for (let election = 0; ; election++) {
      if (!record || record.state === 'CLOSED') return false;
      const now = this.now();
      const retryAt = (record.openedAt ?? record.changedAt) + this.settings.openMs;
      const probe = record.state === 'HALF_OPEN' && record.probe && record.probe.until > now ? record.probe : undefined;
      if (probe) return this.reject(circuit, probe.until);
      if ((record.state === 'OPEN' && now < retryAt) || election === 2) return this.reject(circuit, retryAt);
      const elected = await this.change(record, {
        state: 'HALF_OPEN',
        failures: record.failures,
        probeSuccesses: record.state === 'HALF_OPEN' ? record.probeSuccesses : 0,
        changedAt: record.state === 'HALF_OPEN' ? record.changedAt : now,
        ...(record.openedAt !== undefined && { openedAt: record.openedAt }),
        probe: { id: this.id, until: now + leaseMs },
      });
      if (elected === 'unavailable') return false;
      if (elected) {
        this.hooks.onProbe?.(circuit);
        return true;
      }
      record = this.cache.get(circuit)?.record;
    }
  }

  private reject(circuit: string, retryAt: number): never {
    this.hooks.onRejected?.(circuit);
    throw new CircuitOpen(circuit, retryAt);
  }

  private async settle(circuit: string, probing: boolean, outcome: 'success' | 'failure'): Promise<void> {
    const now = this.now();
    try {
      const record = this.cache.get(circuit)?.record;
      if (probing && record) {
        if (outcome === 'failure')
          await this.change(record, {
            state: 'OPEN',
            failures: record.failures,
            probeSuccesses: 0,
            changedAt: now,
            openedAt: now,
          });
        else {
          const successes = record.probeSuccesses + 1;
          await this.change(
            record,
            successes >= this.settings.probeSuccesses
              ? { state: 'CLOSED', failures: 0, probeSuccesses: 0, changedAt: now }
              : {
                  state: 'HALF_OPEN',
                  failures: record.failures,
                  probeSuccesses: successes,
                  changedAt: record.changedAt,
                  ...(record.openedAt !== undefined && { openedAt: record.openedAt }),
                },
          );
        }
        return;
      }
      if (outcome === 'success') {
        if (record && record.failures > 0 && record.state === 'CLOSED')
          this.remember(await this.store.resetFailures(circuit));
        return;
      }
      const after = await this.store.addFailure(circuit, now);
      this.remember(after);
      if (after.state === 'CLOSED' && after.failures >= this.settings.failureThreshold)
        await this.change(after, {
          state: 'OPEN',
          failures: after.failures,
          probeSuccesses: 0,
          changedAt: now,
          openedAt: now,
        });
    } catch (error) {
      this.hooks.onStoreUnavailable?.(circuit, error);
    }
  }

  /** A conditional change: true when this container made it; false when another did first. */
  private async change(record: CircuitRecord, to: CircuitChange): Promise<boolean | 'unavailable'> {
    let result: Awaited<ReturnType<CircuitStore['change']>>;
    try {
      result = await this.store.change(record.circuit, record.version, to);
    } catch (error) {
      this.hooks.onStoreUnavailable?.(record.circuit, error);
      return 'unavailable';
    }
    this.remember(result.record);
    if (result.won && to.state !== record.state)
      await this.hooks.onTransition?.({
        circuit: record.circuit,
        from: record.state,
        to: to.state,
        at: to.changedAt,
        failures: record.failures,
        probeSuccesses: to.state === 'CLOSED' ? record.probeSuccesses + 1 : record.probeSuccesses,
      });
    return result.won;
  }
}
