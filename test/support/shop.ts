import { randomUUID } from 'node:crypto';
import { documentClient } from '../../functions/shared/clients';
import { parseContract, Quote } from '../../functions/shared/contracts';
import type { OrderLine } from '../../functions/shared/schemas';
import { handler as pay } from '../../functions/billing/pay';
import { handler as refund } from '../../functions/billing/refund';
import { DynamoBillingStore } from '../../functions/billing/store';
import { handler as book } from '../../functions/delivery/book';
import { handler as cancel } from '../../functions/delivery/cancel';
import { DynamoDeliveryStore } from '../../functions/delivery/store';
import { handler as onOrderEvent } from '../../functions/notification/on-order-event';
import { DynamoNotificationStore } from '../../functions/notification/store';
import type { Order } from '../../functions/order/domain';
import { type Catalogue, type SagaStarter, sagaInput } from '../../functions/order/ports';
import { DynamoOrderStore } from '../../functions/order/store';
import { handler as beginCompensation } from '../../functions/order/begin-compensation';
import { handler as updateStatus } from '../../functions/order/update-status';
import { handler as quote } from '../../functions/warehouse/quote';
import { handler as release } from '../../functions/warehouse/release';
import { handler as reserve } from '../../functions/warehouse/reserve';
import { DynamoWarehouseStore } from '../../functions/warehouse/store';
import type { Context } from 'aws-lambda';
import { fakeContext } from './lambda';
import type { FaultRuleInput } from '../../local/chaos/faults';
import { SagaHarness, type SagaBindings, type SagaRun } from './saga-runner';
import type { SnsService } from '../../local/sns/service';
import { publishRequest } from '../../functions/order/order-events';
import { makeSagaFailedHandler } from '../../functions/order/saga-failed-service';

/** The real stores, on this test file's tables, with the client the handlers use. */
export const stores = () => ({
  billing: new DynamoBillingStore(documentClient, process.env.BILLING_TABLE!),
  warehouse: new DynamoWarehouseStore(documentClient, process.env.WAREHOUSE_TABLE!),
  delivery: new DynamoDeliveryStore(documentClient, process.env.DELIVERY_TABLE!),
  orders: new DynamoOrderStore(documentClient, process.env.ORDERS_TABLE!),
  notifications: new DynamoNotificationStore(documentClient, process.env.NOTIFICATIONS_TABLE!),
});

/** The saga's tasks bound to the real handlers, as the stack binds them. */
export const sagaBindings: SagaBindings = {
  functions: {
    BillingPayFunctionArn: pay,
    BillingRefundFunctionArn: refund,
    WarehouseReserveFunctionArn: reserve,
    WarehouseReleaseFunctionArn: release,
    DeliveryBookFunctionArn: book,
    DeliveryCancelFunctionArn: cancel,
    OrderUpdateStatusFunctionArn: updateStatus,
    OrderBeginCompensationFunctionArn: beginCompensation,
  },
  subscribers: (sns) => ({
    NotificationOnOrderEvent: onOrderEvent,
    // The rule on the saga's FAILED, TIMED_OUT and ABORTED executions, publishing to the run's own SNS.
    SagaFailuresFunction: makeSagaFailedHandler({
      store: new DynamoOrderStore(documentClient, process.env.ORDERS_TABLE!),
      events: { publish: (event) => sns.publish(publishRequest(orderEventsTopic(sns), event)).then(() => undefined) },
    }),
  }),
};

const orderEventsTopic = (sns: SnsService) => [...sns.topics.keys()].find((arn) => arn.endsWith('-order-events'))!;

/** The saga-failure rule's target, bound as the saga's own (its notifications reach the real subscriber), for an event delivered again. */
export const sagaFailedHandler = () => {
  const harness = new SagaHarness(sagaBindings);
  return (event: unknown, _context: Context) => harness.deliver('SagaFailuresFunction', event);
};

/** The Warehouse quote handler, called in-process instead of through Lambda Invoke. */
export class InProcessCatalogue implements Catalogue {
  async quote(items: readonly OrderLine[]): Promise<Quote> {
    return parseContract('quote', Quote, await quote({ items }, fakeContext('quote')));
  }
}

/**
 * Starts the real ASL in-process; like StartExecution, a second start for the same order starts
 * nothing. `redrive` clears the faults (the fault is gone) and redrives the order's execution.
 */
export class InProcessSaga implements SagaStarter {
  readonly runs = new Map<string, Promise<SagaRun>>();
  private readonly harnesses = new Map<string, SagaHarness>();
  constructor(private readonly faults: FaultRuleInput[] = []) {}

  start(order: Order): Promise<void> {
    if (!this.runs.has(order.orderId)) {
      const harness = new SagaHarness(sagaBindings, this.faults);
      this.harnesses.set(order.orderId, harness);
      this.runs.set(order.orderId, harness.start(sagaInput(order)));
    }
    return Promise.resolve();
  }

  stop(orderId: string): void {
    this.harnesses.get(orderId)!.stop();
  }

  async redrive(orderId: string): Promise<SagaRun> {
    const harness = this.harnesses.get(orderId);
    if (!harness) throw new Error(`No saga was started for ${orderId}`);
    await this.run(orderId);
    harness.chaos.remove([]);
    return harness.redrive();
  }

  run(orderId: string): Promise<SagaRun> {
    const run = this.runs.get(orderId);
    if (!run) throw new Error(`No saga was started for ${orderId}`);
    return run;
  }
}

export const uniqueUser = (name: string) => `${name}-${randomUUID()}`;
export const uniqueSku = () => `SKU-${randomUUID().slice(0, 8).toUpperCase()}`;
export const uniqueSlot = () => `slot-${randomUUID().slice(0, 8)}`;
