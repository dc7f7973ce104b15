import type { LogHub } from '../logs/hub';
import { Chaos } from './faults';

/** The local cloud's own faults: each one logged, and counted as `LocalCloud/FaultsInjected`. */
export const chaosOf = (log: (message: string) => void, logs: LogHub) =>
  new Chaos((rule, call) => {
    log(
      `chaos: ${rule.effect}${rule.error ? ` ${rule.error.code}` : ''} injected into ${call.service} ${call.functionNames?.[2] ?? call.operation} (rule ${rule.id.slice(0, 8)}, ${rule.injected} so far)`,
    );
    logs.metric({
      function: 'local',
      timestamp: Date.now(),
      namespace: 'LocalCloud',
      dimensions: { Service: call.service, Effect: rule.effect },
      values: { FaultsInjected: 1 },
    });
  });
