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
import { fakeContext } from './lambda';
import type { FaultRuleInput } from '../../local/chaos/faults';
import { runSaga, type SagaBindings, type SagaRun } from './saga-runner';

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
  subscribers: { NotificationOnOrderEvent: onOrderEvent },
};

/** The Warehouse quote handler, called in-process instead of through Lambda Invoke. */
export class InProcessCatalogue implements Catalogue {
  async quote(items: readonly OrderLine[]): Promise<Quote> {
    return parseContract('quote', Quote, await quote({ items }, fakeContext('quote')));
  }
}

/** Starts the real ASL in-process; like StartExecution, a second start for the same order starts nothing. */
export class InProcessSaga implements SagaStarter {
  readonly runs = new Map<string, Promise<SagaRun>>();
  constructor(private readonly faults: FaultRuleInput[] = []) {}

  start(order: Order): Promise<void> {
    if (!this.runs.has(order.orderId)) this.runs.set(order.orderId, runSaga(sagaInput(order), sagaBindings, this.faults));
    return Promise.resolve();
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
