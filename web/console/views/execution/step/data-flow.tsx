import { TestStateCommand } from '@aws-sdk/client-sfn';
import { useEffect, useState } from 'preact/hooks';
import { useServices } from '../../../aws';
import { ErrorNote, JsonBlock } from '../../../components/common';
import { dataFlowSteps, queryLanguageOf, type TestStateAnswer } from '../../../model/data-flow';
import type { AslDefinition } from '../../../model/definition';
import type { StateRun } from '../../../model/history';
import type { Variables } from '../../../model/variables';
import { needsMock, recordedMock, testStateRequest, variablesJson } from './test-state-call';

/** A state's data flow, step after step, each with the field that made it. */
export const DataFlowList = ({
  answer,
  definition,
  name,
}: {
  answer: TestStateAnswer;
  definition: AslDefinition;
  name: string;
}) => {
  const language = queryLanguageOf(definition, definition.States[name]);
  const steps = dataFlowSteps(answer, language);
  return (
    <ol class="data-flow" aria-label="Data flow" data-language={language}>
      {steps.map((step) => (
        <li key={step.label} data-step={step.label}>
          <span class="flow-label">
            {step.label}
            {step.field && <code class="flow-field">{step.field}</code>}
          </span>
          <JsonBlock label={step.label} text={step.value} />
        </li>
      ))}
    </ol>
  );
};

/**
 * The data flow of the run as it happened: TestState at DEBUG with the run's recorded input, the
 * variables in scope when it was entered and, for a Task, its recorded result (or error) as the mock.
 */
export const DataFlowTab = ({
  definition,
  name,
  run,
  scope,
}: {
  definition: AslDefinition;
  name: string;
  run: StateRun | undefined;
  scope: Variables;
}) => {
  const { sfn } = useServices();
  const [answer, setAnswer] = useState<TestStateAnswer>();
  const [error, setError] = useState<unknown>();
  const type = definition.States[name]?.Type;
  const mock = needsMock(type) ? recordedMock(run) : { kind: 'none' as const };
  const ready = run?.input !== undefined && mock !== undefined;
  useEffect(() => {
    setAnswer(undefined);
    setError(undefined);
    if (!ready) return;
    const request = testStateRequest({
      definition,
      stateName: name,
      input: run.input!,
      variables: variablesJson(scope),
      mock,
      inspectionLevel: 'DEBUG',
      retries: run.retries,
    });
    sfn.send(new TestStateCommand(request)).then(setAnswer, setError);
  }, [definition, name, run?.eventId, run?.attempts.length, ready]);
  if (!ready)
    return <p class="muted">{run ? 'The state has no recorded result yet.' : 'The state was not reached.'}</p>;
  return (
    <div aria-label="Data flow of the run" role="region">
      <p class="muted">
        As TestState replays it (DEBUG), with the recorded input{mock.kind === 'none' ? '' : ` and ${mock.kind}`}.
      </p>
      <ErrorNote error={error} />
      {!answer && !error && <p class="muted">Asking TestState…</p>}
      {answer && <DataFlowList answer={answer} definition={definition} name={name} />}
    </div>
  );
};
