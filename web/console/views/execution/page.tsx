import type { DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { useMemo, useState } from 'preact/hooks';
import { describeError, useServices } from '../../aws';
import { Details, ErrorNote, JsonBlock, Panel, StatusBadge } from '../../components/common';
import { arnName, formatDuration, formatTime } from '../../components/format';
import { download } from '../../download';
import { GraphView } from '../../graph/graph-view';
import { href, usePolling } from '../../hooks';
import type { AslDefinition } from '../../model/definition';
import { failureOf } from '../../model/failure';
import { deriveStates, type ExecutionStates, type HistoryEventLike } from '../../model/history';
import { variablesOf } from '../../model/variables';
import { orderLink } from '../executions';
import { ExecutionActions } from './actions';
import { OrderTrace } from '../traces/trace-view';
import { EventsView } from './events';
import { exportJson, loadDefinition, loadExecution } from './load';
import { FailureBanner } from './failure-banner';
import { StepPanel } from './step/step-panel';
import { RunsTable } from './table';

type Tab = 'graph' | 'table' | 'events' | 'trace';
const TABS: [Tab, string][] = [
  ['graph', 'Graph view'],
  ['table', 'Table view'],
  ['events', 'Event view'],
  ['trace', 'Trace'],
];
const LIVE_MS = 1_500;

/** The execution's summary: status, order, times, redrive, error and ARN. */
const Summary = ({
  execution,
  name,
  span,
}: {
  execution: DescribeExecutionCommandOutput;
  name: string;
  span: { from: number; to: number };
}) => (
  <Details
    items={[
      ['Status', <StatusBadge key="s" status={execution.status} />],
      [
        'Order',
        <a key="o" href={orderLink(name)}>
          {name}
        </a>,
      ],
      ['Started', formatTime(execution.startDate)],
      ['Duration', formatDuration(span.to - span.from)],
      [
        'Redrive count',
        <span key="r" data-redrive-count={execution.redriveCount ?? 0}>
          {execution.redriveCount ?? 0}
        </span>,
      ],
      ['Redrive status', execution.redriveStatus],
      ['Error', execution.error],
      ['Execution ARN', <code key="a">{execution.executionArn}</code>],
    ]}
  />
);

/** The tabs (graph, table, events) and, beside them, the step panel of the state selected. */
const Views = ({
  execution,
  definition,
  states,
  history,
  name,
  span,
}: {
  execution: DescribeExecutionCommandOutput;
  definition: AslDefinition;
  states: ExecutionStates;
  history: readonly HistoryEventLike[];
  name: string;
  span: { from: number; to: number };
}) => {
  const [tab, setTab] = useState<Tab>('graph');
  const [selected, setSelected] = useState<string>();
  const running = execution.status === 'RUNNING';
  const variables = useMemo(() => variablesOf(history), [history]);
  const failure = useMemo(() => failureOf(history, states.runs), [history, states]);
  return (
    <>
      {failure && <FailureBanner failure={failure} onShow={setSelected} />}
      <div class="tabs" role="tablist" aria-label="Views">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <div class={`execution-body${selected ? ' with-step' : ''}`} role="tabpanel">
        <div class="execution-main">
          {tab === 'graph' && (
            <GraphView
              definition={definition}
              states={states}
              ended={!running}
              selected={selected}
              onSelect={setSelected}
              name={name}
            />
          )}
          {tab === 'table' && (
            <RunsTable
              runs={states.runs}
              definition={definition}
              span={span}
              selected={selected}
              onSelect={setSelected}
            />
          )}
          {tab === 'events' && (
            <EventsView executionArn={execution.executionArn!} live={running} startedAt={span.from} />
          )}
          {tab === 'trace' && <OrderTrace orderId={name} window={span} live={running} />}
        </div>
        {selected && (
          <StepPanel
            name={selected}
            definition={definition}
            states={states}
            variables={variables}
            onClose={() => setSelected(undefined)}
          />
        )}
      </div>
    </>
  );
};

/** The execution page, as the AWS console's: summary, actions, graph / table / events, and the step panel. */
export const ExecutionPage = ({ executionArn }: { executionArn: string }) => {
  const { sfn } = useServices();
  const [running, setRunning] = useState(true);
  const loaded = usePolling(
    async () => {
      const result = await loadExecution(sfn, executionArn);
      const definition = await loadDefinition(sfn, result.execution.stateMachineArn!);
      setRunning(result.execution.status === 'RUNNING');
      return { ...result, definition };
    },
    [executionArn],
    { intervalMs: LIVE_MS, live: running },
  );
  const states = useMemo(() => deriveStates(loaded.data?.history ?? []), [loaded.data?.history]);
  if (!loaded.data)
    return loaded.error ? (
      <Panel title="Execution">
        <p class="error" role="alert">
          {describeError(loaded.error)}
        </p>
      </Panel>
    ) : (
      <p class="muted">Loading…</p>
    );
  const { execution, definition } = loaded.data;
  const name = execution.name ?? arnName(executionArn);
  const span = { from: execution.startDate?.getTime() ?? 0, to: execution.stopDate?.getTime() ?? Date.now() };
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumbs">
        <a href={href('executions')}>Executions</a> › <span>{name}</span>
        {execution.status === 'RUNNING' && (
          <span class="live" role="status">
            ● Live
          </span>
        )}
      </nav>
      <Panel
        title={
          <>
            Execution <span class="mono">{name}</span>
          </>
        }
        label="Execution"
        actions={
          <ExecutionActions
            execution={execution}
            onChanged={loaded.reload}
            onExport={() => download(`${name}.json`, exportJson(loaded.data!, definition), 'application/json')}
          />
        }
      >
        <Summary execution={{ ...execution, executionArn }} name={name} span={span} />
        {execution.cause && <JsonBlock label="Cause" text={execution.cause} />}
        <ErrorNote error={loaded.error} />
        <details class="io">
          <summary>Execution input and output</summary>
          <div class="two">
            <JsonBlock label="Execution input" text={execution.input} />
            <JsonBlock label="Execution output" text={execution.output} />
          </div>
        </details>
      </Panel>
      <Views
        execution={{ ...execution, executionArn }}
        definition={definition}
        states={states}
        history={loaded.data.history}
        name={name}
        span={span}
      />
    </>
  );
};
