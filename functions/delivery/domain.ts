import type { Lifecycle } from '#shared/once';
export interface Slot {
  slotId: string;
  /** Local date of delivery, YYYY-MM-DD. */
  date: string;
  /** Time window, e.g. "09:00-12:00". */
  window: string;
  capacity: number;
  booked: number;
}

export interface SlotView {
  slotId: string;
  date: string;
  window: string;
  capacity: number;
  remaining: number;
}

export type BookingStatus = 'BOOKED' | 'CANCELLED' | 'VOIDED';
export const BOOKING_LIFE: Lifecycle<BookingStatus> = { active: 'BOOKED', undone: 'CANCELLED' };

export const remaining = (slot: Slot): number => Math.max(0, slot.capacity - slot.booked);

export const toView = (slot: Slot): SlotView => ({
  slotId: slot.slotId,
  date: slot.date,
  window: slot.window,
  capacity: slot.capacity,
  remaining: remaining(slot),
});

/** The sort key of a slot in the listing index: by date, then window. */
export const slotOrder = (slot: Pick<Slot, 'date' | 'window'>): string => `${slot.date}#${slot.window}`;
