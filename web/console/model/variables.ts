/**
 * The variables of an execution (JSONata's and JSONPath's `Assign`), read from its history: what each
 * state assigned (its `…StateExited` event's `assignedVariables`, a map of name → JSON text) and what
 * was in scope when it was entered (every assignment of the states exited before it, replayed in order,
 * across redrives too: a redriven execution keeps its variables). Pure, and unit-tested in
 * test/unit/console/variables.test.ts.
 */
import { detailsOf, type HistoryEventLike } from './history';

/** Variable name → its value as JSON text, as the history carries it. */
export type Variables = Record<string, string>;

export interface RunVariables {
  /** What the state assigned on its exit; undefined when it assigned nothing (or has not exited). */
  assigned?: Variables;
  /** The variables in scope when the state was entered. */
  inScope: Variables;
}

const isVariables = (value: unknown): value is Variables =>
  typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');

/** Each run's variables, keyed by the id of its `…StateEntered` event (a StateRun's `eventId`). */
export const variablesOf = (events: readonly HistoryEventLike[]): Map<number, RunVariables> => {
  const byRun = new Map<number, RunVariables>();
  const scope: Variables = {};
  const open: { name: string; run: RunVariables }[] = [];
  for (const event of events) {
    const type = String(event.type ?? '');
    const details = detailsOf(event);
    if (type.endsWith('StateEntered')) {
      const run: RunVariables = { inScope: { ...scope } };
      byRun.set(Number(event.id ?? 0), run);
      open.push({ name: String(details.name), run });
    } else if (type.endsWith('StateExited')) {
      // The innermost open run of that name (a Map's or Parallel's inner states exit before their parent).
      const at = open.findLastIndex((entry) => entry.name === details.name);
      const entry = at >= 0 ? open.splice(at, 1)[0] : undefined;
      if (!isVariables(details.assignedVariables)) continue;
      if (entry) entry.run.assigned = { ...details.assignedVariables };
      Object.assign(scope, details.assignedVariables);
    }
  }
  return byRun;
};

/** A variable's value as a person reads it: its JSON, pretty when it is an object. */
export const variableText = (json: string): string => {
  try {
    const value = JSON.parse(json) as unknown;
    return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : json;
  } catch {
    return json;
  }
};
