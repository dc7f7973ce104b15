import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import { LoginActions } from './login';
import { PasswordGrant } from './password-grant';
import { createProvider, loadOidcProvider } from './provider';
import type { Realm } from './realm';
import { TokenPolicy } from './tokens';

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

/** The HTTP front at `/realms/{realm}`: the login actions are ours, the rest is oidc-provider's. */
const realmHandler = (prefix: string, provider: Provider, login: LoginActions) => {
  const callback = provider.callback();
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (url !== prefix && !url.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Realm does not exist' }));
      return;
    }
    const uid = login.match(url);
    if (uid) {
      login.handle(req, res, uid);
      return;
    }
    // oidc-provider serves the issuer's path: it reads its mount point from originalUrl.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(prefix.length) || '/';
    void callback(req, res);
  };
};

/** oidc-provider builds a client on its first use: a client it refuses stops the start, not each request. */
const checkClients = async (provider: Provider, realm: Realm) => {
  for (const { clientId } of realm.clients) {
    try {
      await provider.Client.find(clientId);
    } catch (error) {
      const { message, error_description: detail } = error as Error & { error_description?: string };
      throw new Error(`Realm ${realm.name}, client ${clientId}: ${detail ?? message}`, { cause: error });
    }
  }
};

const listen = (server: Server, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
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
  const oidc = await loadOidcProvider();
  const prefix = `/realms/${realm.name}`;
  const issuer = `${options.publicOrigin ?? `http://localhost:${options.port}`}${prefix}`;
  const tokens = new TokenPolicy(realm);
  const provider = createProvider(oidc, { realm, tokens, issuer, prefix, keyFile: options.keyFile });
  new PasswordGrant(provider, oidc.errors, realm, tokens).register();
  await checkClients(provider, realm);
  provider.on('server_error', (_ctx, error) => options.onError?.(error));

  const server = createServer(realmHandler(prefix, provider, new LoginActions(provider, oidc.errors, realm, prefix)));
  await listen(server, options.port, options.host ?? '127.0.0.1');
  return {
    issuer,
    port: (server.address() as AddressInfo).port,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
