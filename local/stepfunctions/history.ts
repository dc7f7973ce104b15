import type { Json } from './engine/types';

/** A JSON value, as states pass each other their input and output. */
export type JSONValue = Json;

/** One event of an execution's history, in the shape of GetExecutionHistory. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}
