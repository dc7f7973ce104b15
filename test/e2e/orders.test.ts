import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { Account, DuplicateOrder, ErrorBody, Notification, Order } from './bodies';
import {
  api,
  balanceOf,
  createProduct,
  eventually,
  fullSlot,
  newKey,
  openSlot,
  placeOrder,
  productAvailable,
  slots,
  target,
  waitForOutcome,
} from './support';

// The order user story over HTTP only: tokens from the issuer, then the API. One file, so that the
// balance checks of alice and bob are not raced by another file.

const remainingOf = async (slotId: string) => (await slots()).find((s) => s.slotId === slotId)!.remaining;

describe('placing an order', () => {
  beforeAll(async () => {
    await api('POST', '/billing/account/deposit', { as: 'alice', body: { amount: 20_000 } });
  });

  test('completes: paid, reserved, booked, notified', async () => {
    // Prepare
    const sku = await createProduct(700, 10);
    const slot = await openSlot();
    const balance = await balanceOf('alice');

    // Act
    const created = await placeOrder('alice', [{ sku, quantity: 2 }], slot.slotId);
    const order = await waitForOutcome(created.body.orderId, 'alice');

    // Assess
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/orders/${created.body.orderId}`);
    expect(created.body).toMatchObject({
      status: 'PENDING',
      total: 1400,
      currency: 'USD',
      items: [{ sku, quantity: 2, unitPrice: 700 }],
    });
    expect(order.status).toBe('COMPLETED');
    expect(order.history.map((h) => h.status)).toEqual([
      'PENDING',
      'PAYMENT_COMPLETED',
      'ITEMS_RESERVED',
      'DELIVERY_BOOKED',
      'COMPLETED',
    ]);
    expect(await balanceOf('alice')).toBe(balance - 1400);
    expect(await productAvailable(sku)).toBe(8);
    expect(await remainingOf(slot.slotId)).toBe(slot.remaining - 1);
    const notification = await eventually(async () => {
      const { body } = await api<Notification[]>('GET', '/notifications', { as: 'alice' });
      return body.find((n) => n.orderId === order.orderId);
    }, 'the COMPLETED notification');
    expect(notification.status).toBe('COMPLETED');
    const list = await api<Order[]>('GET', '/orders', { as: 'alice' });
    expect(list.body.map((o) => o.orderId)).toContain(order.orderId);
    const createdAts = list.body.map((o) => o.createdAt);
    expect(createdAts).toEqual([...createdAts].sort().reverse());
  });

  test('is idempotent: replay 200, another body 422, a similar order 409', async () => {
    const sku = await createProduct(100, 50);
    const { slotId } = await openSlot();
    const key = newKey();

    const first = await placeOrder('alice', [{ sku, quantity: 1 }], slotId, key);
    const replay = await placeOrder('alice', [{ sku, quantity: 1 }], slotId, key);
    const otherBody = await placeOrder<ErrorBody>('alice', [{ sku, quantity: 2 }], slotId, key);
    const similar = await placeOrder<DuplicateOrder>('alice', [{ sku, quantity: 1 }], slotId, newKey());
    await waitForOutcome(first.body.orderId, 'alice');

    expect(first.status).toBe(201);
    expect(replay.status).toBe(200);
    expect(replay.body.orderId).toBe(first.body.orderId);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(similar.status).toBe(409);
    expect(similar.body).toMatchObject({ error: 'DUPLICATE_ORDER', order: { orderId: first.body.orderId } });
    expect(await productAvailable(sku)).toBe(49);
  });

  test('concurrent duplicates give exactly one order', async () => {
    const sku = await createProduct(100, 50);
    const { slotId } = await openSlot();
    const key = newKey();

    const sameKey = await Promise.all(
      Array.from({ length: 5 }, () => placeOrder('alice', [{ sku, quantity: 1 }], slotId, key)),
    );
    const newKeys = await Promise.all(
      Array.from({ length: 5 }, () => placeOrder<DuplicateOrder>('alice', [{ sku, quantity: 1 }], slotId)),
    );

    const created = sameKey.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of sameKey.filter((r) => r.status !== 201)) expect([200, 409]).toContain(r.status);
    for (const r of newKeys) {
      expect(r.status).toBe(409);
      expect(r.body.order.orderId).toBe(created[0]!.body.orderId);
    }
    await waitForOutcome(created[0]!.body.orderId, 'alice');
    const mine = (await api<Order[]>('GET', '/orders', { as: 'alice' })).body.filter((o) =>
      o.items.some((i) => i.sku === sku),
    );
    expect(mine).toHaveLength(1);
    expect(await productAvailable(sku)).toBe(49);
  });
});

describe('when a step fails, what was done is undone', () => {
  test('payment declined: bob cannot pay, nothing is reserved or booked', async () => {
    const balance = await balanceOf('bob');
    const sku = await createProduct(balance + 1000, 5);
    const slot = await openSlot();

    const created = await placeOrder('bob', [{ sku, quantity: 1 }], slot.slotId);
    const order = await waitForOutcome(created.body.orderId, 'bob');

    expect(order).toMatchObject({ status: 'CANCELLED', failureReason: 'PAYMENT_DECLINED' });
    expect(order.history.map((h) => h.status)).toEqual(['PENDING', 'CANCELLED']);
    expect(await balanceOf('bob')).toBe(balance);
    expect(await productAvailable(sku)).toBe(5);
    expect(await remainingOf(slot.slotId)).toBe(slot.remaining);
  });

  test('out of stock: the payment is refunded', async () => {
    const sku = await createProduct(300, 2);
    const balance = await balanceOf('alice');
    const { slotId } = await openSlot();

    const created = await placeOrder('alice', [{ sku, quantity: 3 }], slotId);
    const order = await waitForOutcome(created.body.orderId, 'alice');

    expect(order).toMatchObject({ status: 'CANCELLED', failureReason: 'OUT_OF_STOCK' });
    expect(order.history.map((h) => h.status)).toEqual([
      'PENDING',
      'PAYMENT_COMPLETED',
      'PAYMENT_REFUNDED',
      'CANCELLED',
    ]);
    expect(await balanceOf('alice')).toBe(balance);
    expect(await productAvailable(sku)).toBe(2);
  });

  test('full delivery slot: items released and payment refunded, in reverse order', async () => {
    const sku = await createProduct(250, 4);
    const balance = await balanceOf('alice');
    const slot = await fullSlot();

    const created = await placeOrder('alice', [{ sku, quantity: 2 }], slot.slotId);
    const order = await waitForOutcome(created.body.orderId, 'alice');

    expect(order).toMatchObject({ status: 'CANCELLED', failureReason: 'DELIVERY_UNAVAILABLE' });
    expect(order.history.map((h) => h.status)).toEqual([
      'PENDING',
      'PAYMENT_COMPLETED',
      'ITEMS_RESERVED',
      'ITEMS_RELEASED',
      'PAYMENT_REFUNDED',
      'CANCELLED',
    ]);
    expect(await balanceOf('alice')).toBe(balance);
    expect(await productAvailable(sku)).toBe(4);
    expect(await remainingOf(slot.slotId)).toBe(0);
    const notification = await eventually(async () => {
      const { body } = await api<Notification[]>('GET', '/notifications', { as: 'alice' });
      return body.find((n) => n.orderId === order.orderId);
    }, 'the CANCELLED notification');
    expect(notification.status).toBe('CANCELLED');
  });
});

const describeWithEdge = target().edge ? describe : describe.skip;

describeWithEdge('the saga through the AWS SDK, against the edge', () => {
  test('GetExecutionHistory tells the compensation story in AWS event types', async () => {
    const sku = await createProduct(200, 1);
    const { slotId } = await openSlot();
    const created = await placeOrder('alice', [{ sku, quantity: 2 }], slotId);
    await waitForOutcome(created.body.orderId, 'alice');
    const sfn = new SFNClient({
      endpoint: target().edge,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });

    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const saga = stateMachines.find((m) => m.name?.includes('OrderSaga'));
    const executionArn = `${saga!.stateMachineArn!.replace(':stateMachine:', ':execution:')}:${created.body.orderId}`;
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    const failed = events.find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails?.error).toBe('OutOfStock');
    expect(JSON.parse(failed!.taskFailedEventDetails!.cause!)).toMatchObject({ errorType: 'OutOfStock' });
    const entered = events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(
      expect.arrayContaining(['ProcessPayment', 'ReserveItems', 'RefundPayment', 'CancelOrder', 'NotifyCancelled']),
    );
    expect(entered.indexOf('RefundPayment')).toBeGreaterThan(entered.indexOf('ReserveItems'));
    for (const [i, event] of events.entries()) expect(event.id).toBe(i + 1);
  });
});

describeWithEdge('the reconciler, invoked through Lambda on the edge', () => {
  const aws = () => ({
    endpoint: target().edge,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

  test('starts the saga of an order left PENDING with no execution, and the order completes', async () => {
    // Prepare: an order of alice's, written 30 s ago as POST /orders writes it, whose StartExecution never came.
    const sku = await createProduct(100, 5);
    const { slotId } = await openSlot();
    const { userId } = (await api<Account>('GET', '/billing/account', { as: 'alice' })).body;
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(aws()));
    const { TableNames = [] } = await dynamo.send(new ListTablesCommand({}));
    const ordersTable = TableNames.find((name) => /OrderTable/.test(name))!;
    const at = new Date(Date.now() - 30_000).toISOString();
    const orderId = randomUUID();
    await dynamo.send(
      new PutCommand({
        TableName: ordersTable,
        Item: {
          orderId,
          userId,
          status: 'PENDING',
          items: [{ sku, quantity: 1, unitPrice: 100 }],
          total: 100,
          currency: 'USD',
          delivery: { slotId, address: '1 Test Street' },
          history: [{ status: 'PENDING', at }],
          createdAt: at,
          updatedAt: at,
          similarityKey: randomUUID(),
          version: 1,
          pending: 'PENDING',
        },
      }),
    );

    // Act: run it as an operator would, with a threshold the schedule (60 s) has not reached yet.
    const lambda = new LambdaClient(aws());
    const invoked = await lambda.send(
      new InvokeCommand({
        FunctionName: `${process.env.SHOP_STACK_NAME ?? 'ServerlessShop'}-reconcile-orders`,
        Payload: Buffer.from(JSON.stringify({ olderThanSeconds: 10 })),
      }),
    );
    const result = JSON.parse(Buffer.from(invoked.Payload!).toString('utf8')) as {
      olderThanSeconds: number;
      started: string[];
    };
    const order = await waitForOutcome(orderId, 'alice');

    // Assess
    expect(invoked.FunctionError).toBeUndefined();
    expect(result).toMatchObject({ olderThanSeconds: 10, started: expect.arrayContaining([orderId]) as unknown });
    expect(order.status).toBe('COMPLETED');
    const sfn = new SFNClient(aws());
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const saga = stateMachines.find((m) => m.name?.includes('OrderSaga'))!;
    const execution = await sfn.send(
      new DescribeExecutionCommand({
        executionArn: `${saga.stateMachineArn!.replace(':stateMachine:', ':execution:')}:${orderId}`,
      }),
    );
    expect(execution.status).toBe('SUCCEEDED');
  });
});
