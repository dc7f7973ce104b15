import { type Chaos, COMMON_EFFECTS } from '../chaos/faults';
import type { FaultTarget, LocalService } from '../http/local-service';
import { type HttpResponse, json } from '../http/messages';
import { ServiceError } from '../support/errors';
import { parseJsonBody } from '../support/json-body';
import type { EventsService } from './service';

const TARGET = 'AWSEvents.';
const HEADERS = { 'content-type': 'application/x-amz-json-1.1' };
/** EventBridge's limits: entries a request, and bytes an entry. */
const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

type Entry = Record<string, unknown>;
type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const entryError = (ErrorCode: string, ErrorMessage: string): ResultEntry => ({ ErrorCode, ErrorMessage });

/** An entry's size as EventBridge counts it: Time 14 bytes, and the UTF-8 of Source, DetailType, Detail, Resources. */
const sizeOf = (entry: Entry) =>
  (entry.Time === undefined ? 0 : 14) +
  [
    entry.Source,
    entry.DetailType,
    entry.Detail,
    ...(Array.isArray(entry.Resources) ? (entry.Resources as unknown[]) : []),
  ]
    .filter((part): part is string => typeof part === 'string')
    .reduce((total, part) => total + Buffer.byteLength(part), 0);

const isDefaultBus = (bus: unknown, events: EventsService) =>
  bus === undefined ||
  bus === 'default' ||
  bus === `arn:aws:events:${events.account.region}:${events.account.accountId}:event-bus/default`;

/** One entry put on the bus, or why EventBridge refuses it (the others go on). */
const putEntry = (events: EventsService, entry: Entry): ResultEntry => {
  const { Source, DetailType, Detail, Resources, EventBusName, TraceHeader, Time } = entry;
  if (typeof Source !== 'string' || typeof DetailType !== 'string' || typeof Detail !== 'string' || !Source)
    return entryError('InvalidArgument', 'Parameters Source, DetailType and Detail are required strings.');
  if (Source.startsWith('aws.'))
    return entryError('NotAuthorizedForSourceException', `Not authorized for the source ${Source.slice(0, 100)}.`);
  if (!isDefaultBus(EventBusName, events))
    return entryError('InvalidArgument', `Event bus ${String(EventBusName).slice(0, 200)} does not exist.`);
  if (Resources !== undefined && !(Array.isArray(Resources) && Resources.every((r) => typeof r === 'string')))
    return entryError('InvalidArgument', 'Resources is a list of ARNs.');
  if (sizeOf(entry) > MAX_ENTRY_BYTES) return entryError('InvalidArgument', 'The entry is larger than 256 KB.');
  let detail: unknown;
  try {
    detail = JSON.parse(Detail);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    return entryError('MalformedDetail', 'Detail is malformed.');
  const event = events.event(Source, DetailType, detail as Record<string, unknown>, Resources ?? []);
  if (Time !== undefined) {
    // Epoch seconds, as the SDK sends a Date; one a Date cannot hold is refused.
    const at = typeof Time === 'number' ? new Date(Time * 1000) : new Date(NaN);
    if (Number.isNaN(at.getTime())) return entryError('InvalidArgument', 'Time is a timestamp.');
    event.time = at.toISOString();
  }
  events.put(event, typeof TraceHeader === 'string' ? TraceHeader : undefined);
  return { EventId: event.id };
};

/** PutEvents: each entry matched against the rules, its targets invoked; a refused entry does not stop the others. */
const putEvents = (events: EventsService, body: Record<string, unknown>) => {
  const { Entries } = body;
  if (!Array.isArray(Entries) || Entries.length < 1 || Entries.length > MAX_ENTRIES)
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
    );
  const results = Entries.map((entry: unknown) =>
    typeof entry === 'object' && entry !== null
      ? putEntry(events, entry as Entry)
      : entryError('InvalidArgument', 'An entry is an object.'),
  );
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
};

/** One EventBridge call: PutEvents, in AWS's JSON 1.1 shape and error shape. */
export const handleEventsRequest = async (
  events: EventsService,
  action: string,
  body: Buffer,
  chaos?: Chaos,
): Promise<HttpResponse> => {
  try {
    if (action !== 'PutEvents')
      throw new ServiceError(
        'UnknownOperationException',
        `EventBridge operation ${action.slice(0, 100)} is not supported by the local cloud (PutEvents is)`,
      );
    await chaos?.apply({ service: 'events', operation: action });
    return json(200, putEvents(events, parseJsonBody(body)), HEADERS);
  } catch (error) {
    if (error instanceof ServiceError)
      return json(error.status, { __type: error.code, message: error.message }, HEADERS);
    throw error;
  }
};

export const EVENTS_FAULTS: FaultTarget = { service: 'events', effects: COMMON_EFFECTS };

/**
 * EventBridge on the edge: `PutEvents` on the default bus (JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`),
 * as the SDK v3 and `aws events put-events` send it. The template's rules (service.ts) route each event.
 */
export const eventsEdge = (events: EventsService, chaos?: Chaos): LocalService => ({
  name: 'events',
  recognises: (request) => request.target.startsWith(TARGET),
  handle: async (request) =>
    handleEventsRequest(events, request.target.slice(TARGET.length), await request.body(), chaos),
  health: () => 'running',
  faults: EVENTS_FAULTS,
});
