import type { ExecutionFailure } from '../../model/failure';

const TITLES: Record<ExecutionFailure['kind'], string> = {
  failed: 'Execution failed',
  'timed-out': 'Execution timed out',
  aborted: 'Execution stopped',
};

/** The banner above a failed execution's views: its error and cause, and a link to the step it failed in. */
export const FailureBanner = ({ failure, onShow }: { failure: ExecutionFailure; onShow: (state: string) => void }) => (
  <div class="failure-banner" role="alert" aria-label={TITLES[failure.kind]} data-failed-state={failure.state}>
    <div class="failure-text">
      <strong>{TITLES[failure.kind]}</strong>
      {failure.error && (
        <>
          {' '}
          — <code class="failure-error">{failure.error}</code>
        </>
      )}
      {failure.state && (
        <span class="muted">
          {' '}
          in <strong>{failure.state}</strong>
          {failure.location && ` (${failure.location})`}
        </span>
      )}
      {failure.cause && <p class="failure-cause">{failure.cause}</p>}
    </div>
    {failure.state && (
      <button type="button" class="link" onClick={() => onShow(failure.state!)}>
        Show step
      </button>
    )}
  </div>
);
