import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { memoryAdapter } from './issuer/memory-adapter';
import { Realm, type RealmClient, type RealmUser } from './issuer/realm';
import { allowRedirectPatterns, redirectMetadata, redirectPatternsMetadata } from './issuer/redirect-uris';

export interface IssuerOptions {
  realm: Realm;
  port: number;
  host?: string;
  /** The issuer's public origin, e.g. `http://localhost:8080`. */
  publicOrigin?: string;
  /** Where to keep the signing key, so that tokens survive a restart; a fresh key each start when absent. */
  keyFile?: string;
  /** Internal errors (answered with a generic 500). */
  onError?: (error: Error) => void;
}

export interface RunningIssuer {
  issuer: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

const ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  userinfo: '/protocol/openid-connect/userinfo',
  end_session: '/protocol/openid-connect/logout',
  introspection: '/protocol/openid-connect/token/introspect',
  revocation: '/protocol/openid-connect/revoke',
};

/** The scopes Keycloak's default client scopes give a token, and the optional ones a client may ask for. */
const DEFAULT_SCOPES = ['profile', 'email', 'roles'];
const OPTIONAL_SCOPES = ['openid', 'offline_access'];

const signingKey = (keyFile?: string): Record<string, unknown> => {
  if (keyFile && existsSync(keyFile)) return JSON.parse(readFileSync(keyFile, 'utf8')) as Record<string, unknown>;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  if (keyFile) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, JSON.stringify(jwk), { mode: 0o600 });
  }
  return jwk;
};

const escapeHtml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

