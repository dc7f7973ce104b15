import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { target, tokenFor } from './support';

const realm = JSON.parse(readFileSync(join(__dirname, '..', '..', 'keycloak', 'realm-shop.json'), 'utf8')) as {
  users: { id: string; username: string }[];
};
const idOf = (username: string) => realm.users.find((u) => u.username === username)!.id;

// The issuer as Keycloak serves it: discovery, JWKS, tokens with Keycloak's claims, and the
// authorization code flow with PKCE through its login page.

/** What these tests read of the issuer's answers (OpenID Connect Discovery, JWKS, OAuth token responses). */
interface Discovery {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
}
interface Jwks {
  keys: { kty: string; alg?: string }[];
}
interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
}
interface OAuthError {
  error: string;
  error_description?: string;
}
/** The claims these tests read of Keycloak's tokens. */
interface Claims {
  sub: string;
  exp: number;
  scope: string;
  realm_access: { roles: string[] };
}

/** A JSON answer, read as the document the test expects. */
const json = async <T>(response: Response): Promise<T> => (await response.json()) as T;
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Claims;
const tokenEndpoint = () => `${target().issuer}/protocol/openid-connect/token`;

test('discovery and JWKS are at Keycloak paths', async () => {
  const discovery = await json<Discovery>(await fetch(`${target().issuer}/.well-known/openid-configuration`));
  expect(discovery.issuer).toBe(target().issuer);
  expect(discovery.token_endpoint).toBe(tokenEndpoint());
  expect(discovery.jwks_uri).toBe(`${target().issuer}/protocol/openid-connect/certs`);
  const jwks = await json<Jwks>(await fetch(discovery.jwks_uri));
  expect(jwks.keys.some((k) => k.kty === 'RSA')).toBe(true);
});

test("access tokens carry Keycloak's claims", async () => {
  const claims = claimsOf(await tokenFor('admin'));
  // sub is the realm file's fixed id (Keycloak adds it through the `basic` client scope).
  expect(claims).toMatchObject({
    iss: target().issuer,
    sub: idOf('admin'),
    aud: 'shop-api',
    azp: 'shop-cli',
    preferred_username: 'admin',
    typ: 'Bearer',
  });
  expect(claims.realm_access.roles).toEqual(expect.arrayContaining(['admin', 'customer']));
  expect(claims.scope).toEqual(expect.stringContaining('profile'));
  expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
});

test("a wrong password is refused with Keycloak's answer", async () => {
  // bob, whom no test here signs in next: with brute-force detection on, alice's wrong password on the
  // login page below must not come within the quick-login check of this one, and Keycloak refuses a
  // user's sign-in while it is still recording that user's last attempt.
  const response = await fetch(tokenEndpoint(), {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'shop-cli', username: 'bob', password: 'wrong' }),
  });
  expect(response.status).toBe(401);
  expect(await json<OAuthError>(response)).toEqual({
    error: 'invalid_grant',
    error_description: 'Invalid user credentials',
  });
});

test('a refresh token gives a new access token', async () => {
  const first = await json<Tokens>(
    await fetch(tokenEndpoint(), {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'shop-cli',
        username: 'admin',
        password: 'admin',
      }),
    }),
  );
  const refreshed = await fetch(tokenEndpoint(), {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: 'shop-cli',
      refresh_token: first.refresh_token,
    }),
  });
  const body = await json<Tokens>(refreshed);
  expect(refreshed.status).toBe(200);
  expect(claimsOf(body.access_token)).toMatchObject({ preferred_username: 'admin', aud: 'shop-api' });
});

test('authorization code with PKCE, through the login page', async () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirectUri = 'http://localhost:3000/callback';
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = pair!.split('=');
      jar.set(name!, value!);
    }
  };
  const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const follow = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: cookies() },
    });
    remember(response);
    return response;
  };
  const authorize = new URL(`${target().issuer}/protocol/openid-connect/auth`);
  authorize.search = new URLSearchParams({
    client_id: 'shop-web',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'xyz',
  }).toString();

  // Our issuer redirects to its login page; Keycloak shows the page at once.
  const toLogin = await follow(authorize.toString());
  const loginUrl =
    toLogin.status >= 300 && toLogin.status < 400
      ? new URL(toLogin.headers.get('location')!, target().issuer).toString()
      : authorize.toString();
  const formAction = (html: string) =>
    new URL(
      /action="([^"]+)"/
        .exec(html)![1]!
        .replace(/&amp;/g, '&')
        .replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))),
      loginUrl,
    ).toString();
  const page = loginUrl === authorize.toString() ? await toLogin.text() : await (await follow(loginUrl)).text();
  const wrong = await follow(formAction(page), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=alice&password=nope',
  });
  const retry = await wrong.text();
  expect(retry).toContain('Invalid username or password');
  // Keycloak renews the form's action with each attempt.
  const action = formAction(retry);
  let response = await follow(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=alice&password=alice',
  });
  while (
    response.status >= 300 &&
    response.status < 400 &&
    !response.headers.get('location')!.startsWith(redirectUri)
  ) {
    response = await follow(new URL(response.headers.get('location')!, target().issuer).toString());
  }
  const callback = new URL(response.headers.get('location')!);
  expect(callback.searchParams.get('state')).toBe('xyz');
  const code = callback.searchParams.get('code')!;

  const exchange = await fetch(tokenEndpoint(), {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'shop-web',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  const tokens = await json<Tokens>(exchange);
  expect(exchange.status).toBe(200);
  expect(claimsOf(tokens.access_token)).toMatchObject({
    aud: 'shop-api',
    azp: 'shop-web',
    preferred_username: 'alice',
  });
  expect(claimsOf(tokens.id_token)).toMatchObject({ aud: 'shop-web', sub: claimsOf(tokens.access_token).sub });
});
