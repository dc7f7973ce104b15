import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BruteForceProtector, bruteForceSettings, type BruteForceSettings } from './brute-force';

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

export interface RealmExport extends Partial<BruteForceSettings> {
  realm: string;
  displayName?: string;
  accessTokenLifespan?: number;
  ssoSessionIdleTimeout?: number;
  /** The realm's default role, as Keycloak exports it: a composite role. */
  defaultRole?: { name: string; composites?: { realm?: string[] } };
  /** The realm roles older exports list as defaults; Keycloak adds them to its default role on import. */
  defaultRoles?: string[];
  users?: RealmUser[];
  clients?: RealmClient[];
}

export const readRealm = (path: string): RealmExport => {
  const realm = JSON.parse(readFileSync(path, 'utf8')) as RealmExport;
  for (const user of realm.users ?? []) {
    if (!user.id)
      throw new Error(
        `${path}: user ${user.username} needs a fixed "id", so that its sub is the same from Keycloak and the local issuer`,
      );
  }
  return realm;
};

/** A password compared in constant time with the user's stored one. */
const passwordMatches = (user: RealmUser, password: unknown): boolean => {
  const stored = user.credentials?.find((c) => c.type === 'password')?.value;
  if (stored === undefined || typeof password !== 'string') return false;
  const a = Buffer.from(stored);
  const b = Buffer.from(password);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The realm's users and clients, with Keycloak's rules for credentials, roles, audiences and brute-force detection. */
export class Realm {
  readonly usersById = new Map<string, RealmUser>();
  readonly bruteForce: BruteForceProtector;

  constructor(readonly data: RealmExport) {
    for (const user of data.users ?? []) if (user.enabled !== false) this.usersById.set(user.id, user);
    this.bruteForce = new BruteForceProtector(bruteForceSettings(data));
  }

  get name(): string {
    return this.data.realm;
  }

  get clients(): RealmClient[] {
    return (this.data.clients ?? []).filter((client) => client.enabled !== false);
  }

  /**
   * The user whose password matches, with Keycloak's brute-force detection: a locked-out user is refused
   * before the password is looked at, a wrong password counts as a failure, a right one clears the count.
   * Every refusal is the same undefined, as Keycloak answers them all alike ("Invalid user credentials").
   */
  authenticate(username: unknown, password: unknown, now = Date.now()): RealmUser | undefined {
    const user =
      typeof username === 'string'
        ? [...this.usersById.values()].find((u) => u.username === username.toLowerCase() || u.email === username)
        : undefined;
    if (!user || this.bruteForce.isLockedOut(user.id, now)) return undefined;
    if (!passwordMatches(user, password)) {
      this.bruteForce.failure(user.id, now);
      return undefined;
    }
    this.bruteForce.success(user.id);
    return user;
  }

  /**
   * Realm roles as Keycloak puts them in a user's `realm_access.roles`: the roles the realm file gives the
   * user. Keycloak grants its default role to the users it creates, not to the users a realm import brings.
   */
  rolesOf(user: RealmUser): string[] {
    return [...(user.realmRoles ?? [])];
  }

  /**
   * The realm roles of a client's service account, a user Keycloak creates, so with the realm's default
   * role: `default-roles-{realm}`, a composite of `offline_access`, `uma_authorization` and the roles an
   * older export lists in `defaultRoles` (DefaultExportImportManager.convertDeprecatedDefaultRoles).
   */
  defaultRoles(): string[] {
    const { defaultRole, defaultRoles } = this.data;
    if (defaultRole) return [defaultRole.name, ...(defaultRole.composites?.realm ?? [])];
    return [`default-roles-${this.name.toLowerCase()}`, 'offline_access', 'uma_authorization', ...(defaultRoles ?? [])];
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
