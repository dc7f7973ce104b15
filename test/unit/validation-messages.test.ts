import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import fixture from '../events/create-order.json';
import {
  BookInput,
  CompensationInput,
  ContractViolation,
  OrderEvent,
  parseContract,
  PayInput,
  Quote,
  QuoteRequest,
  ReserveInput,
  SagaInput,
} from '../../functions/shared/contracts';
import { parseTask } from '../../functions/shared/schemas';
import { fakeContext } from '../support/lambda';

/**
 * The words of a refusal: what a 400's message and a refused saga step or contract say, field by
 * field, in zod's English as the API has always answered. The functions use zod/mini, which has no
 * messages until a locale is configured (functions/shared/zod.ts does it): nothing in this file
 * loads classic zod, which would configure English by itself and hide a missing configuration.
 */

type Handler = (event: unknown, context: ReturnType<typeof fakeContext>) => Promise<unknown>;

// The handlers read their tables' names at load; a refused body never reaches a table.
Object.assign(process.env, {
  BILLING_TABLE: 'billing-unused',
  WAREHOUSE_TABLE: 'warehouse-unused',
  ORDERS_TABLE: 'orders-unused',
  IDEMPOTENCY_TABLE: 'idempotency-unused',
  QUOTE_FUNCTION_NAME: 'quote-unused',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:unused',
});

const handlers: Record<string, Handler> = {};
beforeAll(() => {
  // Loaded only now, after the environment above (jest.requireActual is Jest's typed require; nothing is mocked).
  const load = (path: string) => jest.requireActual<{ handler: Handler }>(path).handler;
  handlers.deposit = load('../../functions/billing/deposit');
  handlers.putProduct = load('../../functions/warehouse/put-product');
  handlers.createOrder = load('../../functions/order/create-order');
  handlers.updateStatus = load('../../functions/order/update-status');
  handlers.reconcile = load('../../functions/order/reconcile');
});

/** A request as API Gateway passes it after the authorizer: an admin, so that every route lets them through. */
const request = (body: unknown, pathParameters: Record<string, string> | null = null): APIGatewayProxyEvent => {
  const event = structuredClone(fixture) as unknown as APIGatewayProxyEvent;
  event.headers = { 'Content-Type': 'application/json', 'Idempotency-Key': 'validation-messages' };
  event.pathParameters = pathParameters;
  event.requestContext.authorizer = {
    sub: 'user-1',
    username: 'admin',
    roles: 'customer,admin',
    exp: Math.floor(Date.now() / 1000) + 300,
  };
  event.body = typeof body === 'string' ? body : JSON.stringify(body);
  return event;
};

/** The 400 a handler answers to `body`. */
const refusal = async (name: string, body: unknown, pathParameters?: Record<string, string>) => {
  const response = (await handlers[name]!(request(body, pathParameters), fakeContext(name))) as APIGatewayProxyResult;
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as unknown };
};

const line = { sku: 'TEA-01', quantity: 1 };
const delivery = { slotId: '2099-01-01-am', address: '1 Tea Street' };
const ORDER_ID = '0123abcd-0000-8000-8000-000000000000';

describe('POST /billing/account/deposit', () => {
  test.each([
    [{ amount: 1.5 }, 'amount: amount must be a whole number of cents'],
    [{ amount: 0 }, 'amount: amount must be positive'],
    [{ amount: '10' }, 'amount: Invalid input: expected number, received string'],
    [{ amount: 100_000_001 }, 'amount: Too big: expected number to be <=100000000'],
    [{}, 'amount: Invalid input: expected number, received undefined'],
    [[], 'body: Invalid input: expected object, received array'],
    ['', 'body: Invalid input: expected object, received undefined'],
  ])('%j answers 400: %s', async (body, message) => {
    expect(await refusal('deposit', body)).toEqual({ statusCode: 400, body: { error: 'VALIDATION_FAILED', message } });
  });
});

describe('PUT /products/{sku}', () => {
  test.each([
    [{ stock: -1 }, 'stock: Too small: expected number to be >=0'],
    [{ stock: 1.5 }, 'stock: stock must be a whole number'],
    [{ stock: 1_000_001 }, 'stock: Too big: expected number to be <=1000000'],
    [{ name: '   ', stock: 1 }, 'name: Too small: expected string to have >=1 characters'],
    [{ name: 'x'.repeat(121), stock: 1 }, 'name: Too big: expected string to have <=120 characters'],
    [{ price: 0, stock: 1 }, 'price: must be positive'],
    [{ price: 4.5, stock: 1 }, 'price: must be a whole number of cents'],
    [{ name: 'Tea' }, 'stock: Invalid input: expected number, received undefined'],
  ])('%j answers 400: %s', async (body, message) => {
    expect(await refusal('putProduct', body, { sku: 'TEA-01' })).toEqual({
      statusCode: 400,
      body: { error: 'VALIDATION_FAILED', message },
    });
  });
});

