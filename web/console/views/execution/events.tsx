import { GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { useState } from 'preact/hooks';
import { useServices } from '../../aws';
import { ErrorNote, JsonBlock } from '../../components/common';
import { formatDuration } from '../../components/format';
import { usePolling } from '../../hooks';
import { detailsOf } from '../../model/history';

const PAGE_SIZE = 25;

/** The members of an event's details that hold JSON text (input, output, parameters, cause). */
const JSON_MEMBERS = ['input', 'output', 'parameters', 'cause'];

const EventRow = ({ event, startedAt }: { event: HistoryEvent; startedAt: number }) => {
  const details = detailsOf(event);
  const name = typeof details.name === 'string' ? details.name : '';
  const jsonMembers = JSON_MEMBERS.filter((member) => typeof details[member] === 'string');
  const other = Object.fromEntries(
    Object.entries(details).filter(([key]) => !JSON_MEMBERS.includes(key) && !key.endsWith('Details')),
  );
  const failed = /Failed|TimedOut|Aborted/.test(event.type ?? '');
  return (
    <li class={`event${failed ? ' failed' : ''}`} data-event-type={event.type}>
      <details>
        <summary>
          <span class="event-id">{event.id}</span>
          <span class="event-type">{event.type}</span>
          <span class="event-name">{name}</span>
          <span class="muted">{formatDuration((event.timestamp?.getTime() ?? startedAt) - startedAt)}</span>
        </summary>
        {Object.keys(other).length > 0 && <JsonBlock label="Details" text={JSON.stringify(other)} />}
        {jsonMembers.map((member) => (
          <div key={member}>
            <h4>{member}</h4>
            <JsonBlock label={`${event.type} ${member}`} text={details[member] as string} />
          </div>
        ))}
      </details>
    </li>
  );
};

/** The event view: GetExecutionHistory, a page at a time, each event's input and output expandable. */
export const EventsView = ({
  executionArn,
  live,
  startedAt,
}: {
  executionArn: string;
  live: boolean;
  startedAt: number;
}) => {
  const { sfn } = useServices();
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const token = tokens.at(-1);
  const page = usePolling(
    () => sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: PAGE_SIZE, nextToken: token })),
    [executionArn, token],
    { intervalMs: 2_000, live },
  );
  return (
    <div class="events" aria-label="Events">
      <ErrorNote error={page.error} />
      <ol class="event-list">
        {(page.data?.events ?? []).map((event) => (
          <EventRow key={event.id} event={event} startedAt={startedAt} />
        ))}
      </ol>
      <nav class="pager" aria-label="Event pages">
        <button type="button" disabled={tokens.length < 2} onClick={() => setTokens(tokens.slice(0, -1))}>
          ← Previous
        </button>
        <span class="muted">Page {tokens.length}</span>
        <button
          type="button"
          disabled={!page.data?.nextToken}
          onClick={() => setTokens([...tokens, page.data?.nextToken])}
        >
          Next →
        </button>
      </nav>
    </div>
  );
};
