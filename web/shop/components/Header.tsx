import { useState } from 'preact/hooks';
import type { Auth } from '../auth';

const LINKS = [
  { route: '/', label: 'Shop' },
  { route: '/orders', label: 'Orders' },
  { route: '/notifications', label: 'Notifications' },
];

/** The brand, the navigation (for a signed-in buyer) and the sign-in or sign-out button. */
export const Header = ({ auth, user, route }: { auth: Auth; user?: string; route: string }) => {
  const [error, setError] = useState<string>();
  const signIn = () => void auth.login().catch((e: Error) => setError(e.message));
  const signOut = () => void auth.logout().catch((e: Error) => setError(e.message));
  const current = (link: string) => (link === '/' ? route === '/' : route.startsWith(link));
  return (
    <header class="header">
      <div class="container header-row">
        <a class="brand" href="#/">
          <span class="brand-mark" aria-hidden="true" />
          Serverless Shop
        </a>
        {user && (
          <nav aria-label="Main">
            {LINKS.map((link) => (
              <a
                key={link.route}
                href={`#${link.route}`}
                class="nav-link"
                aria-current={current(link.route) ? 'page' : undefined}
              >
                {link.label}
              </a>
            ))}
          </nav>
        )}
        <div class="user">
          {error && (
            <span class="user-error" role="alert">
              {error}
            </span>
          )}
          {user ? (
            <>
              <span class="user-name">
                Signed in as <strong>{user}</strong>
              </span>
              <button type="button" class="button button-ghost" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            <button type="button" class="button" onClick={signIn}>
              Sign in
            </button>
          )}
        </div>
      </div>
    </header>
  );
};
