import type { WebConfig } from '../shared/config';

/**
 * The console's waterfall for an order (`console/#/traces/order/<orderId>`, beside the page), only
 * when the page is served by the local cloud with the console beside it: its config.json names the
 * edge and the state machine, and no `?api=` points the page at another target (whose traces are not
 * on this edge).
 */
export const orderTraceLink = (config: WebConfig, orderId: string, search: string): string | undefined => {
  if (!config.edge || !config.stateMachineArn || new URLSearchParams(search).has('api')) return undefined;
  return `console/#/traces/order/${encodeURIComponent(orderId)}`;
};
