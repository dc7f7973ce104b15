import { formatDuration, formatTime } from '../../../components/format';
import type { AslState } from '../../../model/definition';
import type { StateRun } from '../../../model/history';
import { retryAttempts } from '../../../model/retries';

/** Each attempt of the run: its outcome, error and cause, how long it ran, and the wait before the next. */
export const RetriesTab = ({ run, state }: { run: StateRun | undefined; state: AslState | undefined }) => {
  if (!run || run.attempts.length === 0)
    return <p class="muted">The state made no attempts (it is not a task, or was not reached).</p>;
  const attempts = retryAttempts(run, state);
  return (
    <>
      <p class="muted">
        {attempts.length} attempt(s), {run.retries} retry(ies).
      </p>
      <ol class="retries-list" aria-label="Attempts">
        {attempts.map((attempt) => (
          <li key={attempt.number} class={attempt.outcome} data-attempt={attempt.number} data-outcome={attempt.outcome}>
            <div>
              <strong>Attempt {attempt.number}</strong> · {attempt.outcome} · started {formatTime(attempt.startedAt)} ·
              ran {formatDuration(attempt.durationMs)}
            </div>
            {attempt.error && (
              <div>
                <code>{attempt.error}</code>
                {attempt.retrier !== undefined && (
                  <span class="muted">
                    {' '}
                    (Retry #{attempt.retrier}: {state?.Retry?.[attempt.retrier]?.ErrorEquals.join(', ')})
                  </span>
                )}
                {attempt.cause && <pre class="json cause">{attempt.cause}</pre>}
              </div>
            )}
            {attempt.waitMs !== undefined && (
              <div class="wait" data-wait-ms={attempt.waitMs}>
                ⏱ waited {formatDuration(attempt.waitMs)} before attempt {attempt.number + 1}
              </div>
            )}
          </li>
        ))}
      </ol>
    </>
  );
};
