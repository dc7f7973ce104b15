import { payOutcomeForExisting } from '../../functions/billing/domain';
import { remaining, toView as slotView } from '../../functions/delivery/domain';
import { messageFor, notificationIdFor } from '../../functions/notification/domain';
import {
  canTransition,
  describeCause,
  FORWARD,
  InvalidTransition,
  type Order,
  OrderAlreadyCancelled,
  OrderAlreadyCompleted,
  orderIdFor,
  type OrderStatus,
  planTransition,
  similarityKey,
} from '../../functions/order/domain';
import { mergeLines, quote } from '../../functions/warehouse/domain';

const AT = '2026-01-01T00:00:00.000Z';

/** An order at `status`, whose history holds PENDING, the statuses it passed, and `status`. */
const orderAt = (status: OrderStatus, ...passed: OrderStatus[]): Pick<Order, 'status' | 'history'> => ({
  status,
  history: [...new Set<OrderStatus>(['PENDING', ...passed, status])].map((s) => ({ status: s, at: AT })),
});

describe('order status transitions', () => {
  test('the forward path moves one step at a time', () => {
    for (let i = 0; i < FORWARD.length - 1; i++) expect(canTransition(FORWARD[i]!, FORWARD[i + 1]!)).toBe(true);
    expect(canTransition('PENDING', 'ITEMS_RESERVED')).toBe(false);
    expect(canTransition('ITEMS_RESERVED', 'PAYMENT_COMPLETED')).toBe(false);
  });

  test('any live order may be cancelled or fail compensation; terminal orders stay as they are', () => {
    expect(canTransition('DELIVERY_BOOKED', 'CANCELLED')).toBe(true);
    expect(canTransition('PENDING', 'COMPENSATION_FAILED')).toBe(true);
    for (const terminal of ['COMPLETED', 'CANCELLED'] as const) {
      expect(canTransition(terminal, 'CANCELLED')).toBe(false);
      expect(canTransition(terminal, 'PAYMENT_COMPLETED')).toBe(false);
    }
    expect(canTransition('COMPENSATION_FAILED', 'PAYMENT_COMPLETED')).toBe(false);
  });

  test('an order whose compensation failed may still end CANCELLED, once its compensations are finished', () => {
    expect(canTransition('COMPENSATION_FAILED', 'CANCELLED')).toBe(true);
    const plan = planTransition(
      orderAt('COMPENSATION_FAILED', 'PAYMENT_COMPLETED'),
      { status: 'CANCELLED', reason: 'OUT_OF_STOCK', compensations: { refund: { refunded: true, amount: 700 } } },
      AT,
    );
    expect(plan).toEqual({
      kind: 'apply',
      status: 'CANCELLED',
      failureReason: 'OUT_OF_STOCK',
      entries: [
        { status: 'PAYMENT_REFUNDED', at: AT, reason: 'refunded 700 USD' },
        { status: 'CANCELLED', at: AT, reason: 'OUT_OF_STOCK' },
      ],
    });
  });

  test('a repeated status is a no-op and an illegal one throws', () => {
    expect(planTransition(orderAt('ITEMS_RESERVED', 'PAYMENT_COMPLETED'), { status: 'ITEMS_RESERVED' }, AT)).toEqual({
      kind: 'noop',
    });
    expect(() => planTransition(orderAt('PAYMENT_COMPLETED'), { status: 'COMPLETED' }, AT)).toThrow(InvalidTransition);
    expect(() => planTransition(orderAt('PENDING'), { status: 'ITEMS_RESERVED' }, AT)).toThrow(
      'cannot go from PENDING to ITEMS_RESERVED',
    );
  });

  test('a status the order has passed already is a no-op (a replayed step), whatever came after', () => {
    for (const passed of ['PENDING', 'PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED'] as const) {
      expect(
        planTransition(
          orderAt('COMPLETED', 'PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED'),
          { status: passed },
          AT,
        ),
      ).toEqual({ kind: 'noop' });
    }
    expect(planTransition(orderAt('ITEMS_RESERVED', 'PAYMENT_COMPLETED'), { status: 'PAYMENT_COMPLETED' }, AT)).toEqual(
      { kind: 'noop' },
    );
    expect(planTransition(orderAt('CANCELLED', 'PAYMENT_COMPLETED'), { status: 'PAYMENT_COMPLETED' }, AT)).toEqual({
      kind: 'noop',
    });
    expect(planTransition(orderAt('CANCELLED', 'COMPENSATION_FAILED'), { status: 'COMPENSATION_FAILED' }, AT)).toEqual({
      kind: 'noop',
    });
  });

  test('a completed order refuses to be compensated, and a cancelled one to be marked COMPENSATION_FAILED, by name', () => {
    const completed = orderAt('COMPLETED', 'PAYMENT_COMPLETED', 'ITEMS_RESERVED', 'DELIVERY_BOOKED');
    expect(() => planTransition(completed, { status: 'CANCELLED' }, AT)).toThrow(OrderAlreadyCompleted);
    expect(() => planTransition(completed, { status: 'COMPENSATION_FAILED' }, AT)).toThrow(
      'cannot go from COMPLETED to COMPENSATION_FAILED',
    );
    expect(() => planTransition(orderAt('CANCELLED'), { status: 'COMPENSATION_FAILED' }, AT)).toThrow(
      OrderAlreadyCancelled,
    );
    expect(() => planTransition(orderAt('CANCELLED'), { status: 'ITEMS_RESERVED' }, AT)).toThrow(InvalidTransition);
    expect(new OrderAlreadyCompleted('x').name).toBe('OrderAlreadyCompleted');
    expect(new OrderAlreadyCancelled('x').name).toBe('OrderAlreadyCancelled');
  });

  test('a cancellation records the compensations in the order they ran, then the reason', () => {
    const plan = planTransition(
      orderAt('ITEMS_RESERVED', 'PAYMENT_COMPLETED'),
      {
        status: 'CANCELLED',
        reason: 'DELIVERY_UNAVAILABLE',
        cause: JSON.stringify({ errorType: 'DeliveryUnavailable', errorMessage: 'slot is full' }),
        compensations: { release: { released: true }, refund: { refunded: true, amount: 1250 } },
      },
      AT,
    );
    expect(plan).toEqual({
      kind: 'apply',
      status: 'CANCELLED',
      failureReason: 'DELIVERY_UNAVAILABLE',
      entries: [
        { status: 'ITEMS_RELEASED', at: AT, reason: 'reserved stock returned' },
        { status: 'PAYMENT_REFUNDED', at: AT, reason: 'refunded 1250 USD' },
        { status: 'CANCELLED', at: AT, reason: 'DELIVERY_UNAVAILABLE: slot is full' },
      ],
    });
  });

  test('a cause that is not a Lambda error is kept as text', () => {
    expect(describeCause('States.Timeout')).toBe('States.Timeout');
    expect(describeCause(undefined)).toBeUndefined();
  });
});

