import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { adjust, getRecord, keyOf, pick, putIfAbsent, queryAll } from '#shared/dynamo';
import { doOnce, undoOnce } from '#shared/once';
import { BOOKING_LIFE, type BookingStatus, type Slot, slotOrder } from './domain';

export type BookOutcome = { kind: 'booked' } | { kind: 'rejected'; reason: string };

export interface DeliveryStore {
  listSlots(fromDate: string): Promise<Slot[]>;
  putSlot(slot: Omit<Slot, 'booked'>): Promise<void>;
  getSlot(slotId: string): Promise<Slot | undefined>;
  book(orderId: string, slotId: string, address: string): Promise<BookOutcome>;
  cancel(orderId: string): Promise<{ cancelled: boolean }>;
}

interface Booking {
  status: BookingStatus;
  slotId: string;
}

const slotKey = keyOf('SLOT');
const bookingKey = keyOf('BOOKING');
const toSlot = (item: Record<string, unknown>) =>
  pick(item, ['slotId', 'date', 'window', 'capacity', 'booked']) as Slot;

/** Slots with their capacity and bookings in one table; `byKind` lists slots in date order. */
export class DynamoDeliveryStore implements DeliveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listSlots(fromDate: string): Promise<Slot[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byKind',
      KeyConditionExpression: '#kind = :kind AND #order >= :from',
      ExpressionAttributeNames: { '#kind': 'kind', '#order': 'listOrder' },
      ExpressionAttributeValues: { ':kind': 'SLOT', ':from': fromDate },
    });
    return items.map(toSlot);
  }

  /** Creates a slot with nothing booked; an existing slot is left as it is. */
  async putSlot(slot: Omit<Slot, 'booked'>): Promise<void> {
    await putIfAbsent(this.client, this.tableName, slotKey(slot.slotId), {
      ...slot,
      booked: 0,
      kind: 'SLOT',
      listOrder: slotOrder(slot),
    });
  }

  async getSlot(slotId: string): Promise<Slot | undefined> {
    const item = await getRecord<Record<string, unknown>>(this.client, this.tableName, slotKey(slotId));
    return item && toSlot(item);
  }

  async book(orderId: string, slotId: string, address: string): Promise<BookOutcome> {
    const result = await doOnce<Booking>(this.client, {
      tableName: this.tableName,
      key: bookingKey(orderId),
      record: { orderId, slotId, address, status: 'BOOKED', createdAt: new Date().toISOString() },
      guards: [
        adjust(this.tableName, slotKey(slotId), 'booked', 1, {
          expression: 'attribute_exists(pk) AND #n < #capacity',
          names: { '#capacity': 'capacity' },
        }),
      ],
    });
    if (result.kind === 'done') return { kind: 'booked' };
    if (result.kind === 'existing') {
      const { status, slotId: bookedSlot } = result.record;
      if (status === 'BOOKED' && bookedSlot === slotId) return { kind: 'booked' };
      if (status === 'BOOKED')
        return { kind: 'rejected', reason: `the order was booked in another slot (${bookedSlot})` };
      // A re-run after the cancel must not take the place again.
      return {
        kind: 'rejected',
        reason:
          status === 'CANCELLED'
            ? 'the order was booked and cancelled already'
            : 'the order was cancelled before booking',
      };
    }
    return { kind: 'rejected', reason: `slot ${slotId} is full or does not exist` };
  }

  async cancel(orderId: string): Promise<{ cancelled: boolean }> {
    const { undone } = await undoOnce<Booking>(this.client, {
      tableName: this.tableName,
      key: bookingKey(orderId),
      life: BOOKING_LIFE,
      tombstone: { orderId },
      undoWrites: (booking) => [
        adjust(this.tableName, slotKey(booking.slotId), 'booked', -1, {
          expression: '#n > :zero',
          values: { ':zero': 0 },
        }),
      ],
    });
    return { cancelled: undone };
  }
}
