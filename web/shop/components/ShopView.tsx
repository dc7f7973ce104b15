import { useState } from 'preact/hooks';
import type { ShopApi } from '../api';
import type { Auth } from '../auth';
import { useLoad } from '../hooks';
import type { OrderIntents } from '../intent';
import type { BasketLines, PlacedNotice } from '../types';
import { AccountCard } from './Account';
import { Alert } from './Alert';
import { Basket } from './Basket';
import { Catalogue } from './Catalogue';

/** How often the catalogue's availability and the slots' places are read again. */
const LIVE_MS = 4000;

interface Props {
  api: ShopApi;
  auth: Auth;
  intents: OrderIntents;
  user?: string;
  /** The basket, kept by the app so that it survives a visit to another page. */
  lines: BasketLines;
  onLines: (update: (lines: BasketLines) => BasketLines) => void;
  onPlaced: (notice: PlacedNotice) => void;
}

/** The shop: the catalogue with live availability; for a signed-in buyer, their balance and basket beside it. */
export const ShopView = ({ api, auth, intents, user, lines, onLines, onPlaced }: Props) => {
  const products = useLoad(() => api.products(), [api], { everyMs: LIVE_MS });
  const slots = useLoad(() => api.slots(), [api], { everyMs: LIVE_MS });
  const [accountVersion, setAccountVersion] = useState(0);
  const add = (sku: string) => onLines((current) => ({ ...current, [sku]: (current[sku] ?? 0) + 1 }));
  const placed = (notice: PlacedNotice) => {
    onLines(() => ({}));
    setAccountVersion((n) => n + 1);
    products.reload();
    onPlaced(notice);
  };
  return (
    <div class="shop-layout">
      <section class="catalogue-section" aria-labelledby="catalogue-title">
        <h1 id="catalogue-title">Catalogue</h1>
        {products.error && <Alert tone="error">The catalogue could not be loaded: {products.error}</Alert>}
        {products.loading && !products.data && <p class="muted">Loading the catalogue…</p>}
        {products.data && <Catalogue products={products.data} basket={lines} canBuy={Boolean(user)} onAdd={add} />}
      </section>
      <aside class="side">
        {user ? (
          <>
            <AccountCard api={api} version={accountVersion} />
            <Basket
              intents={intents}
              products={products.data ?? []}
              slots={slots.data ?? []}
              slotsError={slots.error}
              lines={lines}
              onChange={(next) => onLines(() => next)}
              onPlaced={placed}
            />
          </>
        ) : (
          <div class="card welcome">
            <h2>Welcome</h2>
            <p>Sign in to see your balance, fill a basket and watch your orders go through, step by step.</p>
            <button type="button" class="button button-wide" onClick={() => void auth.login()}>
              Sign in to order
            </button>
          </div>
        )}
      </aside>
    </div>
  );
};
