import { useState } from 'preact/hooks';
import { Details, JsonBlock } from '../../../components/common';
import { formatDuration, formatTime } from '../../../components/format';
import { STATUS_LABELS } from '../../../graph/style';
import { type AslDefinition, resourceOf } from '../../../model/definition';
import type { ExecutionStates } from '../../../model/history';
import type { RunVariables } from '../../../model/variables';
import { DataFlowTab } from './data-flow';
import { LogsTab } from './logs-tab';
import { RetriesTab } from './retries';
import { TestStateForm } from './test-state-form';
import { VariablesTab } from './variables';

type StepTab = 'io' | 'flow' | 'variables' | 'retry' | 'logs' | 'definition' | 'test';
const STEP_TABS: [StepTab, string][] = [
  ['io', 'Input and output'],
  ['flow', 'Data flow'],
  ['variables', 'Variables'],
  ['retry', 'Retry'],
  ['logs', 'Logs'],
  ['definition', 'Definition'],
  ['test', 'Test state'],
];

interface StepPanelProps {
  name: string;
  definition: AslDefinition;
  states: ExecutionStates;
  /** Each run's variables, by its StateEntered event's id. */
  variables: Map<number, RunVariables>;
  onClose: () => void;
}

/**
 * The step panel, as the AWS console's step details: the selected state's status, error and cause,
 * then tabs: its input and output, its data flow (TestState's DEBUG replay), its variables, its
 * attempts (Retry), its definition, and "Test state".
 */
export const StepPanel = ({ name, definition, states, variables, onClose }: StepPanelProps) => {
  const [tab, setTab] = useState<StepTab>('io');
  const state = definition.States[name];
  const run = states.latest.get(name);
  const runs = states.runs.filter((r) => r.name === name);
  const runVariables = run && variables.get(run.eventId);
  return (
    <aside class="step-panel" aria-label={`Step ${name}`}>
      <header class="panel-head">
        <h2>{name}</h2>
        <button type="button" class="link" onClick={onClose} aria-label="Close the step panel">
          ✕
        </button>
      </header>
      <Details
        items={[
          ['Type', state?.Type],
          [
            'Status',
            <span key="s" data-step-status={run?.status ?? 'not-reached'}>
              {STATUS_LABELS[run?.status ?? 'not-reached']}
            </span>,
          ],
          ['Resource', resourceOf(state)],
          ['Entered', run && formatTime(run.enteredAt)],
          ['Duration', run?.exitedAt !== undefined ? formatDuration(run.exitedAt - run.enteredAt) : undefined],
          ['Times entered', String(runs.length)],
        ]}
      />
      {run?.error && (
        <div class="step-error" role="note" aria-label="Error">
          <strong>{run.error}</strong>
          {run.cause && <JsonBlock label="Cause" text={run.cause} />}
        </div>
      )}
      <div class="tabs step-tabs" role="tablist" aria-label="Step details">
        {STEP_TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
            {label}
            {id === 'retry' && run?.retries ? ` (${run.retries})` : ''}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={STEP_TABS.find(([id]) => id === tab)![1]}>
        {tab === 'io' && (
          <>
            <h3>Input</h3>
            <JsonBlock label="Input" text={run?.input} />
            <h3>Output</h3>
            <JsonBlock label="Output" text={run?.output} />
          </>
        )}
        {tab === 'flow' && (
          <DataFlowTab definition={definition} name={name} run={run} scope={runVariables?.inScope ?? {}} />
        )}
        {tab === 'variables' && <VariablesTab variables={runVariables} />}
        {tab === 'retry' && <RetriesTab run={run} state={state} />}
        {tab === 'logs' && <LogsTab state={state} run={run} />}
        {tab === 'definition' && <JsonBlock label="Definition" text={JSON.stringify(state ?? null)} />}
        {tab === 'test' && (
          <TestStateForm
            key={`${name}:${run?.eventId}`}
            definition={definition}
            name={name}
            run={run}
            scope={runVariables?.inScope ?? {}}
          />
        )}
      </div>
    </aside>
  );
};
