import { useState } from 'preact/hooks';
import { formatMoney } from '../format';
import { navigate } from '../hooks';
import type { OrderIntents, PlaceResult } from '../intent';
import type { BasketLines, OrderRequest, PlacedNotice, Product, Slot } from '../types';
import { PlaceResultMessage } from './PlaceResult';
import { SlotPicker } from './SlotPicker';

interface Props {
  intents: OrderIntents;
  products: Product[];
  slots: Slot[];
  slotsError?: string;
  lines: BasketLines;
  onChange: (lines: BasketLines) => void;
  onPlaced: (notice: PlacedNotice) => void;
}

const Line = ({
  product,
  quantity,
  onQuantity,
}: {
  product: Product;
  quantity: number;
  onQuantity: (quantity: number) => void;
}) => (
  <li class="basket-line">
    <div class="basket-line-name">
      <span>{product.name}</span>
      <span class="muted">{formatMoney(product.price * quantity, product.currency)}</span>
      {quantity > product.available && (
        <span class="stock stock-out">
          Only {product.available} in stock now: the order may be cancelled, and refunded.
        </span>
      )}
    </div>
    <input
      type="number"
      min={1}
      max={99}
      class="quantity"
      value={quantity}
      aria-label={`Quantity of ${product.name}`}
      onChange={(e) => onQuantity(Math.max(1, Math.min(99, Number(e.currentTarget.value) || 1)))}
    />
    <button
      type="button"
      class="button button-ghost button-small"
      aria-label={`Remove ${product.name}`}
      onClick={() => onQuantity(0)}
    >
      Remove
    </button>
  </li>
);

/** The order a basket makes, once it has lines, a slot and an address. */
const requestOf = (lines: BasketLines, slotId: string | undefined, address: string): OrderRequest | undefined => {
  const items = Object.entries(lines).map(([sku, quantity]) => ({ sku, quantity }));
  if (items.length === 0 || !slotId || !address.trim()) return undefined;
  return { items, delivery: { slotId, address: address.trim() } };
};

/** The basket's lines, the delivery slot and address, and the button that places the order (one Idempotency-Key per intent). */
export const Basket = ({ intents, products, slots, slotsError, lines, onChange, onPlaced }: Props) => {
  const [slotId, setSlotId] = useState<string>();
  const [address, setAddress] = useState('');
  const [result, setResult] = useState<PlaceResult>();
  const [pending, setPending] = useState(false);
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const entries = Object.entries(lines).filter(([sku]) => bySku.has(sku));
  const total = entries.reduce((sum, [sku, quantity]) => sum + bySku.get(sku)!.price * quantity, 0);
  const request = requestOf(lines, slotId, address);
  const setQuantity = (sku: string, quantity: number) => {
    const { [sku]: _removed, ...rest } = lines;
    onChange(quantity > 0 ? { ...rest, [sku]: quantity } : rest);
  };
  const place = async () => {
    if (!request) return;
    setPending(true);
    setResult(undefined);
    const outcome = await intents.submit(request);
    setPending(intents.pending);
    if (outcome.kind === 'created' || outcome.kind === 'replayed') {
      onPlaced({ orderId: outcome.order.orderId, replayed: outcome.kind === 'replayed' });
      return navigate(`/orders/${encodeURIComponent(outcome.order.orderId)}`);
    }
    setResult(outcome);
  };
  return (
    <section class="card" aria-labelledby="basket-title">
      <h2 id="basket-title">Basket</h2>
      {entries.length === 0 ? (
        <p class="muted">Your basket is empty. Add something from the catalogue.</p>
      ) : (
        <ul class="basket-lines" aria-label="Basket">
          {entries.map(([sku, quantity]) => (
            <Line key={sku} product={bySku.get(sku)!} quantity={quantity} onQuantity={(q) => setQuantity(sku, q)} />
          ))}
        </ul>
      )}
      <p class="total">
        Total <strong data-testid="basket-total">{formatMoney(total)}</strong>
      </p>
      {slotsError && <p class="stock stock-out">The delivery slots could not be loaded: {slotsError}</p>}
      <SlotPicker slots={slots} value={slotId} onChange={setSlotId} />
      <label for="address">Delivery address</label>
      <input
        id="address"
        autoComplete="street-address"
        placeholder="1 Tea Lane, Springfield"
        value={address}
        onInput={(e) => setAddress(e.currentTarget.value)}
      />
      <button
        type="button"
        class="button button-wide place"
        disabled={!request}
        aria-busy={pending}
        onClick={() => void place()}
      >
        {pending ? 'Placing order…' : 'Place order'}
      </button>
      {request && (
        <p class="key muted">
          Idempotency-Key <code data-testid="idempotency-key">{intents.keyFor(request)}</code>
        </p>
      )}
      {result && <PlaceResultMessage result={result} onRetry={() => void place()} />}
    </section>
  );
};
