/** Durations as the AWS console writes them: 850 ms, 4.2 s, 3 min 5 s, 2 h 4 min. */
export const formatDuration = (ms: number | undefined): string => {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
};

export const formatTime = (date: Date | number | undefined): string => {
  if (date === undefined) return '–';
  const d = new Date(date);
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};

/** JSON text pretty-printed, or as it is when it is not JSON. */
export const prettyJson = (text: string | undefined): string => {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** The name part of an ARN (`…:execution:Saga:order-1` → `order-1`). */
export const arnName = (arn: string | undefined): string => arn?.split(':').at(-1) ?? '';
