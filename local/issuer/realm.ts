import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The parts of a Keycloak realm export the embedded issuer honours. */
export interface RealmUser {
  id: string;
  username: string;
  email?: string;
  emailVerified?: boolean;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
  credentials?: { type: string; value: string; temporary?: boolean }[];
  realmRoles?: string[];
}

export interface RealmClient {
  clientId: string;
  name?: string;
  enabled?: boolean;
  publicClient?: boolean;
  secret?: string;
  standardFlowEnabled?: boolean;
  directAccessGrantsEnabled?: boolean;
  serviceAccountsEnabled?: boolean;
  redirectUris?: string[];
  webOrigins?: string[];
  attributes?: Record<string, string>;
  protocolMappers?: { protocolMapper: string; config?: Record<string, string> }[];
}

export interface RealmExport {
  realm: string;
  displayName?: string;
  accessTokenLifespan?: number;
  ssoSessionIdleTimeout?: number;
  defaultRoles?: string[];
  users?: RealmUser[];
  clients?: RealmClient[];
}

export const readRealm = (path: string): RealmExport => {
  const realm = JSON.parse(readFileSync(path, 'utf8')) as RealmExport;
  for (const user of realm.users ?? []) {
    if (!user.id) throw new Error(`${path}: user ${user.username} needs a fixed "id", so that its sub is the same from Keycloak and the local issuer`);
  }
  return realm;
};

/** The realm's users and clients, with Keycloak's rules for credentials, roles and audiences. */
export class Realm {
  readonly usersById = new Map<string, RealmUser>();

  constructor(readonly data: RealmExport) {
    for (const user of data.users ?? []) if (user.enabled !== false) this.usersById.set(user.id, user);
  }

  get name(): string {
    return this.data.realm;
  }

  get clients(): RealmClient[] {
    return (this.data.clients ?? []).filter((client) => client.enabled !== false);
  }

  /** The user whose password matches, compared in constant time; undefined otherwise. */
  authenticate(username: unknown, password: unknown): RealmUser | undefined {
    if (typeof username !== 'string' || typeof password !== 'string') return undefined;
    const user = [...this.usersById.values()].find((u) => u.username === username.toLowerCase() || u.email === username);
    const stored = user?.credentials?.find((c) => c.type === 'password')?.value;
    if (!user || stored === undefined) return undefined;
    const a = Buffer.from(stored);
    const b = Buffer.from(password);
    return a.length === b.length && timingSafeEqual(a, b) ? user : undefined;
  }

  /** Realm roles as Keycloak puts them in `realm_access.roles`: the user's own plus the realm defaults. */
  rolesOf(user: RealmUser): string[] {
    return [...new Set([...(user.realmRoles ?? []), ...(this.data.defaultRoles ?? [])])];
  }

  /** Audiences added by the client's `oidc-audience-mapper`s. */
  audiencesOf(client: RealmClient): string[] {
    return (client.protocolMappers ?? [])
      .filter((m) => m.protocolMapper === 'oidc-audience-mapper' && m.config?.['access.token.claim'] !== 'false')
      .map((m) => m.config?.['included.custom.audience'] ?? m.config?.['included.client.audience'])
      .filter((aud): aud is string => typeof aud === 'string' && aud !== '');
  }

  /** Keycloak's profile and email claims of a user. */
  profileOf(user: RealmUser): Record<string, unknown> {
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
    return {
      preferred_username: user.username,
      ...(name && { name }),
      ...(user.firstName && { given_name: user.firstName }),
      ...(user.lastName && { family_name: user.lastName }),
      ...(user.email && { email: user.email, email_verified: user.emailVerified ?? false }),
    };
  }
}
