import { type ExecutionListItem, type ExecutionStatus, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { useState } from 'preact/hooks';
import { useServices } from '../aws';
import { ErrorNote, Panel, StatusBadge } from '../components/common';
import { formatDuration, formatTime } from '../components/format';
import { href, usePolling } from '../hooks';
import type { TimeWindow } from '../model/window';

const STATUSES: (ExecutionStatus | '')[] = [
  '',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
];
const PAGE_SIZE = 20;
const REFRESH_MS = 3_000;

/** The shop's page for an order: the web server serves the shop at `/`, the console at `/console/`. */
export const orderLink = (orderId: string) => `/#/orders/${encodeURIComponent(orderId)}`;

const Row = ({ execution }: { execution: ExecutionListItem }) => {
  const name = execution.name ?? '';
  const end = execution.stopDate ?? (execution.status === 'RUNNING' ? new Date() : undefined);
  return (
    <tr data-execution={name} data-status={execution.status}>
      <td>
        <a href={href('executions', execution.executionArn ?? '')}>{name}</a>
        <a
          class="order-link"
          href={orderLink(name)}
          title="The order in the shop"
          aria-label={`Order ${name} in the shop`}
        >
          order ↗
        </a>
      </td>
      <td>
        <StatusBadge status={execution.status} />
        {execution.redriveCount ? <span class="muted small"> redriven ×{execution.redriveCount}</span> : null}
      </td>
      <td>{formatTime(execution.startDate)}</td>
      <td>{formatDuration(end && execution.startDate ? end.getTime() - execution.startDate.getTime() : undefined)}</td>
    </tr>
  );
};

/**
 * The state machine's executions, newest first (ListExecutions): filtered by status, paged by
 * nextToken, and refreshed every few seconds.
 */
/** The status filter and the Start button. */
const Actions = ({ status, onFilter }: { status: ExecutionStatus | ''; onFilter: (event: Event) => void }) => (
  <>
    <label class="inline">
      Status
      <select aria-label="Filter by status" value={status} onChange={onFilter}>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s ? s.replace(/_/g, ' ') : 'Any'}
          </option>
        ))}
      </select>
    </label>
    <a class="button primary" href={href('start')}>
      Start execution
    </a>
  </>
);

/** Newer and older pages: the tokens of the pages before this one, and this one's. */
const Pager = ({
  tokens,
  next,
  onPage,
}: {
  tokens: (string | undefined)[];
  next?: string;
  onPage: (tokens: (string | undefined)[]) => void;
}) => (
  <nav class="pager" aria-label="Pages">
    <button type="button" disabled={tokens.length < 2} onClick={() => onPage(tokens.slice(0, -1))}>
      ← Newer
    </button>
    <span class="muted">Page {tokens.length}</span>
    <button type="button" disabled={!next} onClick={() => onPage([...tokens, next])}>
      Older →
    </button>
  </nav>
);

/** The executions that ran in a window (ListExecutions has no time filter: newest first, read until older than it). */
const inWindow = async (
  sfn: ReturnType<typeof useServices>['sfn'],
  query: { stateMachineArn: string; statusFilter?: ExecutionStatus },
  window: TimeWindow,
): Promise<{ executions?: ExecutionListItem[]; nextToken?: string }> => {
  const executions: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 10; page++) {
    const answer = await sfn.send(new ListExecutionsCommand({ ...query, maxResults: 100, nextToken }));
    for (const e of answer.executions ?? []) {
      const started = e.startDate?.getTime() ?? 0;
      const stopped = e.stopDate?.getTime() ?? Date.now();
      if (started <= window.end && stopped >= window.start) executions.push(e);
    }
    nextToken = answer.nextToken;
    const oldest = answer.executions?.at(-1)?.startDate?.getTime() ?? 0;
    if (!nextToken || oldest < window.start - 24 * 3600_000) break;
  }
  return { executions };
};

const WindowNote = ({ window }: { window: TimeWindow }) => (
  <p class="muted small" data-window={`${window.start}..${window.end}`}>
    Running between {new Date(window.start).toLocaleString()} and {new Date(window.end).toLocaleString()} ·{' '}
    <a href={href('executions')}>all executions</a>
  </p>
);

export const ExecutionsView = ({ window }: { window?: TimeWindow }) => {
  const { sfn, config } = useServices();
  const [status, setStatus] = useState<ExecutionStatus | ''>('');
  // The tokens of the pages before this one, and this one's (undefined: the first page).
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const token = tokens.at(-1);
  const page = usePolling(
    () =>
      window
        ? inWindow(sfn, { stateMachineArn: config.stateMachineArn, ...(status && { statusFilter: status }) }, window)
        : sfn.send(
            new ListExecutionsCommand({
              stateMachineArn: config.stateMachineArn,
              maxResults: PAGE_SIZE,
              nextToken: token,
              ...(status && { statusFilter: status }),
            }),
          ),
    [status, token, config.stateMachineArn],
    { intervalMs: REFRESH_MS },
  );
  const filter = (event: Event) => {
    setStatus((event.currentTarget as HTMLSelectElement).value as ExecutionStatus | '');
    setTokens([undefined]);
  };
  const actions = <Actions status={status} onFilter={filter} />;
  if (!config.stateMachineArn)
    return (
      <Panel title="Executions">
        <p class="error" role="alert">
          No state machine: give its ARN as ?stateMachineArn=…
        </p>
      </Panel>
    );
  const executions = page.data?.executions ?? [];
  return (
    <Panel
      title={`Executions (${executions.length}${page.data?.nextToken ? '+' : ''})`}
      label="Executions"
      actions={actions}
    >
      <p class="muted small">
        State machine <code>{config.stateMachineArn}</code>
      </p>
      {window && <WindowNote window={window} />}
      <ErrorNote error={page.error} />
      <table class="table" aria-label="Executions">
        <thead>
          <tr>
            <th>Name (order)</th>
            <th>Status</th>
            <th>Started</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {executions.map((execution) => (
            <Row key={execution.executionArn} execution={execution} />
          ))}
          {!page.loading && executions.length === 0 && (
            <tr>
              <td colSpan={4} class="muted">
                No executions{status && ` with status ${status}`}.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager tokens={tokens} next={page.data?.nextToken} onPage={setTokens} />
    </Panel>
  );
};
