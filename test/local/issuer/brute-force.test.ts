import { join } from 'node:path';
import { Realm, readRealm } from '../../../local/issuer/realm';
import { match } from '../../support/matchers';
import { type IssuerThread, startIssuerThread } from './worker';

// The embedded issuer's brute-force detection, with the realm file's settings, on an issuer of each
// test's own, in a thread of this process (its own realm state: no other test's users are locked
// out). The issuer's clock is moved on by the test instead of waiting.

const realmFile = readRealm(join(__dirname, '..', '..', '..', 'keycloak', 'realm-shop.json'));
const {
  failureFactor,
  waitIncrementSeconds,
  quickLoginCheckMilliSeconds,
  minimumQuickLoginWaitSeconds,
  maxDeltaTimeSeconds,
} = new Realm(realmFile).bruteForce.settings;
let issuer: IssuerThread;

beforeEach(async () => {
  issuer = await startIssuerThread(realmFile);
});
afterEach(() => issuer.stop());

/** Moves the issuer's clock on by `seconds`. */
const wait = (seconds: number) => issuer.advance(seconds);
/** More than the quick-login check: failures this far apart count only towards failureFactor. */
const PAUSE = quickLoginCheckMilliSeconds / 1000 + 1;

interface TokenAnswer {
  status: number;
  body: { access_token?: string; error?: string; error_description?: string };
}

/** Keycloak's direct access grant, as the shop's CLI client asks for it. */
const signIn = async (username: string, password: string): Promise<TokenAnswer> => {
  const response = await fetch(`${issuer.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'shop-cli', username, password }),
  });
  return { status: response.status, body: (await response.json()) as TokenAnswer['body'] };
};

/** Keycloak's answer to a wrong password, to an unknown user and to a locked-out user alike. */
const REFUSED = { status: 401, body: { error: 'invalid_grant', error_description: 'Invalid user credentials' } };

/** `count` wrong passwords for bob, PAUSE apart. */
const wrongPasswords = async (count: number) => {
  for (let i = 0; i < count; i++) {
    if (i > 0) await wait(PAUSE);
    expect(await signIn('bob', 'wrong')).toEqual(REFUSED);
  }
};

describe('the password grant', () => {
  test('failureFactor wrong passwords lock the account for waitIncrementSeconds: the right password is refused as a wrong one, then accepted', async () => {
    await wrongPasswords(failureFactor);

    await wait(1);
    const whileLocked = await signIn('bob', 'bob');
    await wait(waitIncrementSeconds - 2);
    const justBefore = await signIn('bob', 'bob');
    await wait(1);
    const after = await signIn('bob', 'bob');

    expect(whileLocked).toEqual(REFUSED);
    expect(justBefore).toEqual(REFUSED);
    expect(after.status).toBe(200);
    expect(after.body.access_token).toEqual(match.any(String));
  });

  test('one failure fewer locks nothing, and a success clears the count', async () => {
    await wrongPasswords(failureFactor - 1);
    await wait(PAUSE);
    const before = await signIn('bob', 'bob');
    await wait(PAUSE);
    await wrongPasswords(failureFactor - 1);
    await wait(PAUSE);
    const again = await signIn('bob', 'bob');

    expect(before.status).toBe(200);
    expect(again.status).toBe(200);
  });

  test('two failures within quickLoginCheckMilliSeconds lock the account for minimumQuickLoginWaitSeconds', async () => {
    await signIn('bob', 'wrong');
    await wait(quickLoginCheckMilliSeconds / 1000 / 2);
    await signIn('bob', 'wrong');

    const whileLocked = await signIn('bob', 'bob');
    await wait(minimumQuickLoginWaitSeconds);
    const after = await signIn('bob', 'bob');

    expect(whileLocked).toEqual(REFUSED);
    expect(after.status).toBe(200);
  });

  test('failures further apart than maxDeltaTimeSeconds start the count again', async () => {
    await wrongPasswords(failureFactor - 1);
    await wait(maxDeltaTimeSeconds + 1);
    await wrongPasswords(failureFactor - 1);

    await wait(PAUSE);
    expect((await signIn('bob', 'bob')).status).toBe(200);
  });

  test("a locked-out user's attempts do not count, and other users are not affected", async () => {
    await wrongPasswords(failureFactor);
    await wait(PAUSE);
    await wrongPasswords(failureFactor);

    const alice = await signIn('alice', 'alice');
    await wait(waitIncrementSeconds);
    const bob = await signIn('bob', 'bob');

    expect(alice.status).toBe(200);
    expect(bob.status).toBe(200);
  });

  test('an unknown user is refused the same way, and tracked nowhere', async () => {
    for (let i = 0; i < failureFactor + 1; i++) expect(await signIn('nobody', 'wrong')).toEqual(REFUSED);

    expect((await signIn('bob', 'bob')).status).toBe(200);
  });
});

describe('the login page', () => {
  /** The login form of a new authorization code request (PKCE), with the cookies of its interaction. */
  const loginForm = async () => {
    const authorize = new URL(`${issuer.issuer}/protocol/openid-connect/auth`);
    authorize.search = new URLSearchParams({
      client_id: 'shop-web',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://localhost:3000/callback',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const toLogin = await fetch(authorize, { redirect: 'manual' });
    const cookie = toLogin.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return { action: new URL(toLogin.headers.get('location')!, issuer.issuer).toString(), cookie };
  };

  const submit = async (form: { action: string; cookie: string }, username: string, password: string) => {
    const response = await fetch(form.action, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    });
    return { status: response.status, page: await response.text() };
  };

  test("failed sign-ins on the page count as Keycloak's do, and a locked-out user sees the wrong-password page until the lockout ends", async () => {
    const form = await loginForm();
    for (let i = 0; i < failureFactor; i++) {
      if (i > 0) await wait(PAUSE);
      expect(await submit(form, 'bob', 'wrong')).toEqual({
        status: 200,
        page: match.stringContaining('Invalid username or password.'),
      });
    }

    await wait(1);
    const whileLocked = await submit(form, 'bob', 'bob');
    const grantWhileLocked = await signIn('bob', 'bob');
    await wait(waitIncrementSeconds);
    const after = await submit(form, 'bob', 'bob');

    expect(whileLocked).toEqual({ status: 200, page: match.stringContaining('Invalid username or password.') });
    expect(grantWhileLocked).toEqual(REFUSED);
    expect(after.status).toBe(303);
  });

  test('an empty password is asked again and is no failed attempt', async () => {
    const form = await loginForm();

    for (let i = 0; i < failureFactor; i++)
      expect((await submit(form, 'bob', '')).page).toContain('Invalid username or password.');

    expect(await signIn('bob', 'bob')).toMatchObject({ status: 200 });
  });
});
