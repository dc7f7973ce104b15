import { randomBytes } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { loginActionPath } from './login';
import { memoryAdapter } from './memory-adapter';
import { errorPage, logoutPage } from './pages';
import type { Realm, RealmClient } from './realm';
import { allowRedirectPatterns, redirectMetadata, redirectPatternsMetadata } from './redirect-uris';
import { signingKey } from './signing-key';
import { ALL_SCOPES, type TokenPolicy } from './tokens';

export type OidcModule = typeof import('oidc-provider');

/** oidc-provider is published as ES modules only; this CommonJS project loads it with a dynamic import. */
export const loadOidcProvider = (): Promise<OidcModule> => import('oidc-provider');

/** Keycloak's endpoint paths under the realm. */
const ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  userinfo: '/protocol/openid-connect/userinfo',
  end_session: '/protocol/openid-connect/logout',
  introspection: '/protocol/openid-connect/token/introspect',
  revocation: '/protocol/openid-connect/revoke',
};

export interface ProviderOptions {
  realm: Realm;
  tokens: TokenPolicy;
  /** `{origin}/realms/{realm}` */
  issuer: string;
  /** The path the issuer is mounted at, `/realms/{realm}`. */
  prefix: string;
  keyFile?: string;
}

/** A realm client as oidc-provider client metadata: its grant types from Keycloak's flow switches. */
const clientMetadata = (client: RealmClient): ClientMetadata => {
  const browser = client.standardFlowEnabled !== false;
  const grantTypes = [
    ...(browser ? ['authorization_code'] : []),
    ...(client.directAccessGrantsEnabled ? ['password'] : []),
    ...(client.serviceAccountsEnabled ? ['client_credentials'] : []),
  ];
  if (grantTypes.some((g) => g === 'authorization_code' || g === 'password')) grantTypes.push('refresh_token');
  return {
    client_id: client.clientId,
    ...(client.publicClient
      ? { token_endpoint_auth_method: 'none' }
      : { client_secret: client.secret ?? '', token_endpoint_auth_method: 'client_secret_basic' }),
    grant_types: grantTypes,
    response_types: browser ? ['code'] : [],
    ...redirectMetadata(client, browser),
  };
};

/**
 * Keycloak's clients ask for no consent: an authorization's grant covers every scope the realm offers
 * the client (oidc-provider's `loadExistingGrant`, as in its skip-consent recipe).
 */
const loadExistingGrant = (tokens: TokenPolicy) => async (ctx: KoaContextWithOIDC) => {
  const { Grant } = ctx.oidc.provider;
  const clientId = ctx.oidc.client!.clientId;
  const existingId = ctx.oidc.session?.grantIdFor(clientId);
  const existing = existingId ? await Grant.find(existingId) : undefined;
  if (existing) return existing;
  const grant = new Grant({ clientId, accountId: ctx.oidc.session!.accountId });
  const scope = ALL_SCOPES.join(' ');
  grant.addOIDCScope(scope);
  grant.addResourceScope(tokens.resourceFor(clientId), scope);
  await grant.save();
  return grant;
};

/** Each client's access tokens are for its one audience (a resource indicator), as JWTs. */
const resourceIndicators = ({ errors }: OidcModule, tokens: TokenPolicy) => ({
  enabled: true,
  defaultResource: (ctx: KoaContextWithOIDC) => tokens.resourceFor(ctx.oidc.client!.clientId),
  useGrantedResource: () => true,
  getResourceServerInfo: (_ctx: KoaContextWithOIDC, resource: string, client: { clientId: string }) => {
    if (resource !== tokens.resourceFor(client.clientId)) throw new errors.InvalidTarget();
    return tokens.resourceServer(resource);
  },
});

const configuration = (oidc: OidcModule, { realm, tokens, prefix, keyFile }: ProviderOptions): Configuration => ({
  adapter: memoryAdapter(),
  clients: realm.clients.map(clientMetadata),
  extraClientMetadata: redirectPatternsMetadata(oidc.errors),
  jwks: { keys: [signingKey(keyFile)] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: ALL_SCOPES,
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name', 'given_name', 'family_name'],
    email: ['email', 'email_verified'],
  },
  routes: ROUTES,
  responseTypes: ['code'],
  pkce: { required: () => true },
  clientBasedCORS: () => true,
  conformIdTokenClaims: false,
  ttl: {
    AccessToken: tokens.accessTtl,
    ClientCredentials: tokens.accessTtl,
    IdToken: tokens.accessTtl,
    RefreshToken: tokens.sessionTtl,
    Session: tokens.sessionTtl,
    Grant: tokens.sessionTtl,
    Interaction: 3600,
    AuthorizationCode: 60,
  },
  findAccount: (_ctx, id) => tokens.account(id),
  interactions: { url: (_ctx, interaction) => loginActionPath(prefix, interaction.uid) },
  loadExistingGrant: loadExistingGrant(tokens),
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  extraTokenClaims: (_ctx, token) => tokens.extraClaims(token),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // oidc-provider has validated the id_token_hint, the client and the redirect URI by now.
      logoutSource: (ctx, form) => {
        ctx.type = 'html';
        ctx.body = logoutPage(form, typeof ctx.oidc.params?.id_token_hint === 'string');
      },
    },
    resourceIndicators: resourceIndicators(oidc, tokens),
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = errorPage(out.error ?? 'error', out.error_description ?? '');
  },
});

/**
 * The realm's OpenID Connect provider: Keycloak's paths, clients, scopes, lifetimes, audiences and
 * claims, with its wildcard redirect URIs. It keeps its state in a bounded memory store of ours.
 */
export const createProvider = (oidc: OidcModule, options: ProviderOptions): Provider => {
  const provider = new oidc.default(options.issuer, configuration(oidc, options));
  allowRedirectPatterns(provider.Client);
  return provider;
};
