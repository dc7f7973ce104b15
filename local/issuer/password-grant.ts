import type Provider from 'oidc-provider';
import type { errors as OidcErrors, TokenEndpointGrantContext } from 'oidc-provider';
import type { Realm, RealmUser } from './realm';
import { DEFAULT_SCOPES, OPTIONAL_SCOPES, type TokenPolicy } from './tokens';

interface PasswordParams {
  username?: string;
  password?: string;
  scope?: string;
}

type PasswordContext = TokenEndpointGrantContext<PasswordParams>;

/** Keycloak's scopes of a direct access grant: its default client scopes, plus the optional ones asked for. */
const scopesOf = (requested: string | undefined): string[] => [
  ...new Set([...(requested ?? '').split(' ').filter((s) => OPTIONAL_SCOPES.includes(s)), ...DEFAULT_SCOPES]),
];

/**
 * Keycloak's direct access grant (`grant_type=password`), the resource owner password grant, as an
 * oidc-provider custom grant type (`registerGrantType`): the realm user's password for an access token
 * for the client's audience, a refresh token, an ID token when `openid` is asked for, and the response
 * body's fields as Keycloak sends them.
 */
export class PasswordGrant {
  constructor(
    private readonly provider: Provider,
    private readonly errors: typeof OidcErrors,
    private readonly realm: Realm,
    private readonly tokens: TokenPolicy,
  ) {}

  register(): void {
    this.provider.registerGrantType<PasswordParams>('password', (ctx) => this.handle(ctx), [
      'username',
      'password',
      'scope',
    ]);
  }

  private async handle(ctx: PasswordContext): Promise<void> {
    const { params, client } = ctx.oidc;
    const user = this.realm.authenticate(params.username, params.password);
    if (!user) throw this.invalidCredentials();
    const scopes = scopesOf(params.scope);
    const scope = scopes.join(' ');
    const grantId = await this.grant(ctx, user, scope);
    const issued = { accountId: user.id, client, grantId, gty: 'password', scope };
    const resource = this.tokens.resourceFor(client.clientId);

    const accessToken = new this.provider.AccessToken(issued);
    accessToken.resourceServer = new this.provider.ResourceServer(resource, this.tokens.resourceServer(resource));
    const refreshToken = new this.provider.RefreshToken({ ...issued, resource, rotations: 0 });
    ctx.body = {
      access_token: await accessToken.save(),
      expires_in: this.tokens.accessTtl,
      refresh_expires_in: this.tokens.sessionTtl,
      refresh_token: await refreshToken.save(),
      token_type: 'Bearer',
      ...(scopes.includes('openid') && { id_token: await this.idToken(ctx, user, scope) }),
      'not-before-policy': 0,
      scope: scopes.filter((s) => s !== 'roles').join(' '),
    };
  }

  /** Keycloak's one answer to an unknown user, a wrong password and a locked-out user (its ValidateUsername, ValidatePassword). */
  private invalidCredentials(): Error {
    const error = new this.errors.OIDCProviderError(401, 'invalid_grant');
    error.error_description = 'Invalid user credentials';
    return error;
  }

  /** The grant the tokens belong to: the user, the client, the scopes and the client's audience. */
  private async grant(ctx: PasswordContext, user: RealmUser, scope: string): Promise<string> {
    const clientId = ctx.oidc.client.clientId;
    const grant = new this.provider.Grant({ accountId: user.id, clientId });
    grant.addOIDCScope(scope);
    grant.addResourceScope(this.tokens.resourceFor(clientId), scope);
    const grantId = await grant.save();
    ctx.oidc.entity('Account', this.tokens.account(user.id)!);
    ctx.oidc.entity('Grant', grant);
    return grantId;
  }

  private idToken(ctx: PasswordContext, user: RealmUser, scope: string): Promise<string> {
    const token = new this.provider.IdToken({ sub: user.id, ...this.realm.profileOf(user) }, { ctx });
    (token as unknown as { scope: string }).scope = scope;
    return token.issue({ use: 'idtoken' });
  }
}
