import { readFileSync } from 'node:fs';
import type { z } from 'zod/mini';
import {
  BookInput,
  CompensationInput,
  ContractViolation,
  OrderEvent,
  PayInput,
  Quote,
  ReserveInput,
  SagaInput,
} from '../../functions/shared/contracts';
import type { Circuit } from '../../functions/order/circuit-names';
import { CallInput } from '../../functions/order/participant-call';
import { type Order, orderIdFor } from '../../functions/order/domain';
import { outcomeOf, publishRequest } from '../../functions/order/order-events';
import { sagaInput } from '../../functions/order/ports';
import { quote, type Product } from '../../functions/warehouse/domain';
import type { AslState } from '../../local/stepfunctions/asl';
import { evaluateJsonata } from '../../local/stepfunctions/engine/jsonata';
import type { Json, Variables } from '../../local/stepfunctions/engine/types';
import { SAGA_DEFINITION_PATH } from '../../stacks/constructs/order-saga';

/** The contracts between services: what each producer emits parses where it is consumed. */
const AT = '2026-01-01T00:00:00.000Z';
const order: Order = {
  orderId: orderIdFor('user-1', 'key-1'),
  userId: 'user-1',
  status: 'PENDING',
  items: [{ sku: 'TEA-01', quantity: 2, unitPrice: 450 }],
  total: 900,
  currency: 'USD',
  delivery: { slotId: '2099-01-01-am', address: '1 Tea Street' },
  history: [{ status: 'PENDING', at: AT }],
  createdAt: AT,
  updatedAt: AT,
};

describe('quote', () => {
  const catalogue = new Map<string, Product>([
    ['TEA-01', { sku: 'TEA-01', name: 'Tea', price: 450, currency: 'USD', stock: 5 }],
  ]);

  test("Warehouse's priced basket and its unknown skus both keep the contract", () => {
    expect(Quote.safeParse(quote([{ sku: 'TEA-01', quantity: 2 }], catalogue)).success).toBe(true);
    expect(Quote.safeParse(quote([{ sku: 'NOPE-01', quantity: 1 }], catalogue)).success).toBe(true);
  });

  test('a quote without its currency, or with a fractional price, breaks it', () => {
    expect(
      Quote.safeParse({ ok: true, lines: [{ sku: 'TEA-01', quantity: 1, unitPrice: 450 }], total: 450 }).success,
    ).toBe(false);
    expect(
      Quote.safeParse({
        ok: true,
        lines: [{ sku: 'TEA-01', quantity: 1, unitPrice: 4.5 }],
        total: 4.5,
        currency: 'USD',
      }).success,
    ).toBe(false);
  });
});

describe('saga input', () => {
  test("an order's saga input keeps the contract and carries nothing else", () => {
    expect(sagaInput(order)).toEqual({
      orderId: order.orderId,
      userId: order.userId,
      items: order.items,
      total: 900,
      currency: 'USD',
      delivery: order.delivery,
    });
  });

  test('a malformed order is stopped before its saga starts, naming the field', () => {
    expect(() => sagaInput({ ...order, delivery: { slotId: 'Not A Slot', address: 'x' } })).toThrow(ContractViolation);
    expect(() => sagaInput({ ...order, items: [] })).toThrow('items');
  });
});

/** The saga's Task arguments, evaluated as the engine evaluates them (JSONata, with the variables a failure assigns). */
const resolve = (template: unknown, input: unknown, variables: Variables): Promise<unknown> =>
  evaluateJsonata(template as Json, { states: { input: input as Json, context: {} }, variables }, 'Arguments');

/** The arguments these tests read of the saga's Task states: the Lambda and SNS integrations'. */
interface SagaState extends AslState {
  Arguments?: {
    FunctionName?: string;
    Payload?: unknown;
    Message?: unknown;
    MessageAttributes?: { status: { StringValue: string } };
  };
}

