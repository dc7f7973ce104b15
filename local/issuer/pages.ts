import type { Realm } from './realm';

// The HTML pages the issuer shows a browser: Keycloak's login form, and its errors.

export const escapeHtml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The login form, posting to `action`; with the message of a failed attempt when there was one. */
export const loginPage = (realm: Realm, action: string, error?: string): string => `<!doctype html>
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

/** oidc-provider's errors in a browser flow (`renderError`), e.g. an unregistered redirect URI. */
export const errorPage = (error: string, description: string): string =>
  `<!doctype html><title>Error</title><h1>${escapeHtml(error)}</h1><p>${escapeHtml(description)}</p>`;

/** A login action that could not be served, e.g. an unknown or expired interaction. */
export const signInFailedPage = (message: string): string => `<h1>Sign-in failed</h1><p>${escapeHtml(message)}</p>`;

/**
 * RP-initiated logout, as Keycloak does it: with a valid `id_token_hint` (the client proves who is
 * signing out), the logout goes through at once and the browser returns to the client; without one,
 * the person confirms. `form` is oidc-provider's confirmation form (with its anti-CSRF token).
 */
export const logoutPage = (form: string, hinted: boolean): string => {
  const confirmed = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Sign out</title>
<style>body{font-family:system-ui,sans-serif;background:#f4f5f7;display:grid;place-items:center;min-height:100vh;margin:0}
div{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:20rem}h1{font-size:1.25rem;margin:0 0 1rem}
button{margin-top:.75rem;width:100%;padding:.6rem;background:#0b5fff;color:#fff;border:0;border-radius:4px}</style></head>
<body><div><h1>${hinted ? 'Signing you out…' : 'Do you want to sign out?'}</h1>${confirmed}
<button type="submit" form="op.logoutForm" id="kc-logout">Sign out</button></div>
${hinted ? '<script>document.getElementById("op.logoutForm").submit()</script>' : ''}</body></html>`;
};
