import type { AccessToken, Account, ClientCredentials, ResourceServer } from 'oidc-provider';
import type { Realm, RealmClient } from './realm';

/** The scopes Keycloak's default client scopes give a token, and the optional ones a client may ask for. */
export const DEFAULT_SCOPES = ['profile', 'email', 'roles'];
export const OPTIONAL_SCOPES = ['openid', 'offline_access'];
export const ALL_SCOPES = [...DEFAULT_SCOPES, ...OPTIONAL_SCOPES];

// oidc-provider wants resource indicators to be absolute URIs; Keycloak's audiences are plain names.
const RESOURCE_PREFIX = 'urn:keycloak:audience:';

/**
 * Keycloak's rules for the tokens of a realm: their lifetimes, the audience each client's access
 * tokens carry (its audience mapper, given to oidc-provider as a resource indicator), the accounts,
 * and the claims Keycloak adds: `typ`, `azp`, the profile and `realm_access.roles`.
 */
export class TokenPolicy {
  readonly accessTtl: number;
  readonly sessionTtl: number;
  private readonly clientsById: Map<string, RealmClient>;

  constructor(private readonly realm: Realm) {
    this.accessTtl = realm.data.accessTokenLifespan ?? 300;
    this.sessionTtl = realm.data.ssoSessionIdleTimeout ?? 1800;
    this.clientsById = new Map(realm.clients.map((client) => [client.clientId, client]));
  }

  /** The audience of a client's access tokens: its first audience mapper's, else its own id. */
  audienceOf(clientId: string): string {
    const client = this.clientsById.get(clientId);
    return (client && this.realm.audiencesOf(client)[0]) ?? clientId;
  }

  /** The one resource indicator a client's access tokens are for. */
  resourceFor(clientId: string): string {
    return `${RESOURCE_PREFIX}${this.audienceOf(clientId)}`;
  }

  /** What oidc-provider needs to know of a resource: RS256 JWT access tokens with the realm's lifetime. */
  resourceServer(resource: string): ResourceServer {
    return {
      scope: ALL_SCOPES.join(' '),
      audience: resource.startsWith(RESOURCE_PREFIX) ? resource.slice(RESOURCE_PREFIX.length) : resource,
      accessTokenTTL: this.accessTtl,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    };
  }

  /** The account of a realm user, with Keycloak's profile claims; undefined for an unknown or disabled user. */
  account(id: string): Account | undefined {
    const user = this.realm.usersById.get(id);
    return user && { accountId: id, claims: () => ({ sub: id, ...this.realm.profileOf(user) }) };
  }

  /** The claims Keycloak adds to an access token, for a user or for a client's service account. */
  extraClaims(token: AccessToken | ClientCredentials): Record<string, unknown> {
    const claims: Record<string, unknown> = { typ: 'Bearer', azp: token.clientId };
    if (token.kind === 'ClientCredentials') {
      return {
        ...claims,
        preferred_username: `service-account-${token.clientId}`,
        realm_access: { roles: this.realm.defaultRoles() },
      };
    }
    const user = this.realm.usersById.get(token.accountId);
    return user
      ? { ...claims, ...this.realm.profileOf(user), realm_access: { roles: this.realm.rolesOf(user) } }
      : claims;
  }
}
