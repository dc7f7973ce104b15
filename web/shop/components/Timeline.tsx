import { formatDuration, formatMoney, formatTime } from '../format';
import type { HistoryEntry, Order } from '../types';
import { COMPENSATES, FORWARD, isCompensation, isTerminal, STEP_LABELS } from '../words';

/** The saga's words for an entry, with its amounts in cents (`refunded 2500 USD`, `Payment of 450 declined`) shown as money. */
const reasonText = (reason: string): string =>
  reason
    .replace(/\b(\d+) ([A-Z]{3})\b/g, (_all, cents: string, currency: string) => formatMoney(Number(cents), currency))
    .replace(
      /\b(Payment of) (\d+)\b/g,
      (_all, words: string, cents: string) => `${words} ${formatMoney(Number(cents))}`,
    );

const toneOf = (entry: HistoryEntry): string => {
  if (isCompensation(entry.status)) return 'compensation';
  if (entry.status === 'CANCELLED' || entry.status === 'COMPENSATION_FAILED') return 'bad';
  return 'ok';
};

/** The next forward step an order in progress waits for, if it is still going forward. */
const nextStep = (order: Order): string | undefined => {
  if (isTerminal(order.status)) return undefined;
  const index = FORWARD.indexOf(order.status);
  const next = FORWARD[index + 1];
  return next ? STEP_LABELS[next] : undefined;
};

const Entry = ({ entry, previous }: { entry: HistoryEntry; previous?: HistoryEntry }) => {
  const undoes = isCompensation(entry.status) ? COMPENSATES[entry.status] : undefined;
  return (
    <li class={`step step-${toneOf(entry)}`} data-status={entry.status}>
      <span class="step-dot" aria-hidden="true" />
      <div class="step-body">
        <div class="step-head">
          <strong>{STEP_LABELS[entry.status]}</strong>
          <code class="step-code">{entry.status}</code>
          {undoes && <span class="tag tag-compensation">Compensation · undoes “{STEP_LABELS[undoes]}”</span>}
        </div>
        {entry.reason && <p class="step-reason">{reasonText(entry.reason)}</p>}
        <p class="step-time muted">
          <time dateTime={entry.at}>{formatTime(entry.at)}</time>
          {previous && ` · +${formatDuration(Date.parse(entry.at) - Date.parse(previous.at))}`}
        </p>
      </div>
    </li>
  );
};

/**
 * An order's history as a timeline: each forward step, each compensation marked as such (with the
 * step it undoes), the final status, and while the order is in progress, the step it waits for.
 */
export const Timeline = ({ order }: { order: Order }) => {
  const waiting = nextStep(order);
  return (
    <ol class="timeline" aria-label="Order timeline">
      {order.history.map((entry, index) => (
        <Entry key={`${entry.status}-${index}`} entry={entry} previous={order.history[index - 1]} />
      ))}
      {waiting && (
        <li class="step step-waiting" aria-live="polite">
          <span class="step-dot" aria-hidden="true" />
          <div class="step-body">
            <strong>{waiting}…</strong>
            <p class="step-time muted">in progress</p>
          </div>
        </li>
      )}
    </ol>
  );
};
