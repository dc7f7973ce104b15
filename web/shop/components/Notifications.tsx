import type { ShopApi } from '../api';
import { formatDateTime, shortId } from '../format';
import { usePaged } from '../hooks';
import { Alert } from './Alert';

const TONES: Record<string, string> = { COMPLETED: 'ok', CANCELLED: 'bad', COMPENSATION_FAILED: 'warn' };

/** What the shop told the buyer about their orders, newest first, a page at a time, kept fresh. */
export const NotificationsView = ({ api }: { api: ShopApi }) => {
  const notifications = usePaged((next) => api.notifications(10, next), [api], {
    everyMs: 5000,
    keepPolling: () => true,
  });
  return (
    <section class="card" aria-labelledby="notifications-title">
      <div class="card-head">
        <h1 id="notifications-title">Notifications</h1>
        <button type="button" class="button button-ghost button-small" onClick={notifications.reload}>
          Refresh
        </button>
      </div>
      {notifications.error && <Alert tone="error">{notifications.error}</Alert>}
      {!notifications.loading && notifications.items.length === 0 && !notifications.error && (
        <p class="muted">Nothing yet: you will hear here when an order completes or is cancelled.</p>
      )}
      <ul class="notifications" aria-label="Notifications">
        {notifications.items.map((n) => (
          <li key={n.notificationId} class={`notification notification-${TONES[n.status] ?? 'info'}`}>
            <p class="notification-message">{n.message}</p>
            <p class="muted">
              <a href={`#/orders/${encodeURIComponent(n.orderId)}`}>Order {shortId(n.orderId)}</a> · {n.status} ·{' '}
              <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
            </p>
          </li>
        ))}
      </ul>
      {notifications.more && (
        <button
          type="button"
          class="button button-ghost"
          disabled={notifications.loading}
          onClick={notifications.loadMore}
        >
          Load more
        </button>
      )}
    </section>
  );
};
