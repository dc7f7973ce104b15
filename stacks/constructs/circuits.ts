import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CIRCUITS, type Circuit } from '../../functions/order/circuit-names';
import { serviceTable } from './service-table';
import { ShopFunction } from './shop-function';

export interface ParticipantCircuitsProps {
  /** The function behind each circuit. */
  participants: Record<Circuit, IFunction>;
  /** N, T, K and the rest (`CIRCUIT_*` variables; functions/order/circuit-settings.ts); the defaults otherwise. */
  settings?: Record<string, string>;
}

/**
 * The saga's circuit breakers: a table of circuit states, and the step that calls a participant's
 * action through its circuit (the saga's Task states for pay, reserve and book invoke it).
 */
export class ParticipantCircuits extends Construct {
  readonly table: Table;
  readonly callParticipant: ShopFunction;

  constructor(scope: Construct, id: string, props: ParticipantCircuitsProps) {
    super(scope, id);
    this.table = serviceTable(this, 'Table');
    this.callParticipant = new ShopFunction(this, 'CallParticipant', {
      service: 'order',
      handler: 'call-participant',
      description: "Saga: a participant's action (pay, reserve, book) through its circuit breaker",
      // The participant's own timeout (6 s) and the circuit's reads and writes.
      timeout: Duration.seconds(9),
      environment: {
        ...Object.fromEntries(
          Object.entries(CIRCUITS).map(([circuit, variable]) => [
            variable,
            props.participants[circuit as Circuit].functionArn,
          ]),
        ),
        ...props.settings,
      },
    }).bindTable(this.table, 'CIRCUIT_TABLE', 'readWrite');
    for (const participant of Object.values(props.participants)) participant.grantInvoke(this.callParticipant);
    // Each transition is an event on the default bus (functions/order/circuit-events.ts).
    EventBus.fromEventBusName(this, 'DefaultBus', 'default').grantPutEventsTo(this.callParticipant);
  }
}
