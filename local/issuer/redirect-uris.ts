import type { ClientMetadata, Configuration, errors as OidcErrors } from 'oidc-provider';
import type { RealmClient } from './realm';

// Keycloak's redirect URIs, as the realm registers them: one ending in `*` allows any URI that starts
// with what precedes the `*`, for the redirect after login and after logout alike.
//
// oidc-provider compares redirect URIs exactly and has no setting for patterns. Its recipe for
// wildcards (recipes/redirect_uri_wildcards.md in panva/node-oidc-provider) declares the patterns as
// client metadata, validated through `extraClientMetadata`, and extends the `redirectUriAllowed` and
// `postLogoutRedirectUriAllowed` checks of that provider's own `Client` class. This module does both.

/** The client metadata property that holds the realm's redirect URIs as registered, patterns included. */
export const REDIRECT_PATTERNS = 'urn:keycloak:redirect_uris';

/** The prefix a registered pattern allows; undefined for a URI without a wildcard. */
const prefixOf = (pattern: string) => (pattern.endsWith('*') ? pattern.slice(0, -1) : undefined);

/**
 * A realm client's redirect URIs as oidc-provider metadata: the exact URIs oidc-provider checks (a
 * pattern without its `*`, which it also allows) and the realm's patterns as they are.
 */
export const redirectMetadata = (client: RealmClient, browser: boolean): Omit<ClientMetadata, 'client_id'> => {
  const registered = browser ? (client.redirectUris ?? []) : [];
  const exact = registered.map((uri) => prefixOf(uri) ?? uri);
  return { redirect_uris: exact, post_logout_redirect_uris: exact, [REDIRECT_PATTERNS]: registered };
};

/** Keycloak's rule, checked when oidc-provider builds a client: `*` only as the last character of an absolute URI. */
export const redirectPatternsMetadata = (
  errors: typeof OidcErrors,
): NonNullable<Configuration['extraClientMetadata']> => ({
  properties: [REDIRECT_PATTERNS],
  validator(_ctx, key, value) {
    if (key !== REDIRECT_PATTERNS || value === undefined) return;
    if (!Array.isArray(value)) throw new errors.InvalidClientMetadata(`${key} must be an array`);
    for (const pattern of value) {
      const base = typeof pattern === 'string' ? (prefixOf(pattern) ?? pattern) : '';
      if (base.includes('*') || !URL.canParse(base)) {
        throw new errors.InvalidClientMetadata(
          `${key}: ${String(pattern)} is not an absolute URI with at most a trailing *`,
        );
      }
    }
  },
});

/** A redirect URI check, as a function of the client it is called on. */
type RedirectUriCheck = (this: object, uri: string) => boolean;

interface ClientClass {
  prototype: {
    redirectUriAllowed: RedirectUriCheck;
    postLogoutRedirectUriAllowed: RedirectUriCheck;
  };
}

const matchesPattern = (client: object, uri: string): boolean => {
  const patterns = (client as Record<string, unknown>)[REDIRECT_PATTERNS] as string[] | undefined;
  return (patterns ?? []).some((pattern) => {
    const prefix = prefixOf(pattern);
    return prefix !== undefined && uri.startsWith(prefix);
  });
};

/**
 * Makes the clients of one provider (`provider.Client`, a class each provider makes for itself) allow,
 * besides their exact URIs, any URI that one of their own patterns matches.
 */
export const allowRedirectPatterns = (Client: ClientClass): void => {
  const { redirectUriAllowed, postLogoutRedirectUriAllowed } = Client.prototype;
  Client.prototype.redirectUriAllowed = function keycloakRedirectUriAllowed(this: object, uri: string) {
    return redirectUriAllowed.call(this, uri) || matchesPattern(this, uri);
  };
  Client.prototype.postLogoutRedirectUriAllowed = function keycloakPostLogoutRedirectUriAllowed(
    this: object,
    uri: string,
  ) {
    return postLogoutRedirectUriAllowed.call(this, uri) || matchesPattern(this, uri);
  };
};
