import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { useEffect, useState } from 'preact/hooks';
import { useServices } from '../aws';
import { ErrorNote, Panel } from '../components/common';
import { prettyJson } from '../components/format';
import { checkJson } from '../components/json-editor';
import { href } from '../hooks';

/** Start an execution: a name (optional) and an input, validated as JSON as it is typed. */
export const StartView = ({ fromArn }: { fromArn?: string }) => {
  const { sfn, config } = useServices();
  const [name, setName] = useState('');
  const [input, setInput] = useState('{\n  \n}');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!fromArn) return;
    sfn
      .send(new DescribeExecutionCommand({ executionArn: fromArn }))
      .then((execution) => setInput(prettyJson(execution.input ?? '{}')), setError);
  }, [fromArn, sfn]);
  const invalid = checkJson(input);
  const start = (event: Event) => {
    event.preventDefault();
    if (invalid) return;
    setBusy(true);
    setError(undefined);
    sfn
      .send(
        new StartExecutionCommand({
          stateMachineArn: config.stateMachineArn,
          input,
          ...(name.trim() && { name: name.trim() }),
        }),
      )
      .then((started) => (location.hash = href('executions', started.executionArn!)), setError)
      .finally(() => setBusy(false));
  };
  return (
    <Panel title="Start execution">
      <form class="form" onSubmit={start} aria-label="Start execution">
        <label>
          Name <span class="muted">(optional: the saga names its executions by order id)</span>
          <input
            type="text"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            pattern="[A-Za-z0-9_\-]{1,80}"
          />
        </label>
        <label>
          Input
          <textarea
            class="code"
            rows={14}
            value={input}
            onInput={(e) => setInput(e.currentTarget.value)}
            aria-invalid={invalid !== undefined}
            aria-describedby="input-check"
            spellcheck={false}
          />
        </label>
        <p id="input-check" class={invalid ? 'error' : 'ok'} role="status">
          {invalid ? `Not valid JSON: ${invalid}` : 'Valid JSON'}
        </p>
        <ErrorNote error={error} />
        <div class="button-row">
          <button type="submit" class="primary" disabled={busy || invalid !== undefined}>
            Start execution
          </button>
          <a class="button" href={href('executions')}>
            Cancel
          </a>
        </div>
      </form>
    </Panel>
  );
};
