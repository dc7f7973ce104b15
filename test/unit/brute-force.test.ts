import { BruteForceProtector, bruteForceSettings, type BruteForceSettings } from '../../local/issuer/brute-force';

// Keycloak 26's brute-force detection (DefaultBruteForceProtector.failure), on a clock of our own:
// `at(s)` is s seconds after an arbitrary start, in epoch ms as Keycloak's failure times are.

const START = 1_700_000_000_000;
const at = (seconds: number) => START + seconds * 1000;
const USER = 'user-1';

const protector = (settings: Partial<BruteForceSettings> = {}) =>
  new BruteForceProtector(
    bruteForceSettings({ bruteForceProtected: true, failureFactor: 5, waitIncrementSeconds: 60, ...settings }),
  );

/** Failures `gap` seconds apart (more than the 1 s quick-login check unless said otherwise), from `from`. */
const failures = (p: BruteForceProtector, count: number, { from = 0, gap = 2 } = {}) => {
  for (let i = 0; i < count; i++) p.failure(USER, at(from + i * gap));
  return from + (count - 1) * gap;
};

/** The first second (from `from`) at which the user may sign in again. */
const unlockedAt = (p: BruteForceProtector, from: number) => {
  let second = from;
  while (p.isLockedOut(USER, at(second))) second += 1;
  return second;
};

test("an absent setting takes Keycloak's default, and detection is off unless the realm turns it on", () => {
  const off = new BruteForceProtector(bruteForceSettings({}));
  for (let i = 0; i < 100; i++) off.failure(USER, at(i / 10));

  expect(bruteForceSettings({ failureFactor: 5 })).toMatchObject({
    bruteForceProtected: false,
    failureFactor: 5,
    waitIncrementSeconds: 60,
    maxFailureWaitSeconds: 900,
    quickLoginCheckMilliSeconds: 1000,
    minimumQuickLoginWaitSeconds: 60,
    maxDeltaTimeSeconds: 43_200,
    permanentLockout: false,
    bruteForceStrategy: 'MULTIPLE',
  });
  expect(off.isLockedOut(USER, at(10))).toBe(false);
});

test('failureFactor - 1 failures lock nothing; the failureFactor-th locks for waitIncrementSeconds', () => {
  const p = protector();

  const fourth = failures(p, 4);
  const lockedAfterFour = p.isLockedOut(USER, at(fourth));
  const fifth = failures(p, 1, { from: fourth + 2 });

  expect(lockedAfterFour).toBe(false);
  expect(unlockedAt(p, fifth)).toBe(fifth + 60);
});

/** The lockout each of `count` failures earns, each failure made as soon as the last lockout ended. */
const lockouts = (p: BruteForceProtector, count: number) => {
  const waits: number[] = [];
  let last = -2;
  for (let n = 1; n <= count; n++) {
    last = unlockedAt(p, last + 2);
    p.failure(USER, at(last));
    waits.push(unlockedAt(p, last) - last);
  }
  return waits;
};

test('MULTIPLE: each failure from then on locks again, for waitIncrement times the completed failureFactors, up to maxFailureWaitSeconds', () => {
  const p = protector({ maxFailureWaitSeconds: 150 });

  expect(lockouts(p, 15)).toEqual([0, 0, 0, 0, 60, 60, 60, 60, 60, 120, 120, 120, 120, 120, 150]);
});

test('LINEAR: one more waitIncrement for each failure from the failureFactor-th on', () => {
  const p = protector({ bruteForceStrategy: 'LINEAR' });

  expect(lockouts(p, 7)).toEqual([0, 0, 0, 0, 60, 120, 180]);
});

test('a failure within quickLoginCheckMilliSeconds of the last one locks for minimumQuickLoginWaitSeconds, below the threshold too', () => {
  const p = protector({ quickLoginCheckMilliSeconds: 1000, minimumQuickLoginWaitSeconds: 30 });

  p.failure(USER, at(0));
  p.failure(USER, at(0.5));

  expect(unlockedAt(p, 0.5)).toBe(30.5);
});

test('a success clears the failures', () => {
  const p = protector();

  const fourth = failures(p, 4);
  p.success(USER);
  const again = failures(p, 4, { from: fourth + 2 });

  expect(p.isLockedOut(USER, at(again))).toBe(false);
});

test('failures further apart than maxDeltaTimeSeconds start the count again', () => {
  const p = protector({ maxDeltaTimeSeconds: 600 });

  const fourth = failures(p, 4);
  const later = failures(p, 4, { from: fourth + 601 });

  expect(p.isLockedOut(USER, at(later))).toBe(false);
});

test('permanentLockout with no temporary lockouts disables the user at the failureFactor-th failure, for good', () => {
  const p = protector({ permanentLockout: true, maxTemporaryLockouts: 0 });

  const fifth = failures(p, 5);
  p.success(USER);

  expect(p.isLockedOut(USER, at(fifth + 365 * 24 * 3600))).toBe(true);
});

test('permanentLockout after maxTemporaryLockouts temporary ones', () => {
  const p = protector({ permanentLockout: true, maxTemporaryLockouts: 1 });

  const fifth = failures(p, 5);
  const firstUnlock = unlockedAt(p, fifth);
  p.failure(USER, at(firstUnlock));

  expect(firstUnlock).toBe(fifth + 60);
  expect(p.isLockedOut(USER, at(firstUnlock + 365 * 24 * 3600))).toBe(true);
});

test('users are counted apart', () => {
  const p = protector();

  const fifth = failures(p, 5);

  expect(p.isLockedOut(USER, at(fifth))).toBe(true);
  expect(p.isLockedOut('someone-else', at(fifth))).toBe(false);
});
