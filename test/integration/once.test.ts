import { randomUUID } from 'node:crypto';
import { documentClient } from '../../functions/shared/clients';
import { getRecord, putIfAbsent, queryAll } from '../../functions/shared/dynamo';
import { doOnce, undoOnce } from '../../functions/shared/once';
import { orderIdFor } from '../../functions/order/domain';
import { stores, uniqueSku, uniqueSlot, uniqueUser } from '../support/shop';
import { createShopTables, deleteShopTables } from '../support/tables';

/** The shared table helpers against DynamoDB Local, and the exact outcomes the stores build on them. */
const shop = stores();
const table = () => process.env.DELIVERY_TABLE!;
const key = (name: string) => ({ pk: `TEST#${name}#${randomUUID()}`, sk: 'TEST' });
/** A counter item, and a guard that counts it up to a limit. */
const counter = async (count: number) => {
  const counterKey = key('counter');
  await putIfAbsent(documentClient, table(), counterKey, { count });
  return counterKey;
};
const increment = (counterKey: { pk: string; sk: string }, limit: number) => ({
  Update: {
    TableName: table(),
    Key: counterKey,
    UpdateExpression: 'SET #count = #count + :one',
    ConditionExpression: '#count < :limit',
    ExpressionAttributeNames: { '#count': 'count' },
    ExpressionAttributeValues: { ':one': 1, ':limit': limit },
  },
});

beforeAll(createShopTables);
afterAll(deleteShopTables);

describe('doOnce', () => {
  test('writes the record and its guards once; a repeat reads the record back and writes nothing', async () => {
    const counterKey = await counter(0);
    const action = {
      tableName: table(),
      key: key('action'),
      record: { status: 'DONE', note: 'first' },
      guards: [increment(counterKey, 5)],
    };

    const first = await doOnce(documentClient, action);
    const repeat = await doOnce(documentClient, { ...action, record: { status: 'DONE', note: 'second' } });

    expect(first).toEqual({ kind: 'done' });
    expect(repeat).toMatchObject({ kind: 'existing', record: { status: 'DONE', note: 'first' } });
    expect(await getRecord(documentClient, table(), counterKey)).toMatchObject({ count: 1 });
  });

  test('a failing guard writes nothing and says which guards refused', async () => {
    const open = await counter(0);
    const full = await counter(1);
    const actionKey = key('action');

    const result = await doOnce(documentClient, {
      tableName: table(),
      key: actionKey,
      record: { status: 'DONE' },
      guards: [increment(open, 1), increment(full, 1)],
    });

    expect(result).toEqual({ kind: 'refused', refused: [false, true] });
    expect(await getRecord(documentClient, table(), actionKey)).toBeUndefined();
    expect(await getRecord(documentClient, table(), open)).toMatchObject({ count: 0 });
  });

  test('after an undo that came first, the action finds its tombstone', async () => {
    const actionKey = key('late');
    const undo = {
      tableName: table(),
      key: actionKey,
      life: { active: 'DONE', undone: 'UNDONE' },
      tombstone: { note: 'never done' },
      undoWrites: () => [],
    };

    expect(await undoOnce(documentClient, undo)).toEqual({ undone: false });
    const late = await doOnce(documentClient, {
      tableName: table(),
      key: actionKey,
      record: { status: 'DONE' },
      guards: [],
    });

    expect(late).toMatchObject({ kind: 'existing', record: { status: 'VOIDED', note: 'never done' } });
  });
});

describe('putIfAbsent and queryAll', () => {
  test('putIfAbsent writes once and leaves an existing item as it is', async () => {
    const itemKey = key('put');
    expect(await putIfAbsent(documentClient, table(), itemKey, { value: 1 })).toBe(true);
    expect(await putIfAbsent(documentClient, table(), itemKey, { value: 2 })).toBe(false);
    expect(await getRecord(documentClient, table(), itemKey)).toMatchObject({ value: 1 });
  });

  test('queryAll follows every page', async () => {
    const kind = `TEST-${randomUUID()}`;
    for (let i = 0; i < 5; i++)
      await putIfAbsent(documentClient, table(), key('listed'), { kind, listOrder: `item-${i}` });

    const items = await queryAll(documentClient, {
      TableName: table(),
      IndexName: 'byKind',
      KeyConditionExpression: '#kind = :kind',
      ExpressionAttributeNames: { '#kind': 'kind' },
      ExpressionAttributeValues: { ':kind': kind },
      Limit: 2,
    });

    expect(items.map((item) => item.listOrder)).toEqual(['item-0', 'item-1', 'item-2', 'item-3', 'item-4']);
  });
});

describe('the reasons a repeated or late saga step gives', () => {
  const newOrderId = () => orderIdFor('x', randomUUID());

  test('pay: a repeat with another amount, and a payment after its refund', async () => {
    const user = uniqueUser('alice');
    await shop.billing.deposit(user, 1000);
    const paid = newOrderId();
    await shop.billing.pay(paid, user, 400);
    const refundedFirst = newOrderId();
    await shop.billing.refund(refundedFirst);

    expect(await shop.billing.pay(paid, user, 500)).toEqual({
      kind: 'declined',
      reason: 'order was already paid with another amount (400)',
    });
    expect(await shop.billing.pay(refundedFirst, user, 100)).toEqual({
      kind: 'declined',
      reason: 'the order was cancelled before payment',
    });
    expect((await shop.billing.getAccount(user)).balance).toBe(600);
  });

  test('reserve after its release, and book after its cancel or on another slot', async () => {
    const sku = uniqueSku();
    await shop.warehouse.putProduct(sku, { name: 'Cup', price: 100, stock: 5 });
    const released = newOrderId();
    await shop.warehouse.release(released);
    const slotId = uniqueSlot();
    await shop.delivery.putSlot({ slotId, date: '2099-02-01', window: '09:00-12:00', capacity: 5 });
    const booked = newOrderId();
    await shop.delivery.book(booked, slotId, 'here');

    expect(await shop.warehouse.reserve(released, [{ sku, quantity: 1 }])).toEqual({
      kind: 'rejected',
      reason: 'the order was cancelled before reservation',
    });
    expect(await shop.delivery.book(booked, uniqueSlot(), 'here')).toEqual({
      kind: 'rejected',
      reason: `the order was booked in another slot (${slotId})`,
    });
    expect(await shop.delivery.getSlot(slotId)).toMatchObject({ booked: 1 });
  });
});