describe('the state machine between the contracts', () => {
  const states = Object.entries(
    (JSON.parse(readFileSync(SAGA_DEFINITION_PATH, 'utf8')) as { States: Record<string, SagaState> }).States,
  );
  const input = SagaInput.parse(sagaInput(order));
  // What a Catch assigns when reserving fails, as the compensations and the notification read it.
  const afterFailure: Variables = {
    reason: 'OUT_OF_STOCK',
    undoFrom: 'RefundPayment',
    error: 'OutOfStock',
    cause: '{}',
    compensations: {},
  };
  // Pay, reserve and book go through the circuit-breaking step, which hands `input` to the circuit's function.
  const CALL_PARTICIPANT = '${OrderCallParticipantFunctionArn}';
  const circuitInputs: Record<Circuit, z.ZodMiniType> = {
    BillingPay: PayInput,
    WarehouseReserve: ReserveInput,
    DeliveryBook: BookInput,
  };
  const stepInputs: Record<string, z.ZodMiniType> = {
    [CALL_PARTICIPANT]: CallInput,
    '${BillingRefundFunctionArn}': CompensationInput,
    '${WarehouseReleaseFunctionArn}': CompensationInput,
    '${DeliveryCancelFunctionArn}': CompensationInput,
  };

  test("each service's step gets, from the saga input, an input it accepts", async () => {
    const steps = states.filter(([, state]) => stepInputs[state.Arguments?.FunctionName ?? '']);
    expect(steps).toHaveLength(6);
    for (const [name, state] of steps) {
      const { FunctionName = '', Payload } = state.Arguments ?? {};
      const payload = await resolve(Payload, input, afterFailure);
      expect({ name, ...stepInputs[FunctionName]!.safeParse(payload) }).toMatchObject({ name, success: true });
      if (FunctionName !== CALL_PARTICIPANT) continue;
      const { circuit, input: participantInput } = CallInput.parse(payload);
      expect({ name, ...circuitInputs[circuit].safeParse(participantInput) }).toMatchObject({ name, success: true });
    }
    expect(steps.filter(([, state]) => state.Arguments?.FunctionName === CALL_PARTICIPANT).map(([n]) => n)).toEqual([
      'ProcessPayment',
      'ReserveItems',
      'BookDelivery',
    ]);
  });

  test('each Notify state publishes an order event the notification service accepts', async () => {
    const notifies = states.filter(([, state]) => state.Resource === 'arn:aws:states:::sns:publish');
    // COMPENSATION_FAILED is published by order/on-saga-failed (the rule on the saga's failed executions): see below.
    expect(notifies.map(([name]) => name).sort()).toEqual(['NotifyCancelled', 'NotifyCompleted']);
    for (const [name, state] of notifies) {
      const message = OrderEvent.safeParse(await resolve(state.Arguments?.Message, input, afterFailure));
      expect({ name, success: message.success }).toEqual({ name, success: true });
      expect(message.data?.status).toBe(state.Arguments?.MessageAttributes?.status.StringValue);
    }
    expect(
      OrderEvent.parse(
        await resolve(states.find(([name]) => name === 'NotifyCancelled')![1].Arguments?.Message, input, afterFailure),
      ),
    ).toMatchObject({
      reason: 'OUT_OF_STOCK',
    });
  });

  test('the saga-failure rule publishes each outcome as the Notify states do: an order event with its status attribute', () => {
    const ended = (status: Order['status'], failureReason?: Order['failureReason']): Order => ({
      ...order,
      status,
      ...(failureReason && { failureReason }),
    });
    for (const settled of [
      ended('COMPENSATION_FAILED', 'COMPENSATION_FAILED'),
      ended('CANCELLED', 'OUT_OF_STOCK'),
      ended('COMPLETED'),
    ]) {
      const request = publishRequest('arn:aws:sns:us-east-1:000000000000:order-events', outcomeOf(settled));
      const message = OrderEvent.parse(JSON.parse(request.Message));
      expect(message).toEqual({
        orderId: order.orderId,
        userId: order.userId,
        status: settled.status,
        ...(settled.status === 'CANCELLED' && { reason: 'OUT_OF_STOCK' }),
      });
      expect(request.MessageAttributes.status.StringValue).toBe(settled.status);
    }
    expect(() => outcomeOf(ended('ITEMS_RESERVED'))).toThrow(/breaks its contract/);
  });
});
