import type { ExecutionEnvironment } from '../../local/lambda/environment';
import { InitClock } from '../../local/lambda/init-clock';

// Lambda's init limit on a shared machine: each initializing environment is credited its share of the
// cores, so a burst of cold starts is not timed out for waiting on one another.

/** An environment whose function finishes loading `loadMs` from now, as ExecutionEnvironment.initialized tells it. */
const loadingFor = (loadMs: number): ExecutionEnvironment => {
  const ready = new Promise<void>((resolve) => setTimeout(resolve, loadMs));
  return {
    initialized: (ms: number) =>
      Promise.race([ready.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]),
  } as unknown as ExecutionEnvironment;
};

test('an init alone on a core times out once it has taken the limit', async () => {
  const clock = new InitClock(1);
  await expect(clock.within(loadingFor(900), 300)).resolves.toBe(false);
});

test('an init that finishes within the limit is in time', async () => {
  const clock = new InitClock(1);
  await expect(clock.within(loadingFor(50), 300)).resolves.toBe(true);
});

test('four inits sharing one core are each credited a quarter of the time they wait', async () => {
  const clock = new InitClock(1);
  // 600 ms each, four at once on one core: 150 ms of credited time each, within a 300 ms limit.
  const results = await Promise.all([1, 2, 3, 4].map(() => clock.within(loadingFor(600), 300)));
  expect(results).toEqual([true, true, true, true]);
});
