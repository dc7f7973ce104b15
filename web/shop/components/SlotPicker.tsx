import { formatDay } from '../format';
import type { Slot } from '../types';

/** Slots by day, in date and window order. */
const byDay = (slots: Slot[]): [string, Slot[]][] => {
  const days = new Map<string, Slot[]>();
  for (const slot of [...slots].sort((a, b) => (a.date + a.window).localeCompare(b.date + b.window))) {
    days.set(slot.date, [...(days.get(slot.date) ?? []), slot]);
  }
  return [...days];
};

/** The delivery slots as radio buttons, grouped by day; a full slot is shown, and cannot be chosen. */
export const SlotPicker = ({
  slots,
  value,
  onChange,
}: {
  slots: Slot[];
  value?: string;
  onChange: (slotId: string) => void;
}) => (
  <fieldset class="slots">
    <legend>Delivery slot</legend>
    {slots.length === 0 && <p class="muted">No delivery slots are open.</p>}
    {byDay(slots).map(([date, daySlots]) => (
      <div key={date} class="slot-day" role="group" aria-label={formatDay(date)}>
        <span class="slot-date">{formatDay(date)}</span>
        <div class="slot-options">
          {daySlots.map((slot) => {
            const full = slot.remaining <= 0;
            return (
              <label
                key={slot.slotId}
                class={`slot ${full ? 'slot-full' : ''} ${value === slot.slotId ? 'slot-chosen' : ''}`}
              >
                <input
                  type="radio"
                  name="slot"
                  value={slot.slotId}
                  checked={value === slot.slotId}
                  disabled={full}
                  onChange={() => onChange(slot.slotId)}
                  aria-label={`${formatDay(date)} ${slot.window}${full ? ', full' : `, ${slot.remaining} places left`}`}
                />
                <span class="slot-window">{slot.window}</span>
                <span class="slot-left">{full ? 'Full' : `${slot.remaining} left`}</span>
              </label>
            );
          })}
        </div>
      </div>
    ))}
  </fieldset>
);
