import { useMemo, useState } from 'preact/hooks';
import { describeError, useServices } from '../../aws';
import { Details, ErrorNote, JsonBlock, Panel, StatusBadge } from '../../components/common';
import { arnName, formatDuration, formatTime } from '../../components/format';
import { download } from '../../download';
import { GraphView } from '../../graph/graph-view';
import { href, usePolling } from '../../hooks';
import { deriveStates } from '../../model/history';
import { orderLink } from '../executions';
import { ExecutionActions } from './actions';
import { EventsView } from './events';
import { exportJson, loadDefinition, loadExecution } from './load';
import { StepPanel } from './step-panel';
import { RunsTable } from './table';

type Tab = 'graph' | 'table' | 'events';
const TABS: [Tab, string][] = [['graph', 'Graph view'], ['table', 'Table view'], ['events', 'Event view']];
const LIVE_MS = 1_500;

/** The execution page, as the AWS console's: summary, actions, graph / table / events, and the step panel. */
export const ExecutionPage = ({ executionArn }: { executionArn: string }) => {
  const { sfn } = useServices();
  const [tab, setTab] = useState<Tab>('graph');
  const [selected, setSelected] = useState<string>();
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
  if (!loaded.data) return loaded.error ? <Panel title="Execution"><p class="error" role="alert">{describeError(loaded.error)}</p></Panel> : <p class="muted">Loading…</p>;
  const { execution, definition } = loaded.data;
  const name = execution.name ?? arnName(executionArn);
  const from = execution.startDate?.getTime() ?? 0;
  const to = execution.stopDate?.getTime() ?? Date.now();
  const summary = (
    <Details
      items={[
        ['Status', <StatusBadge key="s" status={execution.status} />],
        ['Order', <a key="o" href={orderLink(name)}>{name}</a>],
        ['Started', formatTime(execution.startDate)],
        ['Duration', formatDuration(to - from)],
        ['Redrive count', <span key="r" data-redrive-count={execution.redriveCount ?? 0}>{execution.redriveCount ?? 0}</span>],
        ['Redrive status', execution.redriveStatus],
        ['Error', execution.error],
        ['Execution ARN', <code key="a">{executionArn}</code>],
      ]}
    />
  );
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumbs">
        <a href={href('executions')}>Executions</a> › <span>{name}</span>
        {execution.status === 'RUNNING' && <span class="live" role="status">● Live</span>}
      </nav>
      <Panel title={<>Execution <span class="mono">{name}</span></>} label="Execution" actions={<ExecutionActions execution={execution} onChanged={loaded.reload} onExport={() => download(`${name}.json`, exportJson(loaded.data!, definition), 'application/json')} />}>
        {summary}
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
      <div class="tabs" role="tablist" aria-label="Views">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>{label}</button>
        ))}
      </div>
      <div class={`execution-body${selected ? ' with-step' : ''}`} role="tabpanel">
        <div class="execution-main">
          {tab === 'graph' && <GraphView definition={definition} states={states} ended={execution.status !== 'RUNNING'} selected={selected} onSelect={setSelected} name={name} />}
          {tab === 'table' && <RunsTable runs={states.runs} definition={definition} span={{ from, to }} selected={selected} onSelect={setSelected} />}
          {tab === 'events' && <EventsView executionArn={executionArn} live={execution.status === 'RUNNING'} startedAt={from} />}
        </div>
        {selected && <StepPanel name={selected} state={definition.States[selected]} states={states} onClose={() => setSelected(undefined)} />}
      </div>
    </>
  );
};
