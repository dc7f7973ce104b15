import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useHash } from '../shared/hash';

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads with `load` when `deps` change, then again every `intervalMs` while `live` (the page is kept
 * fresh without a reload). A slow answer never overwrites a newer one.
 */
export const usePolling = <T>(
  load: () => Promise<T>,
  deps: unknown[],
  options: { intervalMs?: number; live?: boolean } = {},
): Loaded<T> => {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const sequence = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(() => {
    const mine = ++sequence.current;
    loadRef.current().then(
      (data) => mine === sequence.current && setState({ data, loading: false }),
      (error: unknown) =>
        mine === sequence.current && setState((before) => ({ data: before.data, error, loading: false })),
    );
  }, []);
  useEffect(() => {
    setState({ loading: true });
    run();
  }, deps);
  const { intervalMs, live = true } = options;
  useEffect(() => {
    if (!intervalMs || !live) return undefined;
    const timer = setInterval(run, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, live, run, ...deps]);
  return { ...state, reload: run };
};

/** The hash route: `#/executions/<arn>` → ['executions', '<arn>']. */
export const useRoute = (): string[] => {
  const hash = useHash();
  return useMemo(() => hash.replace(/^\//, '').split('/').filter(Boolean).map(decodeURIComponent), [hash]);
};

export const href = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join('/')}`;
