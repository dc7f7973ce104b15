import type { ShopApi } from '../api';
import { formatDateTime, formatMoney, shortId } from '../format';
import { usePaged } from '../hooks';
import { isTerminal, reasonFor } from '../words';
import { Alert } from './Alert';
import { StatusBadge } from './OrderView';

/** The buyer's orders, newest first, a page at a time; kept fresh while one of them is in progress. */
export const OrdersView = ({ api }: { api: ShopApi }) => {
  const orders = usePaged((next) => api.orders(10, next), [api], {
    everyMs: 2000,
    keepPolling: (items) => items.some((o) => !isTerminal(o.status)),
  });
  return (
    <section class="card" aria-labelledby="orders-title">
      <div class="card-head">
        <h1 id="orders-title">Your orders</h1>
        <button type="button" class="button button-ghost button-small" onClick={orders.reload}>
          Refresh
        </button>
      </div>
      {orders.error && <Alert tone="error">{orders.error}</Alert>}
      {!orders.loading && orders.items.length === 0 && !orders.error && (
        <p class="muted">
          No orders yet. <a href="#/">Visit the shop</a>.
        </p>
      )}
      {orders.items.length > 0 && (
        <table class="table">
          <caption class="sr-only">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Items</th>
              <th scope="col">Total</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {orders.items.map((order) => (
              <tr key={order.orderId}>
                <td>
                  <a href={`#/orders/${encodeURIComponent(order.orderId)}`}>
                    <code>{shortId(order.orderId)}</code>
                  </a>
                </td>
                <td>{formatDateTime(order.createdAt)}</td>
                <td>{order.items.reduce((n, item) => n + item.quantity, 0)}</td>
                <td>{formatMoney(order.total, order.currency)}</td>
                <td>
                  <StatusBadge order={order} />{' '}
                  {order.failureReason && <span class="muted">{reasonFor(order.failureReason)?.title}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {orders.more && (
        <button type="button" class="button button-ghost" disabled={orders.loading} onClick={orders.loadMore}>
          Load more
        </button>
      )}
    </section>
  );
};
