import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getRecord, putIfAbsent, queryAll } from '#shared/dynamo';
import { doOnce, undoOnce } from '#shared/once';
import { type BookingStatus, type Slot, slotOrder } from './domain';

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

const slotKey = (slotId: string) => ({ pk: `SLOT#${slotId}`, sk: 'SLOT' });
const bookingKey = (orderId: string) => ({ pk: `BOOKING#${orderId}`, sk: 'BOOKING' });
const capacityNames = { '#capacity': 'capacity', '#booked': 'booked' };

const toSlot = (item: Record<string, unknown>): Slot => ({
  slotId: item.slotId as string,
  date: item.date as string,
  window: item.window as string,
  capacity: item.capacity as number,
  booked: item.booked as number,
});

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
    await putIfAbsent(this.client, this.tableName, slotKey(slot.slotId), { ...slot, booked: 0, kind: 'SLOT', listOrder: slotOrder(slot) });
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
        {
          Update: {
            TableName: this.tableName,
            Key: slotKey(slotId),
            UpdateExpression: 'SET #booked = #booked + :one',
            ConditionExpression: 'attribute_exists(pk) AND #booked < #capacity',
            ExpressionAttributeNames: capacityNames,
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    });
    if (result.kind === 'done') return { kind: 'booked' };
    if (result.kind === 'existing') {
      const { status, slotId: bookedSlot } = result.record;
      return status === 'BOOKED' && bookedSlot === slotId ? { kind: 'booked' } : { kind: 'rejected', reason: 'the order was cancelled before booking' };
    }
    return { kind: 'rejected', reason: `slot ${slotId} is full or does not exist` };
  }

  async cancel(orderId: string): Promise<{ cancelled: boolean }> {
    const { undone } = await undoOnce<Booking>(this.client, {
      tableName: this.tableName,
      key: bookingKey(orderId),
      activeStatus: 'BOOKED',
      undoneStatus: 'CANCELLED',
      tombstone: { orderId },
      undoWrites: (booking) => [
        {
          Update: {
            TableName: this.tableName,
            Key: slotKey(booking.slotId),
            UpdateExpression: 'SET #booked = #booked - :one',
            ConditionExpression: '#booked > :zero',
            ExpressionAttributeNames: { '#booked': 'booked' },
            ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
          },
        },
      ],
    });
    return { cancelled: undone };
  }
}
