/** Amounts in cents shown as dollars, dollars typed by a person read as cents, and times made readable. */

export const formatMoney = (cents: number, currency = 'USD'): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);

/**
 * Dollars as typed (`12`, `12.5`, `$1,234.56`) in cents, or a sentence saying what is wrong with them:
 * at most two decimals, more than zero, and at most $1,000,000 at a time.
 */
export const parseDollars = (text: string): { cents: number } | { error: string } => {
  const cleaned = text.trim().replace(/^\$/, '').replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return { error: 'Enter an amount in dollars, such as 25 or 12.50' };
  const [whole, fraction = ''] = cleaned.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (cents <= 0) return { error: 'The amount must be more than $0.00' };
  if (cents > 100_000_000) return { error: 'Deposit at most $1,000,000.00 at a time' };
  return { cents };
};

export const formatTime = (iso: string): string =>
  new Date(iso).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export const formatDateTime = (iso: string): string =>
  new Date(iso).toLocaleString('en-US', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });

/** A slot's date as a weekday and day: `Fri, Nov 27`. */
export const formatDay = (date: string): string =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });

/** Milliseconds between two instants, in words: `1.2 s`, `3 min`. */
export const formatDuration = (ms: number): string =>
  ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;

export const shortId = (id: string): string => id.slice(0, 8);
