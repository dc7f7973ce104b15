/**
 * Timestamps as Step Functions compares them: the RFC 3339 profile of ISO 8601, an uppercase `T`
 * between date and time, `Z` or a `±hh:mm` offset, optional fractional seconds
 * (`2016-08-18T17:33:00Z`, `2016-08-18T17:33:00.123+02:00`).
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** An instant: whole seconds since the epoch and the fraction's digits (padded to compare as text). */
interface Instant {
  seconds: number;
  fraction: string;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant `text` names, or null when it is no timestamp AWS accepts. */
export function parseTimestamp(text: string): Instant | null {
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const zone = match[8] as string;
  let offset = 0;
  if (zone !== 'Z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 23 || minutes > 59) return null;
    offset = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60;
  }
  const seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offset;
  return { seconds, fraction: (match[7] ?? '').replace(/0+$/, '') };
}

/** True when `text` is a timestamp AWS accepts. */
export function isTimestamp(text: string): boolean {
  return parseTimestamp(text) !== null;
}

/** -1, 0 or 1 comparing two timestamps' instants; null when either is no timestamp. */
export function compareTimestamps(left: string, right: string): number | null {
  const a = parseTimestamp(left);
  const b = parseTimestamp(right);
  if (!a || !b) return null;
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, '0');
  const fb = b.fraction.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}
