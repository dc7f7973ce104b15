/**
 * The brute-force detection settings of a realm export, with Keycloak's defaults
 * (RealmManager.setupRealmDefaults): off, 30 failures, 60 s steps up to 15 min, 1 s quick-login check
 * with a 60 s wait, failures forgotten after 12 h, no permanent lockout.
 */
export interface BruteForceSettings {
  bruteForceProtected: boolean;
  permanentLockout: boolean;
  maxTemporaryLockouts: number;
  bruteForceStrategy: 'MULTIPLE' | 'LINEAR';
  failureFactor: number;
  waitIncrementSeconds: number;
  maxFailureWaitSeconds: number;
  quickLoginCheckMilliSeconds: number;
  minimumQuickLoginWaitSeconds: number;
  maxDeltaTimeSeconds: number;
}

export const KEYCLOAK_DEFAULTS: BruteForceSettings = {
  bruteForceProtected: false,
  permanentLockout: false,
  maxTemporaryLockouts: 0,
  bruteForceStrategy: 'MULTIPLE',
  failureFactor: 30,
  waitIncrementSeconds: 60,
  maxFailureWaitSeconds: 900,
  quickLoginCheckMilliSeconds: 1000,
  minimumQuickLoginWaitSeconds: 60,
  maxDeltaTimeSeconds: 12 * 60 * 60,
};

/** A realm export's settings, each absent one at Keycloak's default. */
export const bruteForceSettings = (realm: Partial<BruteForceSettings>): BruteForceSettings => {
  const given = Object.entries(realm).filter(([key, value]) => key in KEYCLOAK_DEFAULTS && value !== undefined);
  return { ...KEYCLOAK_DEFAULTS, ...(Object.fromEntries(given) as Partial<BruteForceSettings>) };
};

/** Keycloak's UserLoginFailureModel: one user's failures since they were last cleared. */
interface LoginFailures {
  numFailures: number;
  numTemporaryLockouts: number;
  /** Epoch ms of the last failure; 0 once cleared. */
  lastFailure: number;
  /** Epoch seconds before which the user may not sign in. */
  notBefore: number;
}

/**
 * Keycloak 26's brute-force detection (DefaultBruteForceProtector), per user id: a failed password
 * counts, a success clears the count, and a user is locked out for a while (or for good, with
 * permanentLockout) once the failures pass the realm's thresholds. Unknown usernames are not tracked.
 */
export class BruteForceProtector {
  private readonly failures = new Map<string, LoginFailures>();
  private readonly disabled = new Set<string>();

  constructor(readonly settings: BruteForceSettings) {
    if (settings.bruteForceProtected && !(settings.failureFactor >= 1))
      throw new Error('failureFactor must be at least 1');
  }

  /** Keycloak checks this before the password: a locked-out user is refused whatever password is given. */
  isLockedOut(userId: string, now = Date.now()): boolean {
    if (!this.settings.bruteForceProtected) return false;
    if (this.disabled.has(userId)) return true;
    const failures = this.failures.get(userId);
    return failures !== undefined && Math.floor(now / 1000) < failures.notBefore;
  }

  /** A wrong password for a known user (DefaultBruteForceProtector.failure). */
  failure(userId: string, now = Date.now()): void {
    if (!this.settings.bruteForceProtected) return;
    const s = this.settings;
    const permanentOnly = s.permanentLockout && s.maxTemporaryLockouts === 0;
    const failures = this.failures.get(userId) ?? {
      numFailures: 0,
      numTemporaryLockouts: 0,
      lastFailure: 0,
      notBefore: 0,
    };
    this.failures.set(userId, failures);
    const last = failures.lastFailure;
    const delta = last > 0 ? now - last : 0;
    failures.lastFailure = Math.max(last, now);
    // Failures further apart than maxDeltaTimeSeconds start the count again (this one included).
    if (!permanentOnly && delta > s.maxDeltaTimeSeconds * 1000)
      Object.assign(failures, { numFailures: 0, numTemporaryLockouts: 0, lastFailure: 0, notBefore: 0 });
    failures.numFailures += 1;

    let wait = permanentOnly ? 0 : this.temporaryWait(failures.numFailures);
    // Below the threshold, a failure within quickLoginCheckMilliSeconds of the last one is a script's.
    const quick = wait <= 0 && last > 0 && delta < s.quickLoginCheckMilliSeconds;
    if (quick) wait = s.minimumQuickLoginWaitSeconds;
    if (wait > 0) {
      if (!s.permanentLockout || s.maxTemporaryLockouts > 0) wait = Math.min(s.maxFailureWaitSeconds, wait);
      if (!quick) failures.numTemporaryLockouts += 1;
      if (quick || !s.permanentLockout || failures.numTemporaryLockouts <= s.maxTemporaryLockouts) {
        failures.notBefore = Math.max(failures.notBefore, Math.floor(now / 1000) + wait);
      }
    }
    if (
      s.permanentLockout &&
      (failures.numTemporaryLockouts > s.maxTemporaryLockouts ||
        (s.maxTemporaryLockouts === 0 && failures.numFailures >= s.failureFactor))
    ) {
      this.disabled.add(userId);
    }
  }

  /** A successful sign-in clears the user's failures (a permanent lockout stays: it disabled the user). */
  success(userId: string): void {
    this.failures.delete(userId);
  }

  /**
   * The temporary lockout a failure earns: MULTIPLE waits waitIncrement for each full failureFactor of
   * failures; LINEAR waits one more waitIncrement for each failure from the failureFactor-th on.
   */
  private temporaryWait(numFailures: number): number {
    const { bruteForceStrategy, waitIncrementSeconds, failureFactor } = this.settings;
    return bruteForceStrategy === 'MULTIPLE'
      ? waitIncrementSeconds * Math.floor(numFailures / failureFactor)
      : waitIncrementSeconds * (1 + numFailures - failureFactor);
  }
}
