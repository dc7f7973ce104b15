import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { errors as OidcErrors } from 'oidc-provider';
import { loginPage, signInFailedPage } from './pages';
import type { Realm } from './realm';

const MAX_FORM_BYTES = 64 * 1024;
const HTML = { 'content-type': 'text/html; charset=utf-8' };

/** Keycloak's path of the login form of an interaction; oidc-provider sends the browser there (`interactions.url`). */
export const loginActionPath = (prefix: string, uid: string): string => `${prefix}/login-actions/${uid}`;

const readForm = (req: IncomingMessage): Promise<URLSearchParams> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) req.destroy(new Error('Form too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });

/**
 * The login step of the authorization code flow: GET shows the form, POST checks the realm user's
 * password and, when it matches, hands the login back to oidc-provider, which resumes the flow;
 * otherwise the form again, with its message.
 */
export class LoginActions {
  private readonly route: RegExp;

  constructor(
    private readonly provider: Provider,
    private readonly errors: typeof OidcErrors,
    private readonly realm: Realm,
    private readonly prefix: string,
  ) {
    this.route = new RegExp(`^${loginActionPath(prefix, '([\\w-]+)')}`);
  }

  /** The interaction uid when `url` is a login action. */
  match(url: string): string | undefined {
    return this.route.exec(url)?.[1];
  }

  /** Serves a login action; a failure (an unknown or expired interaction) is a 400 page. */
  handle(req: IncomingMessage, res: ServerResponse, uid: string): void {
    this.serve(req, res, uid).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(400, HTML).end(signInFailedPage(error.message));
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new this.errors.InvalidRequest('interaction mismatch');
    const action = loginActionPath(this.prefix, uid);
    if (req.method === 'GET') {
      res.writeHead(200, HTML).end(loginPage(this.realm, action));
      return;
    }
    const form = await readForm(req);
    // As Keycloak's form: an empty password is asked again, and is no failed attempt.
    const user = form.get('password') ? this.realm.authenticate(form.get('username'), form.get('password')) : undefined;
    if (!user) {
      res.writeHead(200, HTML).end(loginPage(this.realm, action, 'Invalid username or password.'));
      return;
    }
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.id } },
      { mergeWithLastSubmission: false },
    );
  }
}