const loginPage = (realm: Realm, action: string, error?: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in to ${escapeHtml(realm.data.displayName ?? realm.name)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f4f5f7;display:grid;place-items:center;min-height:100vh;margin:0}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:20rem}h1{font-size:1.25rem;margin:0 0 1rem}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.25rem;width:100%;padding:.6rem;background:#0b5fff;color:#fff;border:0;border-radius:4px}
.error{color:#b00020}</style></head>
<body><form method="post" action="${escapeHtml(action)}"><h1>Sign in to ${escapeHtml(realm.data.displayName ?? realm.name)}</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<label for="username">Username or email</label><input id="username" name="username" autocomplete="username" autofocus required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="kc-login">Sign In</button></form></body></html>`;

const readForm = (req: IncomingMessage): Promise<URLSearchParams> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024) req.destroy(new Error('Form too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });

/**
 * A Keycloak-compatible OpenID Connect issuer at `{origin}/realms/{realm}`, built with oidc-provider
 * from the same realm export Keycloak imports: Keycloak's endpoint paths, its users, passwords and
 * realm roles, its clients (public, PKCE, direct access grants, service accounts) and audience
 * mappers. Access tokens are RS256 JWTs with Keycloak's claims: `sub`, `preferred_username`,
 * `realm_access.roles`, `aud`, `azp`, `scope`, `typ`.
 */
export const startIssuer = async (options: IssuerOptions): Promise<RunningIssuer> => {
  const { realm } = options;
  // oidc-provider warns that Node 20 is not its preferred runtime: known here (the issuer is a local stand-in for Keycloak).
  const warn = console.warn;
  console.warn = (...parts: unknown[]) => (String(parts[0]).startsWith('oidc-provider WARNING') ? undefined : warn(...parts));
  const { default: Provider, errors } = await import('oidc-provider');
  const host = options.host ?? '127.0.0.1';
  const origin = options.publicOrigin ?? `http://localhost:${options.port}`;
  const prefix = `/realms/${realm.name}`;
  const issuer = `${origin}${prefix}`;
  const accessTtl = realm.data.accessTokenLifespan ?? 300;
  const sessionTtl = realm.data.ssoSessionIdleTimeout ?? 1800;
  const clientsById = new Map(realm.clients.map((client) => [client.clientId, client]));
  const audienceOf = (clientId: string) => realm.audiencesOf(clientsById.get(clientId)!)[0] ?? clientId;
  // oidc-provider wants resource indicators to be absolute URIs; Keycloak's audiences are plain names.
  const resourceFor = (clientId: string) => `urn:keycloak:audience:${audienceOf(clientId)}`;
  const audienceOfResource = (resource: string) => resource.replace(/^urn:keycloak:audience:/, '');

  const resourceServerInfo = (audience: string) => ({
    scope: [...DEFAULT_SCOPES, ...OPTIONAL_SCOPES].join(' '),
    audience,
    accessTokenTTL: accessTtl,
    accessTokenFormat: 'jwt' as const,
    jwt: { sign: { alg: 'RS256' as const } },
  });

  const toMetadata = (client: RealmClient) => {
    const grantTypes = [
      ...(client.standardFlowEnabled !== false ? ['authorization_code'] : []),
      ...(client.directAccessGrantsEnabled ? ['password'] : []),
      ...(client.serviceAccountsEnabled ? ['client_credentials'] : []),
    ];
    if (grantTypes.some((g) => g === 'authorization_code' || g === 'password')) grantTypes.push('refresh_token');
    const browser = client.standardFlowEnabled !== false;
    return {
      client_id: client.clientId,
      ...(client.publicClient ? { token_endpoint_auth_method: 'none' } : { client_secret: client.secret ?? '', token_endpoint_auth_method: 'client_secret_basic' }),
      grant_types: grantTypes,
      response_types: browser ? ['code'] : [],
      ...redirectMetadata(client, browser),
    };
  };

  const findAccount = async (id: string) => {
    const user = realm.usersById.get(id);
    return user && { accountId: id, claims: async () => ({ sub: id, ...realm.profileOf(user) }) };
  };

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    clients: realm.clients.map(toMetadata),
    extraClientMetadata: redirectPatternsMetadata(errors),
    jwks: { keys: [signingKey(options.keyFile) as any] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: [...DEFAULT_SCOPES, ...OPTIONAL_SCOPES],
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
    ttl: { AccessToken: accessTtl, ClientCredentials: accessTtl, IdToken: accessTtl, RefreshToken: sessionTtl, Session: sessionTtl, Grant: sessionTtl, Interaction: 3600, AuthorizationCode: 60 },
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => findAccount(id),
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `${prefix}/login-actions/${interaction.uid}` },
    // Keycloak's clients ask for no consent: the grant covers every scope the realm offers the client.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { Grant } = ctx.oidc.provider;
      const clientId = ctx.oidc.client!.clientId;
      const existingId = ctx.oidc.session?.grantIdFor(clientId);
      const existing = existingId ? await Grant.find(existingId) : undefined;
      if (existing) return existing;
      const grant = new Grant({ clientId, accountId: ctx.oidc.session!.accountId });
      const scope = [...DEFAULT_SCOPES, ...OPTIONAL_SCOPES].join(' ');
      grant.addOIDCScope(scope);
      grant.addResourceScope(resourceFor(clientId), scope);
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx: KoaContextWithOIDC, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    async extraTokenClaims(_ctx: KoaContextWithOIDC, token: any) {
      const claims: Record<string, unknown> = { typ: 'Bearer', azp: token.clientId };
      if (token.kind === 'ClientCredentials') {
        return { ...claims, preferred_username: `service-account-${token.clientId}`, realm_access: { roles: realm.data.defaultRoles ?? [] } };
      }
      const user: RealmUser | undefined = realm.usersById.get(token.accountId);
      return user ? { ...claims, ...realm.profileOf(user), realm_access: { roles: realm.rolesOf(user) } } : claims;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx: KoaContextWithOIDC) => resourceFor(ctx.oidc.client!.clientId),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: KoaContextWithOIDC, resource: string, client: { clientId: string }) => {
          if (resource !== resourceFor(client.clientId)) throw new errors.InvalidTarget();
          return resourceServerInfo(audienceOfResource(resource));
        },
      },
    },
    async renderError(ctx: KoaContextWithOIDC, out: Record<string, string>) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Error</title><h1>${escapeHtml(out.error ?? 'error')}</h1><p>${escapeHtml(out.error_description ?? '')}</p>`;
    },
  } as any);

  console.warn = warn;

  allowRedirectPatterns(provider.Client);

  // The resource owner password grant of Keycloak's direct access grants (`grant_type=password`).
  provider.registerGrantType(
    'password',
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      const client = ctx.oidc.client!;
      const user = realm.authenticate(params.username, params.password);
      if (!user) throw new errors.CustomOIDCProviderError('invalid_grant', 'Invalid user credentials');
      const requested = (params.scope ?? '').split(' ').filter((s) => OPTIONAL_SCOPES.includes(s));
      const scopes = [...new Set([...requested, ...DEFAULT_SCOPES])];
      const scope = scopes.join(' ');
      const resource = resourceFor(client.clientId);
      const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
      grant.addOIDCScope(scope);
      grant.addResourceScope(resource, scope);
      const grantId = await grant.save();
      const account = await findAccount(user.id);
      ctx.oidc.entity('Account', account!);
      ctx.oidc.entity('Grant', grant);

      const at = new provider.AccessToken({ accountId: user.id, client, grantId, gty: 'password', scope });
      at.resourceServer = new provider.ResourceServer(resource, resourceServerInfo(audienceOf(client.clientId)));
      const accessToken = await at.save();
      const rt = new provider.RefreshToken({ accountId: user.id, client, grantId, gty: 'password', scope, resource, rotations: 0 } as any);
      const refreshToken = await rt.save();
      let idToken: string | undefined;
      if (scopes.includes('openid')) {
        const token = new provider.IdToken({ sub: user.id, ...realm.profileOf(user) }, { ctx });
        (token as unknown as { scope: string }).scope = scope;
        idToken = await token.issue({ use: 'idtoken' });
      }
      ctx.body = {
        access_token: accessToken,
        expires_in: accessTtl,
        refresh_expires_in: sessionTtl,
        refresh_token: refreshToken,
        token_type: 'Bearer',
        ...(idToken && { id_token: idToken }),
        'not-before-policy': 0,
        scope: scopes.filter((s) => s !== 'roles').join(' '),
      };
    },
    ['username', 'password', 'scope'],
  );

  provider.on('server_error', (_ctx: unknown, error: Error) => options.onError?.(error));
  const callback = provider.callback();
  const loginAction = async (req: IncomingMessage, res: ServerResponse, uid: string) => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new errors.InvalidRequest('interaction mismatch');
    const action = `${prefix}/login-actions/${uid}`;
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(realm, action));
      return;
    }
    const form = await readForm(req);
    const user = realm.authenticate(form.get('username'), form.get('password'));
    if (!user) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(realm, action, 'Invalid username or password.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url !== prefix && !url.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Realm does not exist' }));
      return;
    }
    const login = new RegExp(`^${prefix}/login-actions/([\\w-]+)`).exec(url);
    if (login) {
      loginAction(req, res, login[1]!).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(`<h1>Sign-in failed</h1><p>${escapeHtml(error.message)}</p>`);
      });
      return;
    }
    // oidc-provider serves the issuer's path: it reads its mount point from originalUrl.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(prefix.length) || '/';
    callback(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    issuer,
    port,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
