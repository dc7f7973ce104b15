import type { ShopApi } from '../api';
import { formatDateTime, formatMoney, shortId } from '../format';
import { useLoad } from '../hooks';
import type { Order, PlacedNotice } from '../types';
import { isTerminal, reasonFor, statusBadge } from '../words';
import { Alert } from './Alert';
import { Timeline } from './Timeline';

/** How often an order in progress is read again; the saga takes a second or two locally. */
const POLL_MS = 700;

export const StatusBadge = ({ order }: { order: Order }) => {
  const badge = statusBadge(order.status);
  return (
    <span class={`badge badge-${badge.tone}`} data-status={order.status}>
      {badge.label}
    </span>
  );
};

const Outcome = ({ order }: { order: Order }) => {
  if (order.status === 'COMPLETED')
    return (
      <Alert tone="success" title="Order completed">
        Paid, packed and booked for delivery on slot {order.delivery.slotId}.
      </Alert>
    );
  const reason = reasonFor(order.failureReason);
  if (!isTerminal(order.status) || !reason) return null;
  return (
    <Alert tone={order.status === 'CANCELLED' ? 'error' : 'warning'} title={`Order cancelled: ${reason.title}`}>
      {reason.detail}
    </Alert>
  );
};

const Details = ({ order }: { order: Order }) => (
  <dl class="details">
    <dt>Items</dt>
    <dd>
      <ul class="plain">
        {order.items.map((item) => (
          <li key={item.sku}>
            {item.quantity} × {item.sku} at {formatMoney(item.unitPrice, order.currency)}
          </li>
        ))}
      </ul>
    </dd>
    <dt>Total</dt>
    <dd>{formatMoney(order.total, order.currency)}</dd>
    <dt>Delivery</dt>
    <dd>
      {order.delivery.slotId} to {order.delivery.address}
    </dd>
    <dt>Placed</dt>
    <dd>{formatDateTime(order.createdAt)}</dd>
  </dl>
);

/** One order, read again and again until it ends: its outcome in words, its timeline and its details. */
export const OrderView = ({
  api,
  orderId,
  placed,
  traceLink,
}: {
  api: ShopApi;
  orderId: string;
  placed?: PlacedNotice;
  /** The console's trace of the order, when the local cloud serves the console beside the page. */
  traceLink?: string;
}) => {
  const order = useLoad(() => api.order(orderId), [api, orderId], {
    everyMs: POLL_MS,
    keepPolling: (o) => !isTerminal(o.status),
  });
  return (
    <section class="order-page" aria-labelledby="order-title">
      <p>
        <a href="#/orders">← All orders</a>
        {traceLink && (
          <a class="trace-link" href={traceLink} title="The order’s trace in the console (local cloud)">
            Trace in the console ↗
          </a>
        )}
      </p>
      <h1 id="order-title">
        Order <code>{shortId(orderId)}</code> {order.data && <StatusBadge order={order.data} />}
      </h1>
      {placed?.replayed && (
        <Alert tone="info" title="Already placed: the server replayed its answer">
          This order had reached the server before (same Idempotency-Key), so it answered 200 with the order it had
          made. No second order was placed.
        </Alert>
      )}
      {placed && !placed.replayed && (
        <Alert tone="success">Order placed. Follow it below as it goes through payment, stock and delivery.</Alert>
      )}
      {order.error && <Alert tone="error">{order.error}</Alert>}
      {order.loading && !order.data && <p class="muted">Loading the order…</p>}
      {order.data && (
        <div class="order-grid">
          <div class="card">
            <h2>Timeline</h2>
            <Outcome order={order.data} />
            <Timeline order={order.data} />
          </div>
          <div class="card">
            <h2>Details</h2>
            <Details order={order.data} />
          </div>
        </div>
      )}
    </section>
  );
};
