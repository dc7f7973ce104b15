import { useMemo, useState } from 'preact/hooks';
import { useServices } from '../aws';
import { type ChaosApi, describeRule } from '../chaos';
import { ErrorNote, Panel } from '../components/common';
import { formatTime } from '../components/format';
import { usePolling } from '../hooks';
import { loadDefinition } from './execution/load';
import { FaultForm } from './fault-form';

/** The saga's functions, from its definition: each Task's FunctionName, by state, for the target list. */
const useSagaFunctions = () => {
  const { sfn, config } = useServices();
  const definition = usePolling(
    () => (config.stateMachineArn ? loadDefinition(sfn, config.stateMachineArn) : Promise.resolve(undefined)),
    [config.stateMachineArn],
  );
  return useMemo(
    () =>
      Object.entries(definition.data?.States ?? {}).flatMap(([state, spec]) => {
        const name = spec.Parameters?.FunctionName;
        return typeof name === 'string'
          ? [{ state, function: name.replace(/^arn:aws:lambda:[^:]*:[^:]*:function:/, '') }]
          : [];
      }),
    [definition.data],
  );
};

const Rules = ({ chaos }: { chaos: ChaosApi }) => {
  const rules = usePolling(() => chaos.list(), [chaos], { intervalMs: 2_000 });
  const [error, setError] = useState<unknown>();
  const act = (action: Promise<unknown>) => void action.then(() => rules.reload(), setError);
  return (
    <>
      <ErrorNote error={error ?? rules.error} />
      <table class="table" aria-label="Fault rules">
        <thead>
          <tr>
            <th>Target</th>
            <th>Effect</th>
            <th>Fires</th>
            <th>Injected</th>
            <th>Added</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(rules.data ?? []).map((rule) => {
            const words = describeRule(rule);
            return (
              <tr key={rule.id} data-rule={rule.id}>
                <td>
                  <code>{words.target}</code>
                </td>
                <td>{words.effect}</td>
                <td>{words.fires}</td>
                <td>{rule.injected}</td>
                <td>{formatTime(rule.createdAt)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => act(chaos.remove(rule.id))}
                    aria-label={`Remove rule ${words.target}`}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
          {rules.data?.length === 0 && (
            <tr>
              <td colSpan={6} class="muted">
                No fault rules: every call behaves.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div class="button-row">
        <button type="button" class="danger" disabled={!rules.data?.length} onClick={() => act(chaos.clear())}>
          Clear all faults
        </button>
      </div>
    </>
  );
};

/**
 * The Faults panel over the local cloud's chaos API: the rules in force, a form to add one (a
 * function or an operation; an error, a timeout, a crash or latency; the next N calls or a
 * probability), and clearing them. LocalStack's equivalent is its paid Chaos API; AWS's, FIS.
 */
export const FaultsView = () => {
  const { faultsUrl, chaos } = useServices();
  const functions = useSagaFunctions();
  const [added, setAdded] = useState(0);
  if (!faultsUrl || !chaos)
    return (
      <Panel title="Faults">
        <p class="muted">Faults need the local cloud's edge (?edge=…): AWS has no chaos API.</p>
      </Panel>
    );
  return (
    <>
      <Panel title="Add a fault">
        <FaultForm chaos={chaos} functions={functions} onAdded={() => setAdded(added + 1)} />
      </Panel>
      <Panel title="Fault rules" label="Fault rules">
        <p class="muted small">
          From <code>{faultsUrl}</code>
        </p>
        <Rules key={added} chaos={chaos} />
      </Panel>
    </>
  );
};
