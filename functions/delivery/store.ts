import { type DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getRecord } from '#shared/dynamo';
import { cancellationCodes, isConditionFailure } from '#shared/errors';
import { undoOnce } from '#shared/once';
import { type BookingStatus, type Slot, slotOrder } from './domain';

export type BookOutcome = { kind: 'booked' } | { kind: 'rejected'; reason: string };

export interface DeliveryStore {
  listSlots(fromDate: string): Promise<Slot[]>;
  putSlot(slot: Omit<Slot, 'booked'>): Promise<void>;
  getSlot(slotId: string): Promise<Slot | undefined>;
  book(orderId: string, slotId: string, address: string): Promise<BookOutcome>;
  cancel(orderId: string): Promise<{ cancelled: boolean }>;
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
    const slots: Slot[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byKind',
          KeyConditionExpression: '#kind = :kind AND #order >= :from',
          ExpressionAttributeNames: { '#kind': 'kind', '#order': 'listOrder' },
          ExpressionAttributeValues: { ':kind': 'SLOT', ':from': fromDate },
          ExclusiveStartKey,
        }),
      );
      slots.push(...(page.Items ?? []).map(toSlot));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return slots;
  }

  /** Creates a slot with nothing booked; an existing slot is left as it is. */
  async putSlot(slot: Omit<Slot, 'booked'>): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...slotKey(slot.slotId), ...slot, booked: 0, kind: 'SLOT', listOrder: slotOrder(slot) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getSlot(slotId: string): Promise<Slot | undefined> {
    const item = await getRecord<Record<string, unknown>>(this.client, this.tableName, slotKey(slotId));
    return item && toSlot(item);
  }

  async book(orderId: string, slotId: string, address: string): Promise<BookOutcome> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...bookingKey(orderId), orderId, slotId, address, status: 'BOOKED', createdAt: new Date().toISOString() },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
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
        }),
      );
      return { kind: 'booked' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const [bookingCode, slotCode] = cancellationCodes(error);
      if (bookingCode === 'ConditionalCheckFailed') {
        const existing = await getRecord<{ status: BookingStatus; slotId: string }>(this.client, this.tableName, bookingKey(orderId));
        if (existing?.status === 'BOOKED' && existing.slotId === slotId) return { kind: 'booked' };
        if (existing) return { kind: 'rejected', reason: 'the order was cancelled before booking' };
      }
      if (slotCode === 'ConditionalCheckFailed') return { kind: 'rejected', reason: `slot ${slotId} is full or does not exist` };
      throw error;
    }
  }

  async cancel(orderId: string): Promise<{ cancelled: boolean }> {
    const { undone } = await undoOnce<{ status: BookingStatus; slotId: string }>(this.client, {
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
