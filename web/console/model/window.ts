/** A time window in a route (`#/executions/window=<start ms>..<end ms>`): the alerts link to one. */
export interface TimeWindow {
  start: number;
  end: number;
}

const PATTERN = /^window=(\d{1,15})\.\.(\d{1,15})$/;

/** The window a route argument names, or undefined (an execution ARN, or nothing). */
export const parseWindow = (arg: string | undefined): TimeWindow | undefined => {
  const match = arg ? PATTERN.exec(arg) : null;
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  return end > start ? { start, end } : undefined;
};

export const windowArg = ({ start, end }: TimeWindow): string => `window=${start}..${end}`;

/** The window around an alarm's state change: 15 minutes before it, to a minute after. */
export const windowAround = (at: number): TimeWindow => ({ start: at - 15 * 60_000, end: at + 60_000 });
