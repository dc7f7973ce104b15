import type { InvocationRecord } from '../local/logs/hub';
import type { PlacedOrder } from './lib/client';
import { median, round1 } from './lib/stats';
import type { SagaTiming } from './saga';

/**
 * Where one order's time goes, stage by stage (medians over the orders of a concurrency-1 run):
 * the API front and authorizer (POST's time less create-order's), create-order itself (its REPORT:
 * queued, init and handler), each Task of the saga up to COMPLETED (TaskScheduled → TaskSucceeded
 * in its history), the engine between states (the execution's time less its Tasks), and SNS delivery
 * (NotifyCompleted's publish → the notification function's REPORT end).
 */
export const breakdown = (orders: PlacedOrder[], timings: SagaTiming[], reports: InvocationRecord[]) => {
  const byRequest = new Map(reports.map((report) => [report.requestId, report]));
  const notifications = reports
    .filter((report) => report.function === 'NotificationOnOrderEvent')
    .sort((a, b) => a.start - b.start);
  const timingOf = new Map(timings.map((t) => [t.orderId, t]));
  const rows: Record<string, number>[] = [];
  for (const order of orders) {
    const timing = order.orderId ? timingOf.get(order.orderId) : undefined;
    const create = order.requestId ? byRequest.get(order.requestId) : undefined;
    if (!timing || timing.outcome !== 'COMPLETED' || !create) continue;
    const createMs = create.queuedMs + create.initMs + create.durationMs;
    const delivery =
      timing.published === undefined
        ? undefined
        : notifications.find((report) => report.start >= timing.published! - 5);
    rows.push({
      'API front + authorizer': order.postMs - createMs,
      'create-order (function)': createMs,
      ...Object.fromEntries(
        Object.entries(timing.tasks)
          .filter(([state]) => state !== 'NotifyCompleted')
          .map(([state, ms]) => [`task ${state}`, ms]),
      ),
      'engine between states': timing.engineMs,
      'engine per transition': timing.transitions > 0 ? timing.engineMs / timing.transitions : 0,
      ...(delivery && { 'SNS delivery (after COMPLETED)': delivery.end - timing.published! }),
      'total: POST → COMPLETED': timing.latencyMs,
    });
  }
  const stages = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return Object.fromEntries(
    stages.map((stage) => [
      stage,
      round1(median(rows.map((row) => row[stage]).filter((v): v is number => v !== undefined))),
    ]),
  );
};
