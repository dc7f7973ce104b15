import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { useServices } from '../../../aws';
import { ErrorNote } from '../../../components/common';
import { href, usePolling } from '../../../hooks';
import type { AslState } from '../../../model/definition';
import type { StateRun } from '../../../model/history';
import { type LogLine, participantOf, stepLogQueries } from '../../../model/logs';
import { LogLines } from '../../logs/log-lines';

const MAX_LINES = 500;

/** The step's Logs tab: each attempt's lines (FilterLogEvents by its request id, within its time window). */
export const LogsTab = ({ state, run }: { state: AslState | undefined; run: StateRun | undefined }) => {
  const { logs } = useServices();
  const queries = stepLogQueries(state, run);
  const key = JSON.stringify(queries.map((q) => [q.logGroupName, q.requestId, q.startTime]));
  const linesOf = async (
    logGroupName: string,
    filterPattern: string | undefined,
    startTime: number,
    endTime: number,
  ) => {
    const lines: LogLine[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({ logGroupName, filterPattern, startTime, endTime, nextToken }),
      );
      for (const e of page.events ?? [])
        lines.push({
          eventId: e.eventId ?? '',
          timestamp: e.timestamp ?? 0,
          message: e.message ?? '',
          logStreamName: e.logStreamName,
        });
      nextToken = page.nextToken;
    } while (nextToken && lines.length < MAX_LINES);
    return lines;
  };
  const loaded = usePolling(
    () =>
      Promise.all(
        queries.map(async ({ attempt, requestId, logGroupName, filterPattern, startTime, endTime }) => {
          const lines = await linesOf(logGroupName, filterPattern, startTime, endTime);
          // A step that invokes another function (the circuit-breaking step) names that invocation: its lines too.
          const invoked = participantOf(lines);
          const participant = invoked && {
            ...invoked,
            lines: await linesOf(invoked.logGroupName, `"${invoked.requestId}"`, startTime, endTime),
          };
          return { attempt, requestId, logGroupName, lines, participant };
        }),
      ),
    [key],
    { intervalMs: 5_000, live: run?.status === 'in-progress' },
  );
  if (queries.length === 0) return <p class="muted">This step runs no Lambda function: it has no logs.</p>;
  return (
    <div class="step-logs">
      <ErrorNote error={loaded.error} />
      {loaded.loading && !loaded.data && <p class="muted">Loading…</p>}
      {(loaded.data ?? []).map(({ attempt, requestId, logGroupName, lines, participant }) => (
        <section key={attempt} aria-label={`Attempt ${attempt} logs`}>
          <h3>
            Attempt {attempt}{' '}
            {requestId ? (
              <a href={href('logs', logGroupName, requestId)}>request {requestId}</a>
            ) : (
              <span class="muted">(no request id: every line of {logGroupName} in its time window)</span>
            )}
          </h3>
          <LogLines lines={lines} />
          {participant && (
            <section aria-label={`Attempt ${attempt} participant logs`}>
              <h4>
                It invoked {participant.logGroupName.replace('/aws/lambda/', '')}:{' '}
                <a href={href('logs', participant.logGroupName, participant.requestId)}>
                  request {participant.requestId}
                </a>
              </h4>
              <LogLines lines={participant.lines} />
            </section>
          )}
        </section>
      ))}
    </div>
  );
};
