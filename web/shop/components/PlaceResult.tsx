import { shortId } from '../format';
import type { PlaceResult } from '../intent';
import { Alert } from './Alert';

/** What the last attempt to place the order came to, when it did not lead to the order's page. */
export const PlaceResultMessage = ({ result, onRetry }: { result: PlaceResult; onRetry: () => void }) => {
  if (result.kind === 'duplicate') {
    return (
      <Alert tone="warning" title="Similar order already placed">
        {result.message}. Nothing was ordered this time.{' '}
        {result.existingId && (
          <a href={`#/orders/${encodeURIComponent(result.existingId)}`}>View order {shortId(result.existingId)}</a>
        )}
      </Alert>
    );
  }
  if (result.kind !== 'failed') return null;
  return (
    <Alert tone="error" title="The order was not placed">
      {result.message}
      {result.retry && (
        <div class="retry">
          <button type="button" class="button button-small" onClick={onRetry}>
            Retry
          </button>
          <span class="muted">Safe to retry: it carries the same Idempotency-Key, so it cannot order twice.</span>
        </div>
      )}
    </Alert>
  );
};
