import { type CircuitHooks, type CircuitSettings, type CircuitState, DEFAULT_CIRCUIT_SETTINGS } from './circuit';
import { logger, metrics, MetricUnit } from '#shared/observability';
import type { Announce } from './circuit-events';

// The breaker's settings from the function's environment, and what it tells the world: a metric and a
// log line at each transition, when it refuses a call, and when it cannot reach its store.

const VARIABLES: Record<keyof CircuitSettings, { name: string; scale: number; min: number; max: number }> = {
  failureThreshold: { name: 'CIRCUIT_FAILURE_THRESHOLD', scale: 1, min: 1, max: 100 },
  openMs: { name: 'CIRCUIT_OPEN_SECONDS', scale: 1000, min: 1, max: 3600 },
  probeSuccesses: { name: 'CIRCUIT_PROBE_SUCCESSES', scale: 1, min: 1, max: 100 },
  cacheMs: { name: 'CIRCUIT_CACHE_MS', scale: 1, min: 0, max: 60_000 },
  probeLeaseMs: { name: 'CIRCUIT_PROBE_LEASE_SECONDS', scale: 1000, min: 1, max: 900 },
};

/** The settings the environment gives (whole numbers in range), the defaults for the others. */
export const circuitSettings = (environment: Record<string, string | undefined>): CircuitSettings => {
  const settings = { ...DEFAULT_CIRCUIT_SETTINGS };
  for (const [key, { name, scale, min, max }] of Object.entries(VARIABLES) as [
    keyof CircuitSettings,
    (typeof VARIABLES)[keyof CircuitSettings],
  ][]) {
    const raw = environment[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${raw}`);
    settings[key] = value * scale;
  }
  return settings;
};

/** The state as a number for the dashboard's line and the alarm: 0 closed, 1 half-open, 2 open. */
export const STATE_VALUE: Record<CircuitState, number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

export const stateMetric = (circuit: string, state: CircuitState) => {
  const single = metrics.singleMetric();
  single.addDimension('Circuit', circuit);
  single.addMetric('CircuitState', MetricUnit.Count, STATE_VALUE[state]);
};

const countFor = (name: string, circuit: string) => {
  const single = metrics.singleMetric();
  single.addDimension('Circuit', circuit);
  single.addMetric(name, MetricUnit.Count, 1);
};

/** What the breaker tells: each transition is also announced (an EventBridge event); a failed announcement is logged. */
export const circuitHooks = (announce: Announce): CircuitHooks => ({
  onTransition: async (transition) => {
    logger.warn('Circuit state changed', { ...transition });
    stateMetric(transition.circuit, transition.to);
    countFor('CircuitTransitions', transition.circuit);
    await announce(transition).catch((error: unknown) =>
      logger.error('Circuit state change not announced', { circuit: transition.circuit, error: error as Error }),
    );
  },
  onRejected: (circuit) => {
    logger.info('Call refused: the circuit is open', { circuit });
    countFor('CircuitRejected', circuit);
  },
  onProbe: (circuit) => {
    logger.info('Circuit probe: this call tests whether the participant is back', { circuit });
    countFor('CircuitProbes', circuit);
  },
  onStoreUnavailable: (circuit, error) => {
    logger.error('Circuit store unavailable: the call goes through (fail open)', { circuit, error: error as Error });
    countFor('CircuitStoreUnavailable', circuit);
  },
});
