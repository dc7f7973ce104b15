import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { CircuitTransition } from './circuit';

/** A circuit's change of state on EventBridge's default bus: for a rule to page someone, or to audit. */
export const CIRCUIT_EVENT = { source: 'serverless-shop.order', detailType: 'Circuit State Change' } as const;

export type Announce = (transition: CircuitTransition) => Promise<void>;

/** Puts each transition on the default bus; the participant's function is the event's resource. */
export const eventBridgeAnnouncer =
  (client: EventBridgeClient, functions: Record<string, string>): Announce =>
  async (transition) => {
    const { FailedEntryCount, Entries } = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: CIRCUIT_EVENT.source,
            DetailType: CIRCUIT_EVENT.detailType,
            Detail: JSON.stringify({ ...transition, at: new Date(transition.at).toISOString() }),
            Resources: functions[transition.circuit] ? [functions[transition.circuit]!] : [],
          },
        ],
      }),
    );
    if (FailedEntryCount)
      throw new Error(`EventBridge refused the event: ${Entries?.[0]?.ErrorMessage ?? 'no reason'}`);
  };
