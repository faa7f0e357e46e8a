import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from './Link';
import { useLiveUpdates } from './live';
import { ApprovalsPage } from './pages/Approvals';
import { CasePage } from './pages/Case';
import { EscalationsPage } from './pages/Escalations';
import { QueuePage } from './pages/Queue';
import { ReportsPage } from './pages/Reports';
import { SignInPage } from './pages/SignIn';
import { UsersPage } from './pages/Users';
import { useMe } from './queries';
import { navigate, useLocation } from './router';
import { checkSession, signOut, useSession } from './session';

const liveWords = { connecting: 'Connecting…', live: 'Live', offline: 'Offline, reconnecting' };

function Page({ path }: { path: string }) {
  const caseMatch = /^\/cases\/([^/]+)$/.exec(path);
  if (caseMatch?.[1]) return <CasePage caseId={decodeURIComponent(caseMatch[1])} />;
  switch (path) {
    case '/approvals':
      return <ApprovalsPage />;
    case '/escalations':
      return <EscalationsPage />;
    case '/reports':
      return <ReportsPage />;
    case '/users':
      return <UsersPage />;
    default:
      return <QueuePage />;
  }
}

function SignedIn({ path }: { path: string }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const live = useLiveUpdates(queryClient, true);
  const main = useRef<HTMLElement>(null);
  // A new page moves focus to its heading, so keyboard and screen-reader users start at the top of it.
  useEffect(() => {
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">dualkey</span>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link to="/queue" current={path === '/queue' || path === '/'}>
                Queue
              </Link>
            </li>
            <li>
              <Link to="/approvals">Approvals</Link>
            </li>
            <li>
              <Link to="/escalations">Escalations</Link>
            </li>
            <li>
              <Link to="/reports">Reports</Link>
            </li>
            {me.data?.roles.includes('admin') ? (
              <li>
                <Link to="/users">Users</Link>
              </li>
            ) : null}
          </ul>
        </nav>
        <span className={`live live-${live}`} role="status">
          {liveWords[live]}
        </span>
        <span className="who">{me.data ? `${me.data.name} · ${me.data.roles.join(', ')}` : ''}</span>
        <button
          type="button"
          onClick={() => {
            void signOut().then(() => queryClient.clear());
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" ref={main}>
        <Page path={path} />
      </main>
    </>
  );
}

export function App() {
  const session = useSession();
  const { path, search } = useLocation();
  const signInPage = path === '/sign-in';
  const next = search.get('next');
  useEffect(() => {
    void checkSession();
  }, []);
  useEffect(() => {
    if (session === 'signed-out' && !signInPage) {
      navigate(`/sign-in?next=${encodeURIComponent(path)}`, { replace: true });
    } else if (session === 'signed-in' && signInPage) {
      navigate(next?.startsWith('/') ? next : '/queue', { replace: true });
    }
  }, [session, signInPage, path, next]);
  // Until the API has said whether the cookie holds, neither page: a deep link must not flash sign-in.
  if (session === 'checking') return null;
  if (session === 'signed-out' || signInPage) return <SignInPage />;
  return <SignedIn path={path} />;
}