describe('POST /orders', () => {
  test.each([
    [
      { items: [{ sku: 'TEA-01', quantity: 1001 }], delivery },
      'items.0.quantity: Too big: expected number to be <=1000',
    ],
    [{ items: [{ sku: 'TEA-01', quantity: 0 }], delivery }, 'items.0.quantity: Too small: expected number to be >=1'],
    [{ items: [{ sku: 'TEA-01', quantity: 1.5 }], delivery }, 'items.0.quantity: must be a whole number'],
    [{ items: [], delivery }, 'items: an order needs at least one item'],
    [{ items: Array.from({ length: 21 }, () => line), delivery }, 'items: an order holds at most 20 lines'],
    [{ items: [{ sku: 'tea', quantity: 1 }], delivery }, 'items.0.sku: must be 1-40 characters of A-Z, 0-9 and -'],
    [
      { items: [line], delivery: { ...delivery, address: '  ' } },
      'delivery.address: Too small: expected string to have >=1 characters',
    ],
    [
      { items: [line], delivery: { ...delivery, address: 'x'.repeat(301) } },
      'delivery.address: Too big: expected string to have <=300 characters',
    ],
    [{ items: [line], delivery: { ...delivery, slotId: 'Slot 1' } }, 'delivery.slotId: must be a slot id'],
    [{ items: [line] }, 'delivery: Invalid input: expected object, received undefined'],
  ])('%j answers 400: %s', async (body, message) => {
    expect(await refusal('createOrder', body)).toEqual({
      statusCode: 400,
      body: { error: 'VALIDATION_FAILED', message },
    });
  });

  test('a body wrong in many places names the first five problems', async () => {
    const body = {
      items: [
        { sku: 'a', quantity: 0 },
        { sku: 'b', quantity: 1.5 },
        { sku: 'c', quantity: 'x' },
      ],
      delivery: { slotId: 'X', address: '' },
    };

    const { body: answer } = await refusal('createOrder', body);

    expect(answer).toEqual({
      error: 'VALIDATION_FAILED',
      message:
        'items.0.sku: must be 1-40 characters of A-Z, 0-9 and -; items.0.quantity: Too small: expected number to be >=1; ' +
        'items.1.sku: must be 1-40 characters of A-Z, 0-9 and -; items.1.quantity: must be a whole number; ' +
        'items.2.sku: must be 1-40 characters of A-Z, 0-9 and -',
    });
  });
});

describe('saga steps', () => {
  test.each([
    ['pay', PayInput, { orderId: ORDER_ID, userId: 'u', amount: 0 }, 'Invalid task input: amount: must be positive'],
    [
      'reserve',
      ReserveInput,
      { orderId: 'nope', items: [] },
      'Invalid task input: orderId: must be an order id; items: Too small: expected array to have >=1 items',
    ],
    [
      'book',
      BookInput,
      { orderId: ORDER_ID, slotId: '2099-01-01-am' },
      'Invalid task input: address: Invalid input: expected string, received undefined',
    ],
    [
      'a compensation',
      CompensationInput,
      {},
      'Invalid task input: orderId: Invalid input: expected string, received undefined',
    ],
    [
      'the order event',
      OrderEvent,
      { orderId: ORDER_ID, userId: 'u', status: 'DONE' },
      'Invalid task input: status: Invalid option: expected one of "COMPLETED"|"CANCELLED"|"COMPENSATION_FAILED"',
    ],
  ])('%s refuses a malformed input, naming the field', (_step, schema, input, message) => {
    expect(() => parseTask(schema, input)).toThrow(new Error(message));
  });

  test('update-status names each field and the options it takes', async () => {
    await expect(
      handlers.updateStatus!({ orderId: ORDER_ID, status: 'SHIPPED', reason: 'LATE' }, fakeContext('update-status')),
    ).rejects.toThrow(
      new Error(
        'Invalid task input: status: Invalid option: expected one of "PENDING"|"PAYMENT_COMPLETED"|"ITEMS_RESERVED"|"DELIVERY_BOOKED"|"COMPLETED"|"CANCELLED"|"COMPENSATION_FAILED"; ' +
          'reason: Invalid option: expected one of "PAYMENT_DECLINED"|"OUT_OF_STOCK"|"DELIVERY_UNAVAILABLE"|"SERVICE_UNAVAILABLE"|"COMPENSATION_FAILED"',
      ),
    );
  });

  test.each([
    [{ olderThanSeconds: -1 }, 'Invalid task input: olderThanSeconds: Too small: expected number to be >=0'],
    [{ olderThanSeconds: 1.5 }, 'Invalid task input: olderThanSeconds: Invalid input: expected int, received number'],
  ])('the reconciler refuses %j: %s', async (input, message) => {
    await expect(handlers.reconcile!(input, fakeContext('reconcile'))).rejects.toThrow(new Error(message));
  });
});

describe('contracts between services', () => {
  test.each([
    [
      'saga input',
      SagaInput,
      { orderId: ORDER_ID, userId: '', items: [], total: -1, currency: 'EUR', delivery },
      'The saga input breaks its contract: userId: Too small: expected string to have >=1 characters; items: Too small: expected array to have >=1 items; ' +
        'total: Too small: expected number to be >=0; currency: Invalid input: expected "USD"',
    ],
    [
      'quote',
      Quote,
      { ok: 'yes' },
      "The quote breaks its contract: ok: Invalid discriminator value. Expected 'true' | 'false'",
    ],
    [
      'quote',
      Quote,
      { ok: true, lines: [{ sku: 'TEA-01', quantity: 0, unitPrice: 4.5 }], total: 450, currency: 'USD' },
      'The quote breaks its contract: lines.0.quantity: Too small: expected number to be >0; lines.0.unitPrice: Invalid input: expected int, received number',
    ],
    [
      'quote',
      Quote,
      { ok: false, unknownSkus: [] },
      'The quote breaks its contract: unknownSkus: Too small: expected array to have >=1 items',
    ],
    [
      'quote request',
      QuoteRequest,
      { items: Array.from({ length: 51 }, () => line) },
      'The quote request breaks its contract: items: Too big: expected array to have <=50 items',
    ],
  ])('a %s that breaks its contract is refused, naming the field (%#)', (contract, schema, message, expected) => {
    expect(() => parseContract(contract, schema, message)).toThrow(new ContractViolation(expected));
  });
});
