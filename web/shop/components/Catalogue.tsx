import { formatMoney } from '../format';
import type { BasketLines, Product } from '../types';

const availability = (product: Product): { text: string; tone: string } => {
  if (product.available <= 0) return { text: 'Sold out', tone: 'out' };
  if (product.available <= 5) return { text: `Only ${product.available} left`, tone: 'low' };
  return { text: `${product.available} in stock`, tone: 'in' };
};

/** A hue of its own for each product's tile, from its sku. */
const hueOf = (sku: string): number => [...sku].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) % 360, 7);

/** The products, each with its price, its live availability and a button to put one more in the basket. */
export const Catalogue = ({
  products,
  basket,
  canBuy,
  onAdd,
}: {
  products: Product[];
  basket: BasketLines;
  canBuy: boolean;
  onAdd: (sku: string) => void;
}) => (
  <ul class="products" aria-label="Products">
    {[...products]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((product) => {
        const stock = availability(product);
        const inBasket = basket[product.sku] ?? 0;
        return (
          <li key={product.sku} class="product" aria-label={product.name}>
            <div class="product-art" aria-hidden="true" style={{ '--hue': hueOf(product.sku) }}>
              {product.name.slice(0, 1)}
            </div>
            <h3 class="product-name">{product.name}</h3>
            <p class="product-sku">{product.sku}</p>
            <p class="product-price">{formatMoney(product.price, product.currency)}</p>
            <p class={`stock stock-${stock.tone}`}>{stock.text}</p>
            {canBuy && (
              <button
                type="button"
                class="button button-small"
                disabled={inBasket >= product.available}
                onClick={() => onAdd(product.sku)}
                aria-label={`Add ${product.name} to basket`}
              >
                {inBasket > 0 ? `Add another (${inBasket})` : 'Add to basket'}
              </button>
            )}
          </li>
        );
      })}
  </ul>
);
