import { render } from 'preact';
import { loadConfig } from '../shared/config';
import { ShopApi } from './api';
import { Auth, takePendingLogin } from './auth';
import { App } from './components/App';
import { OrderIntents } from './intent';
import './style.css';

/**
 * Starts the shop page: completes a sign-in the issuer sent the browser back from (restoring the
 * page's own query and route), reads the config, and renders.
 */
const start = async () => {
  const root = document.getElementById('app')!;
  const here = new URL(location.href);
  const returned = takePendingLogin(here);
  if (returned)
    history.replaceState(
      null,
      '',
      `${here.pathname}${'search' in returned ? returned.search : ''}${'hash' in returned ? returned.hash : ''}`,
    );
  const config = await loadConfig();
  const auth = new Auth(config.issuer, config.clientId, `${location.origin}${location.pathname}`);
  let loginError: string | undefined;
  if (returned && 'error' in returned) loginError = returned.error;
  else if (returned)
    await auth
      .completeLogin(returned.code, returned.verifier)
      .catch((error: Error) => (loginError = `Sign-in failed: ${error.message}`));
  const api = new ShopApi(config.api, () => auth.accessToken());
  const intents = new OrderIntents((request, key) => api.placeOrder(request, key));
  root.replaceChildren();
  render(<App config={config} auth={auth} api={api} intents={intents} loginError={loginError} />, root);
};

void start();
