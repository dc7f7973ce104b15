import type { Invoker } from '../../local/lambda/async';

/** An invoker that records each call, and fails the events `fail` picks (as a function that threw `Boom`). */
export const recorder = (fail: (event: unknown) => boolean = () => false) => {
  const calls: { arn: string; event: unknown }[] = [];
  const invoke: Invoker = (arn, event) => {
    calls.push({ arn, event });
    return Promise.resolve(
      fail(event) ? { functionError: 'Unhandled', payload: { errorType: 'Boom' } } : { payload: null },
    );
  };
  return { calls, invoke };
};
