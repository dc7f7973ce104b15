import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useHash } from '../shared/hash';

/** The current hash route (`#/orders/abc` → `/orders/abc`), updated as it changes. */
export const useRoute = (): string => useHash() || '/';

export const navigate = (route: string): void => {
  location.hash = `#${route}`;
};

export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload: () => void;
  /** Shows `data` at once, as an answer that returned the new state (a deposit returns the account). */
  replace: (data: T) => void;
}

/**
 * Loads `load()` now, again whenever `deps` change, and every `everyMs` while mounted (when given)
 * as long as `keepPolling(data)` says so. A failed load keeps the last data and says why.
 */
export const useLoad = <T>(
  load: () => Promise<T>,
  deps: unknown[],
  options: { everyMs?: number; keepPolling?: (data: T) => boolean } = {},
): Loaded<T> => {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      let data: T | undefined;
      try {
        data = await loadRef.current();
        if (live) setState({ data, loading: false });
      } catch (error) {
        if (live) setState((s) => ({ ...s, error: (error as Error).message, loading: false }));
      }
      const again = options.everyMs !== undefined && (data === undefined || (options.keepPolling?.(data) ?? true));
      if (live && again) timer = setTimeout(() => void run(), options.everyMs);
    };
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  const replace = useCallback((data: T) => setState({ data, loading: false }), []);
  return { ...state, reload, replace };
};

export interface Paged<T> {
  items: T[];
  more: boolean;
  error?: string;
  loading: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * A list read a page at a time (`?limit=&nextToken=`): the first page now and on reload, the next
 * ones on demand, and the first page again every `everyMs` while `keepPolling(items)` says so.
 */
export const usePaged = <T>(
  load: (next?: string) => Promise<{ items: T[]; next?: string }>,
  deps: unknown[],
  options: { everyMs?: number; keepPolling?: (items: T[]) => boolean } = {},
): Paged<T> => {
  const first = useLoad(() => load(), deps, {
    everyMs: options.everyMs,
    keepPolling: (page) => options.keepPolling?.(page.items) ?? false,
  });
  const [later, setLater] = useState<{ items: T[]; next?: string; error?: string; loading: boolean }>({
    items: [],
    loading: false,
  });
  useEffect(() => setLater({ items: [], loading: false }), deps);
  const next = later.items.length > 0 ? later.next : first.data?.next;
  const loadMore = () => {
    if (!next || later.loading) return;
    setLater((s) => ({ ...s, loading: true }));
    load(next).then(
      (page) => setLater((s) => ({ items: [...s.items, ...page.items], next: page.next, loading: false })),
      (error: Error) => setLater((s) => ({ ...s, error: error.message, loading: false })),
    );
  };
  const reload = () => {
    setLater({ items: [], loading: false });
    first.reload();
  };
  return {
    items: [...(first.data?.items ?? []), ...later.items],
    more: Boolean(next),
    error: first.error ?? later.error,
    loading: first.loading || later.loading,
    loadMore,
    reload,
  };
};
