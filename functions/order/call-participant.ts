import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { CircuitBreaker } from './circuit';
import { type Circuit, CIRCUITS } from './circuit-names';
import { eventBridgeAnnouncer } from './circuit-events';
import { circuitHooks, circuitSettings, stateMetric } from './circuit-settings';
import { DynamoCircuitStore } from './circuit-store';
import { lambdaInvoker, makeCallParticipant } from './participant-call';

const functions = Object.fromEntries(
  Object.entries(CIRCUITS).map(([circuit, variable]) => [circuit, env(variable)]),
) as Record<Circuit, string>;
const breaker = new CircuitBreaker(
  new DynamoCircuitStore(documentClient, env('CIRCUIT_TABLE')),
  circuitSettings(process.env),
  // An announcement is tried twice at most, briefly: the call it follows waits for it (SETTLE_MARGIN_MS
  // covers both). The second try is for a transient failure, such as a kept-alive connection the far end
  // closed as it was reused (ECONNRESET), which one try alone would turn into a lost announcement.
  circuitHooks(
    eventBridgeAnnouncer(
      new EventBridgeClient({ maxAttempts: 2, requestHandler: { requestTimeout: 1000 } }),
      functions,
    ),
  ),
);

/** Saga step: a participant's action (pay, reserve, book) through its circuit. */
export const handler = makeCallParticipant(
  breaker,
  lambdaInvoker(new LambdaClient({ maxAttempts: 1 })),
  functions,
  stateMetric,
);
