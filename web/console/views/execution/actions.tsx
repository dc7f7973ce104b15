import {
  RedriveExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { useState } from 'preact/hooks';
import { useServices } from '../../aws';
import { ErrorNote } from '../../components/common';
import { href } from '../../hooks';

interface ActionsProps {
  execution: DescribeExecutionCommandOutput;
  onExport: () => void;
  /** Called after an action changed the execution, to read it again at once. */
  onChanged: () => void;
}

const ENDED_UNSUCCESSFULLY = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * Stop, Export JSON, Redrive and Start (a new execution, its input prefilled from this one's).
 * Redrive is offered as AWS offers it: for an execution that failed, timed out or was stopped, unless
 * DescribeExecution says it is NOT_REDRIVABLE; LocalStack answers it with 501, which is shown.
 */
export const ExecutionActions = ({ execution, onExport, onChanged }: ActionsProps) => {
  const { sfn } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const arn = execution.executionArn!;
  const act = (label: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    action()
      .then(() => setNotice(label), setError)
      .finally(() => {
        setBusy(false);
        onChanged();
      });
  };
  const canRedrive = ENDED_UNSUCCESSFULLY.has(execution.status ?? '') && execution.redriveStatus !== 'NOT_REDRIVABLE';
  return (
    <div class="actions">
      <div class="button-row" role="group" aria-label="Execution actions">
        <button
          type="button"
          disabled={busy || execution.status !== 'RUNNING'}
          onClick={() =>
            act('Stop requested.', () =>
              sfn.send(
                new StopExecutionCommand({
                  executionArn: arn,
                  error: 'StoppedFromConsole',
                  cause: 'Stopped from the console',
                }),
              ),
            )
          }
        >
          Stop
        </button>
        <button
          type="button"
          class={canRedrive ? 'primary' : ''}
          disabled={busy || !canRedrive}
          title={execution.redriveStatusReason}
          onClick={() =>
            act('Redrive started: the execution resumes from its unsuccessful state.', () =>
              sfn.send(new RedriveExecutionCommand({ executionArn: arn, clientToken: crypto.randomUUID() })),
            )
          }
        >
          Redrive
        </button>
        <button type="button" onClick={onExport}>
          Export JSON
        </button>
        <a class="button" href={href('start', arn)}>
          New execution
        </a>
      </div>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorNote error={error} />
    </div>
  );
};
