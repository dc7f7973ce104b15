/** The execution (or a branch or iteration of it) was stopped: nothing more is recorded for it. */
export class Aborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'Aborted';
  }
}

/** Rejects with Aborted as soon as the signal aborts; otherwise settles as the promise does. */
export const abortable = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> => {
  if (signal.aborted) return Promise.reject(new Aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error as Error)),
    );
  });
};

/** Waits `ms` (none when it is not positive), or until the signal aborts. */
export const delay = (ms: number, signal: AbortSignal): Promise<void> => {
  if (signal.aborted) return Promise.reject(new Aborted());
  if (!(ms > 0)) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  return abortable(
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.min(ms, 2_147_483_647));
    }),
    signal,
  ).finally(() => clearTimeout(timer));
};

/** A signal that aborts with its parent, or on its own (a failed branch stopping its siblings). */
export const childSignal = (parent: AbortSignal): AbortController => {
  const controller = new AbortController();
  if (parent.aborted) controller.abort();
  else parent.addEventListener('abort', () => controller.abort(), { once: true });
  return controller;
};
