import { useEffect, useState } from 'preact/hooks';
import type { WebConfig } from '../../shared/config';
import type { ShopApi } from '../api';
import { orderTraceLink } from '../console-link';
import type { Auth } from '../auth';
import { useRoute } from '../hooks';
import type { OrderIntents } from '../intent';
import type { BasketLines, PlacedNotice } from '../types';
import { Alert } from './Alert';
import { Header } from './Header';
import { NotificationsView } from './Notifications';
import { OrdersView } from './Orders';
import { OrderView } from './OrderView';
import { ShopView } from './ShopView';

export interface AppProps {
  config: WebConfig;
  auth: Auth;
  api: ShopApi;
  intents: OrderIntents;
  loginError?: string;
}

/** The signed-in buyer's name, followed as they sign in and out. */
const useUser = (auth: Auth): string | undefined => {
  const [user, setUser] = useState(auth.username);
  useEffect(() => auth.subscribe(() => setUser(auth.username)), [auth]);
  return user;
};

interface PageProps {
  route: string;
  user?: string;
  props: AppProps;
  placed?: PlacedNotice;
  onPlaced: (notice: PlacedNotice) => void;
}

const Page = ({ route, user, props, placed, onPlaced }: PageProps) => {
  const { api, auth, intents } = props;
  const [lines, setLines] = useState<BasketLines>({});
  const orderId = /^\/orders\/([^/]+)$/.exec(route)?.[1];
  if (route === '/' || !user)
    return (
      <ShopView
        api={api}
        auth={auth}
        intents={intents}
        user={user}
        lines={lines}
        onLines={setLines}
        onPlaced={onPlaced}
      />
    );
  if (orderId)
    return (
      <OrderView
        api={api}
        orderId={decodeURIComponent(orderId)}
        traceLink={orderTraceLink(props.config, decodeURIComponent(orderId), location.search)}
        placed={placed?.orderId === decodeURIComponent(orderId) ? placed : undefined}
      />
    );
  if (route === '/orders') return <OrdersView api={api} />;
  if (route === '/notifications') return <NotificationsView api={api} />;
  return (
    <Alert tone="error">
      There is no page at {route}. <a href="#/">Back to the shop</a>
    </Alert>
  );
};

/** The shop: a header, and the page the hash route names (the shop, an order, the orders, the notifications). */
export const App = (props: AppProps) => {
  const route = useRoute();
  const user = useUser(props.auth);
  const [placed, setPlaced] = useState<PlacedNotice>();
  const [ended, setEnded] = useState(false);
  useEffect(() => props.auth.subscribe(() => setEnded(!props.auth.username)), [props.auth]);
  const missing = (['api', 'issuer'] as const).filter((key) => !props.config[key]);
  return (
    <>
      <Header auth={props.auth} user={user} route={route} />
      <main class="container" id="main">
        {props.loginError && <Alert tone="error">{props.loginError}</Alert>}
        {ended && !user && <Alert tone="info">You are signed out.</Alert>}
        {missing.length > 0 && (
          <Alert tone="error">
            The page has no {missing.join(' or ')} URL: serve it with a config.json, or add{' '}
            {missing.map((key) => `?${key}=…`).join(' and ')} to its address.
          </Alert>
        )}
        <Page route={route} user={user} props={props} placed={placed} onPlaced={setPlaced} />
      </main>
      <footer class="footer container">
        Serverless Shop · API <code>{props.config.api}</code> · issuer <code>{props.config.issuer}</code> ·{' '}
        <a href="console/">console</a>
      </footer>
    </>
  );
};
