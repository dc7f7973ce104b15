import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

/** oidc-provider's default `clockTolerance`: a record outlives its expiry by this much, as the provider may still accept it. */
const GRACE_SECONDS = 15;

/** The models whose records belong to a grant, and go when the grant is revoked. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * A map with a size limit and expiry: reading a record makes it the most recent, the least recently
 * used one goes when the store is full, and an expired one is never returned.
 */
export class BoundedStore {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError('capacity must be positive');
  }

  get size(): number {
    return this.entries.size;
  }

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= Date.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value as T;
  }

  /** Keeps `value` until `expiresAt` (epoch ms; forever when absent). */
  set(key: string, value: unknown, expiresAt = Number.POSITIVE_INFINITY): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

/**
 * oidc-provider's storage for one model (Session, Grant, RefreshToken, Interaction …), implementing its
 * documented `Adapter` interface on a bounded in-memory store: the local issuer keeps nothing across
 * restarts, as its tokens are meant to be re-issued. Besides the records, the store holds three indexes:
 * a session by its `uid`, a device code by its `userCode`, and the records of each grant.
 */
export class MemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: BoundedStore,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    await this.destroy(id);
    const expiresAt =
      typeof expiresIn === 'number' ? Date.now() + (expiresIn + GRACE_SECONDS) * 1000 : Number.POSITIVE_INFINITY;
    const key = this.key(id);
    this.store.set(key, payload, expiresAt);
    if (this.model === 'Session' && payload.uid) this.store.set(`sessionUid:${payload.uid}`, id, expiresAt);
    if (payload.userCode) this.store.set(`userCode:${payload.userCode}`, id, expiresAt);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      // A grant's index lives as long as its longest-lived record.
      const members = this.store.get<Map<string, number>>(`grant:${payload.grantId}`) ?? new Map<string, number>();
      members.set(key, expiresAt);
      this.store.set(`grant:${payload.grantId}`, members, Math.max(...members.values()));
    }
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return Promise.resolve(this.store.get<AdapterPayload>(this.key(id)));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = this.store.get<string>(`sessionUid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = this.store.get<string>(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const payload = await this.find(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  destroy(id: string): Promise<void> {
    const key = this.key(id);
    const payload = this.store.get<AdapterPayload>(key);
    if (payload) forget(this.store, key, payload);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.store.get<Map<string, number>>(`grant:${grantId}`)?.keys() ?? []) {
      const payload = this.store.get<AdapterPayload>(key);
      if (payload) forget(this.store, key, payload);
    }
    this.store.delete(`grant:${grantId}`);
    return Promise.resolve();
  }
}

/** Removes a record and the index entries that point at it. */
const forget = (store: BoundedStore, key: string, payload: AdapterPayload): void => {
  store.delete(key);
  const id = key.slice(key.indexOf(':') + 1);
  if (payload.uid && store.get(`sessionUid:${payload.uid}`) === id) store.delete(`sessionUid:${payload.uid}`);
  if (payload.userCode && store.get(`userCode:${payload.userCode}`) === id)
    store.delete(`userCode:${payload.userCode}`);
  if (payload.grantId) store.get<Map<string, number>>(`grant:${payload.grantId}`)?.delete(key);
};

/**
 * The `adapter` option of oidc-provider's configuration: every model shares one store of at most
 * `capacity` records. Passing an adapter is what oidc-provider asks for instead of its development-only one.
 */
export const memoryAdapter = (capacity = 10_000): AdapterFactory => {
  const store = new BoundedStore(capacity);
  return (model: string) => new MemoryAdapter(model, store);
};
