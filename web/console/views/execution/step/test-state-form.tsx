import { type InspectionLevel, TestStateCommand } from '@aws-sdk/client-sfn';
import { useState } from 'preact/hooks';
import { useServices } from '../../../aws';
import { ErrorNote, JsonBlock, StatusBadge } from '../../../components/common';
import { prettyJson } from '../../../components/format';
import { checkJson, JsonEditor } from '../../../components/json-editor';
import type { TestStateAnswer } from '../../../model/data-flow';
import type { AslDefinition } from '../../../model/definition';
import type { StateRun } from '../../../model/history';
import type { Variables } from '../../../model/variables';
import { DataFlowList } from './data-flow';
import { type MockChoice, needsMock, recordedMock, testStateRequest, variablesJson } from './test-state-call';

const LEVELS: InspectionLevel[] = ['INFO', 'DEBUG', 'TRACE'];

/** TestState's answer: status, next state, output, error and cause, and the data flow (DEBUG, TRACE). */
const Answer = ({ answer, definition, name }: { answer: TestStateAnswer; definition: AslDefinition; name: string }) => (
  <div class="test-answer" role="region" aria-label="Test result" data-status={answer.status}>
    <p>
      <StatusBadge status={answer.status} />
      {answer.nextState && (
        <span class="next-state">
          {' '}
          → next state <strong data-next-state={answer.nextState}>{answer.nextState}</strong>
        </span>
      )}
    </p>
    {answer.error && (
      <div class="step-error">
        <strong>{answer.error}</strong>
        {answer.cause && <JsonBlock label="Test cause" text={answer.cause} />}
      </div>
    )}
    {answer.output !== undefined && <JsonBlock label="Test output" text={answer.output} />}
    {answer.inspectionData && <DataFlowList answer={answer} definition={definition} name={name} />}
  </div>
);

type MockKind = MockChoice['kind'];

/** The mock chosen in the form. */
const mockOf = (kind: MockKind, result: string, error: string, cause: string): MockChoice =>
  kind === 'result' ? { kind, result } : kind === 'error' ? { kind, error, cause } : { kind: 'none' };

type Field<T> = [T, (value: T) => void];

/** The mock of a Task's call: a result (JSON) or an error and its cause. */
const MockFields = ({
  mockable,
  kind: [kind, setKind],
  result: [result, setResult],
  error: [error, setError],
  cause: [cause, setCause],
}: {
  mockable: boolean;
  kind: Field<MockKind>;
  result: Field<string>;
  error: Field<string>;
  cause: Field<string>;
}) => (
  <>
    {mockable && (
      <label>
        Mock
        <select aria-label="Mock" value={kind} onChange={(e) => setKind(e.currentTarget.value as MockKind)}>
          <option value="result">A result</option>
          <option value="error">An error</option>
        </select>
      </label>
    )}
    {kind === 'result' && (
      <JsonEditor id="test-result" label="Mocked result" value={result} onInput={setResult} rows={5} />
    )}
    {kind === 'error' && (
      <>
        <label>
          Mocked error
          <input type="text" value={error} onInput={(e) => setError(e.currentTarget.value)} />
        </label>
        <label>
          Mocked cause
          <input type="text" value={cause} onInput={(e) => setCause(e.currentTarget.value)} />
        </label>
      </>
    )}
  </>
);

/**
 * "Test state": the state run once by TestState with an input (the recorded one, prefilled), the
 * variables in scope, a mocked result or error (for a Task), and an inspection level.
 */
export const TestStateForm = (props: { definition: AslDefinition; name: string; run?: StateRun; scope: Variables }) => {
  const { definition, name, run, scope } = props;
  const { sfn } = useServices();
  const recorded = recordedMock(run);
  const mockable = needsMock(definition.States[name]?.Type);
  const [input, setInput] = useState(prettyJson(run?.input ?? '{}'));
  const [variables, setVariables] = useState(prettyJson(variablesJson(scope)));
  const [kind, setKind] = useState<MockKind>(mockable ? (recorded?.kind ?? 'result') : 'none');
  const [result, setResult] = useState(prettyJson(recorded?.kind === 'result' ? recorded.result : '{}'));
  const [error, setError] = useState(recorded?.kind === 'error' ? recorded.error : 'States.TaskFailed');
  const [cause, setCause] = useState(recorded?.kind === 'error' ? recorded.cause : '');
  const [level, setLevel] = useState<InspectionLevel>('DEBUG');
  const [answer, setAnswer] = useState<TestStateAnswer>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const invalid = [input, variables, kind === 'result' ? result : '{}'].some((text) => checkJson(text) !== undefined);
  const submit = (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    setAnswer(undefined);
    const request = testStateRequest({
      definition,
      stateName: name,
      input,
      variables,
      mock: mockOf(kind, result, error, cause),
      inspectionLevel: level,
    });
    sfn
      .send(new TestStateCommand(request))
      .then(setAnswer, setFailure)
      .finally(() => setBusy(false));
  };
  return (
    <form class="form test-state" aria-label="Test state" onSubmit={submit}>
      <JsonEditor id="test-input" label="State input" value={input} onInput={setInput} rows={8} />
      <JsonEditor id="test-variables" label="Variables" value={variables} onInput={setVariables} rows={3} />
      <MockFields
        mockable={mockable}
        kind={[kind, setKind]}
        result={[result, setResult]}
        error={[error, setError]}
        cause={[cause, setCause]}
      />
      <label>
        Inspection level
        <select
          aria-label="Inspection level"
          value={level}
          onChange={(e) => setLevel(e.currentTarget.value as InspectionLevel)}
        >
          {LEVELS.map((value) => (
            <option key={value}>{value}</option>
          ))}
        </select>
      </label>
      <div class="button-row">
        <button type="submit" class="primary" disabled={busy || invalid}>
          Run test
        </button>
      </div>
      <ErrorNote error={failure} />
      {answer && <Answer answer={answer} definition={definition} name={name} />}
    </form>
  );
};
