import { codeChallenge, jwtClaims, randomToken } from './pkce';

/**
 * Sign-in with the issuer: authorization code + PKCE (S256), as a full-page redirect.
 *
 * Tokens live in this object's memory only: never in localStorage, sessionStorage or a cookie, so a
 * script injected later, another tab or anything left on disk cannot read them; a reload signs the
 * buyer out of the page (the issuer's own session signs them back in with one click).
 *
 * What must survive the redirect to the issuer and back is kept in sessionStorage, and only that:
 * the `state` (against login CSRF), the PKCE code verifier, and where the page was. This is the
 * standard place for it (the page is unloaded during the redirect, so memory cannot hold it):
 * sessionStorage is per-tab and per-origin, the verifier is single-use and worthless without the
 * authorization code bound to its challenge, and the record is deleted as soon as the browser returns.
 */

const PENDING_KEY = 'shop.pending-login';
/** Refresh this long before the access token expires (or at 3/4 of a shorter lifetime). */
const REFRESH_MARGIN_S = 60;

interface Endpoints {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

interface PendingLogin {
  state: string;
  verifier: string;
  /** The page's query (its config overrides) and hash (its route) when the buyer signed in. */
  search: string;
  hash: string;
}

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number;
}

interface Session {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  expiresAt: number;
  username: string;
}

export class AuthError extends Error {
  override readonly name = 'AuthError';
}

/** The login a redirect back from the issuer completes, read before the config (its query is the original one). */
export const takePendingLogin = (url: URL): (PendingLogin & { code: string }) | { error: string } | undefined => {
  const state = url.searchParams.get('state');
  if (!state) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingLogin | null;
  sessionStorage.removeItem(PENDING_KEY);
  if (!pending || pending.state !== state)
    return { error: 'The sign-in response did not match a sign-in started here. Please sign in again.' };
  const error = url.searchParams.get('error');
  if (error) return { error: `The issuer refused the sign-in: ${url.searchParams.get('error_description') ?? error}` };
  const code = url.searchParams.get('code');
  return code ? { ...pending, code } : { error: 'The issuer returned no authorization code.' };
};

export class Auth {
  private session?: Session;
  private timer?: ReturnType<typeof setTimeout>;
  private endpoints?: Promise<Endpoints>;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly issuer: string,
    private readonly clientId: string,
    /** The page's own URL without query or hash: where the issuer sends the browser back. */
    private readonly redirectUri: string,
  ) {}

  get username(): string | undefined {
    return this.session?.username;
  }

  /** Calls `listener` whenever the buyer signs in or out; answers the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The issuer's endpoints, from its discovery document (Keycloak, Cognito and the local issuer all publish one). */
  private discover(): Promise<Endpoints> {
    this.endpoints ??= fetch(`${this.issuer}/.well-known/openid-configuration`)
      .then((response) => {
        if (!response.ok) throw new AuthError(`The issuer at ${this.issuer} answered ${response.status}`);
        return response.json() as Promise<Endpoints>;
      })
      .catch((error: Error) => {
        this.endpoints = undefined;
        throw error instanceof AuthError ? error : new AuthError(`The issuer at ${this.issuer} cannot be reached`);
      });
    return this.endpoints;
  }

  /** Sends the browser to the issuer's login page; it comes back to this page with a code. */
  async login(): Promise<void> {
    const { authorization_endpoint } = await this.discover();
    const pending: PendingLogin = {
      state: randomToken(16),
      verifier: randomToken(32),
      search: location.search,
      hash: location.hash,
    };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(authorization_endpoint);
    const params = {
      response_type: 'code',
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      scope: 'openid profile',
      state: pending.state,
    };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    url.searchParams.set('code_challenge', await codeChallenge(pending.verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    location.assign(url.toString());
  }

  /** Exchanges the code the issuer sent back for tokens. */
  async completeLogin(code: string, verifier: string): Promise<void> {
    await this.tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      code_verifier: verifier,
    });
  }

  /** A current access token, refreshed first when it is about to expire; undefined when signed out. */
  async accessToken(): Promise<string | undefined> {
    if (this.session && this.session.expiresAt - Date.now() < 30_000) await this.refresh();
    return this.session?.accessToken;
  }

  /** Trades the refresh token for new tokens; a refusal ends the session. */
  async refresh(): Promise<boolean> {
    const refreshToken = this.session?.refreshToken;
    if (!refreshToken) return false;
    try {
      await this.tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
      return true;
    } catch (error) {
      // The issuer refused (expired or revoked): the session is over. A network error leaves it as it is, for a later try.
      if (error instanceof AuthError) this.end();
      return false;
    }
  }

  /** Forgets the tokens and signs out at the issuer too (RP-initiated logout), which sends the browser back here. */
  async logout(): Promise<void> {
    const idToken = this.session?.idToken;
    this.end();
    const { end_session_endpoint } = await this.discover().catch(() => ({ end_session_endpoint: undefined }));
    if (!end_session_endpoint) return;
    const url = new URL(end_session_endpoint);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('client_id', this.clientId);
    url.searchParams.set('post_logout_redirect_uri', this.redirectUri);
    location.assign(url.toString());
  }

  private async tokenRequest(grant: Record<string, string>): Promise<void> {
    const { token_endpoint } = await this.discover();
    const response = await fetch(token_endpoint, {
      method: 'POST',
      body: new URLSearchParams({ ...grant, client_id: this.clientId }),
    });
    const body = (await response.json().catch(() => ({}))) as Partial<TokenResponse> & { error_description?: string };
    if (!response.ok || !body.access_token)
      throw new AuthError(body.error_description ?? `The issuer refused the tokens (${response.status})`);
    this.start(body as TokenResponse);
  }

  private start(tokens: TokenResponse): void {
    const lifetime = tokens.expires_in ?? 300;
    const claims = jwtClaims(tokens.id_token ?? tokens.access_token);
    this.session = {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? this.session?.refreshToken,
      idToken: tokens.id_token ?? this.session?.idToken,
      expiresAt: Date.now() + lifetime * 1000,
      // A refresh may bring no ID token, and an access token need not be a JWT: the name stays as it was.
      username:
        [claims.preferred_username, claims.name, claims.sub].find((c): c is string => typeof c === 'string') ??
        this.session?.username ??
        'you',
    };
    clearTimeout(this.timer);
    const refreshIn = Math.max(1, Math.min(lifetime - REFRESH_MARGIN_S, lifetime * 0.75));
    this.timer = setTimeout(() => void this.refresh(), refreshIn * 1000);
    this.notify();
  }

  private end(): void {
    clearTimeout(this.timer);
    this.session = undefined;
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
