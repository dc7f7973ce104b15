/**
 * Order latency: the time from POST /orders to the order reading COMPLETED, over sequential orders
 * against a running shop (`npm start`, or SHOP_API_URL / SHOP_ISSUER_URL). Prints one JSON object.
 *
 *   npm run bench:order -- [orders=20] [--target localstack|aws]
 */
import '../local/support/node-version-warning.cjs';
import { readTarget } from '../scripts/targets';

const args = process.argv.slice(2);
const at = args.indexOf('--target');
if (at >= 0) {
  const target = readTarget(args.splice(at, 2)[1] ?? '');
  process.env.SHOP_API_URL = target.apiUrl;
  process.env.SHOP_ISSUER_URL = target.issuerUrl;
}
process.env.SHOP_API_URL ??= 'http://localhost:3000';
process.env.SHOP_ISSUER_URL ??= 'http://localhost:8080/realms/shop';

const main = async () => {
  const { api, createProduct, openSlot, placeOrder, waitForOutcome } = await import('../test/e2e/support');
  const orders = Number(args[0] ?? 20);
  const sku = await createProduct(100, orders);
  const filler = await createProduct(1, orders * orders);
  const { slotId } = await openSlot();
  await api('POST', '/billing/account/deposit', { as: 'alice', body: { amount: orders * (100 + orders) } });
  const samples: number[] = [];
  for (let i = 0; i < orders; i++) {
    const started = performance.now();
    // Each order is a different basket (quantity i + 1), so that none is a "similar order" of another.
    const created = await placeOrder('alice', [{ sku, quantity: 1 }, { sku: filler, quantity: i + 1 }], slotId);
    if (created.status !== 201) throw new Error(`POST /orders answered ${created.status}: ${JSON.stringify(created.body)}`);
    const order = await waitForOutcome(created.body.orderId, 'alice');
    if (order.status !== 'COMPLETED') throw new Error(`Order ${order.orderId} ended ${order.status}`);
    samples.push(performance.now() - started);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const quantile = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'order-post-to-completed', target: process.env.SHOP_API_URL, orders, unit: 'ms', first: Math.round(samples[0]!), median: quantile(0.5), p90: quantile(0.9), max: Math.round(sorted.at(-1)!) })}\n`,
  );
};

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
