import { useState } from 'preact/hooks';
import type { ChaosApi, NewFaultRule } from '../chaos';
import { ErrorNote } from '../components/common';

type Firing = 'always' | 'times' | 'probability';

/** The form's fields, as typed. */
interface Fields {
  service: NewFaultRule['service'];
  target: string;
  operation: string;
  effect: NewFaultRule['effect'];
  code: string;
  latencyMs: string;
  firing: Firing;
  times: string;
  percent: string;
}

/** A field's change handler. */
type Setter = (key: keyof Fields) => (event: Event) => void;

/** The rule the form's fields make (pure). */
export const ruleOf = (fields: Fields): NewFaultRule => ({
  service: fields.service,
  ...(fields.service === 'lambda' && fields.target.trim() && { function: fields.target.trim() }),
  ...(fields.operation.trim() && { operation: fields.operation.trim() }),
  effect: fields.effect,
  ...(fields.effect === 'error' && { error: { code: fields.code.trim() || 'ServiceUnavailable' } }),
  ...(fields.effect === 'latency' && { latencyMs: Number(fields.latencyMs) }),
  ...(fields.firing === 'times' && { times: Number(fields.times) }),
  ...(fields.firing === 'probability' && { probability: Number(fields.percent) / 100 }),
});

/** What the fault targets: the service, the function (Lambda) and the operation. */
const TargetFields = ({
  fields,
  set,
  functions,
}: {
  fields: Fields;
  set: Setter;
  functions: { state: string; function: string }[];
}) => (
  <>
    <label>
      Service
      <select aria-label="Service" value={fields.service} onChange={set('service')}>
        <option value="lambda">Lambda (a function)</option>
        <option value="dynamodb">DynamoDB</option>
        <option value="sns">SNS</option>
        <option value="states">Step Functions</option>
      </select>
    </label>
    {fields.service === 'lambda' && (
      <label>
        Function
        <input
          aria-label="Function"
          list="saga-functions"
          value={fields.target}
          onInput={set('target')}
          placeholder="any function"
        />
        <datalist id="saga-functions">
          {functions.map((f) => (
            <option key={f.state} value={f.function} label={f.state} />
          ))}
        </datalist>
      </label>
    )}
    <label>
      Operation{' '}
      <input
        aria-label="Operation"
        value={fields.operation}
        onInput={set('operation')}
        placeholder={fields.service === 'lambda' ? 'Invoke' : 'any operation'}
      />
    </label>
  </>
);

/** What the fault does, and when it fires. */
const EffectFields = ({ fields, set }: { fields: Fields; set: Setter }) => (
  <>
    <label>
      Effect
      <select aria-label="Effect" value={fields.effect} onChange={set('effect')}>
        <option value="error">Error</option>
        <option value="timeout">Timeout</option>
        <option value="crash">Crash</option>
        <option value="latency">Latency</option>
      </select>
    </label>
    {fields.effect === 'error' && (
      <label>
        Error code <input aria-label="Error code" value={fields.code} onInput={set('code')} />
      </label>
    )}
    {fields.effect === 'latency' && (
      <label>
        Latency (ms){' '}
        <input
          aria-label="Latency (ms)"
          type="number"
          min={0}
          max={120000}
          value={fields.latencyMs}
          onInput={set('latencyMs')}
        />
      </label>
    )}
    <label>
      Fires
      <select aria-label="Fires" value={fields.firing} onChange={set('firing')}>
        <option value="always">On every call</option>
        <option value="times">On the next N calls</option>
        <option value="probability">With a probability</option>
      </select>
    </label>
    {fields.firing === 'times' && (
      <label>
        Calls (N) <input aria-label="Calls (N)" type="number" min={1} value={fields.times} onInput={set('times')} />
      </label>
    )}
    {fields.firing === 'probability' && (
      <label>
        Probability (%){' '}
        <input
          aria-label="Probability (%)"
          type="number"
          min={1}
          max={100}
          value={fields.percent}
          onInput={set('percent')}
        />
      </label>
    )}
  </>
);

/** The form that adds a fault rule. */
export const FaultForm = ({
  chaos,
  functions,
  onAdded,
}: {
  chaos: ChaosApi;
  functions: { state: string; function: string }[];
  onAdded: () => void;
}) => {
  const [fields, setFields] = useState<Fields>({
    service: 'lambda',
    target: '',
    operation: '',
    effect: 'error',
    code: 'ServiceUnavailable',
    latencyMs: '2000',
    firing: 'always',
    times: '1',
    percent: '50',
  });
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const set: Setter = (key) => (event: Event) =>
    setFields({ ...fields, [key]: (event.currentTarget as HTMLInputElement).value });
  const submit = (event: Event) => {
    event.preventDefault();
    setError(undefined);
    chaos.add(ruleOf(fields)).then(() => {
      setNotice('Fault rule added.');
      onAdded();
    }, setError);
  };
  return (
    <form class="form grid-form" onSubmit={submit} aria-label="Add a fault">
      <TargetFields fields={fields} set={set} functions={functions} />
      <EffectFields fields={fields} set={set} />
      <div class="button-row">
        <button type="submit" class="primary">
          Add fault
        </button>
        {notice && (
          <span class="notice" role="status">
            {notice}
          </span>
        )}
      </div>
      <ErrorNote error={error} />
    </form>
  );
};