describe('similar orders', () => {
  test('the same multiset of skus is similar, however it is split or ordered', () => {
    const key = similarityKey([
      { sku: 'B', quantity: 1 },
      { sku: 'A', quantity: 2 },
    ]);
    expect(
      similarityKey([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 1 },
      ]),
    ).toBe(key);
  });

  test('another quantity or another sku is not similar', () => {
    const key = similarityKey([{ sku: 'A', quantity: 2 }]);
    expect(similarityKey([{ sku: 'A', quantity: 3 }])).not.toBe(key);
    expect(
      similarityKey([
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ]),
    ).not.toBe(key);
  });

  test('order ids are stable per user and key, and shaped as UUIDs', () => {
    const id = orderIdFor('alice', 'key-1');
    expect(id).toBe(orderIdFor('alice', 'key-1'));
    expect(id).not.toBe(orderIdFor('bob', 'key-1'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('money and stock', () => {
  const catalogue = new Map([
    ['A', { sku: 'A', name: 'Apple', price: 125, currency: 'USD' as const, stock: 3 }],
    ['B', { sku: 'B', name: 'Bread', price: 300, currency: 'USD' as const, stock: 0 }],
  ]);

  test('a basket is priced in cents, with repeated skus merged', () => {
    expect(
      quote(
        [
          { sku: 'B', quantity: 1 },
          { sku: 'A', quantity: 2 },
          { sku: 'A', quantity: 1 },
        ],
        catalogue,
      ),
    ).toEqual({
      ok: true,
      lines: [
        { sku: 'A', quantity: 3, unitPrice: 125 },
        { sku: 'B', quantity: 1, unitPrice: 300 },
      ],
      total: 675,
      currency: 'USD',
    });
  });

  test('unknown skus are reported, never priced', () => {
    expect(
      quote(
        [
          { sku: 'A', quantity: 1 },
          { sku: 'Z', quantity: 1 },
        ],
        catalogue,
      ),
    ).toEqual({ ok: false, unknownSkus: ['Z'] });
  });

  test('merged lines are sorted by sku', () => {
    expect(
      mergeLines([
        { sku: 'C', quantity: 1 },
        { sku: 'A', quantity: 1 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 1 },
      { sku: 'C', quantity: 1 },
    ]);
  });

  test('a retried payment is accepted only for the same amount of a live payment', () => {
    const paid = { orderId: 'o', userId: 'u', amount: 500, status: 'PAID' as const };
    expect(payOutcomeForExisting(paid, 500)).toEqual({ kind: 'paid', payment: paid });
    expect(payOutcomeForExisting(paid, 600).kind).toBe('declined');
    expect(payOutcomeForExisting({ ...paid, status: 'VOIDED' }, 500).kind).toBe('declined');
  });

  test('slot capacity remaining never goes below zero', () => {
    expect(remaining({ slotId: 's', date: 'd', window: 'w', capacity: 2, booked: 3 })).toBe(0);
    expect(slotView({ slotId: 's', date: 'd', window: 'w', capacity: 5, booked: 2 })).toEqual({
      slotId: 's',
      date: 'd',
      window: 'w',
      capacity: 5,
      remaining: 3,
    });
  });
});

describe('notifications', () => {
  test('each outcome has its own message and id', () => {
    const event = { orderId: 'o1', userId: 'u', status: 'CANCELLED' as const, reason: 'OUT_OF_STOCK' };
    expect(messageFor(event)).toContain('out of stock');
    expect(notificationIdFor(event)).toBe('o1:CANCELLED');
    expect(messageFor({ ...event, status: 'COMPLETED' })).toContain('confirmed');
  });
});
