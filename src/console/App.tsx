import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Me } from './api';
import { Availability } from './Availability';
import { Link } from './Link';
import { useLiveUpdates } from './live';
import { AccountPage } from './pages/Account';
import { ApprovalsPage } from './pages/Approvals';
import { CampaignPage, CampaignsPage } from './pages/Campaigns';
import { CasePage } from './pages/Case';
import { EscalationsPage } from './pages/Escalations';
import { NewCasePage } from './pages/NewCase';
import { OutboxPage } from './pages/Outbox';
import { QueuePage } from './pages/Queue';
import { FourEyesPage } from './pages/FourEyes';
import { WorkloadPage } from './pages/Workload';
import { ReportsPage } from './pages/Reports';
import { SignInPage } from './pages/SignIn';
import { UsersPage } from './pages/Users';
import { useMe, useReadiness } from './queries';
import { navigate, useLocation } from './router';
import { Search } from './Search';
import { checkSession, signOut, useSession } from './session';

const liveWords = { connecting: 'Connecting…', live: 'Live', offline: 'Offline' };

/** Where a person starts: department members on their escalations, checkers on their approvals. */
function home(me: Me): string {
  if (me.permissions.includes('department.respond')) return '/escalations';
  if (me.permissions.includes('removal.approve') && !me.permissions.includes('removal.propose')) {
    return '/approvals';
  }
  return '/queue';
}

function Page({ path, me }: { path: string; me: Me | undefined }) {
  const caseMatch = /^\/cases\/([^/]+)$/.exec(path);
  if (caseMatch?.[1]) return <CasePage caseId={decodeURIComponent(caseMatch[1])} />;
  const accountMatch = /^\/accounts\/([^/]+)$/.exec(path);
  if (accountMatch?.[1]) return <AccountPage accountId={decodeURIComponent(accountMatch[1])} />;
  const campaignMatch = /^\/campaigns\/([^/]+)$/.exec(path);
  if (campaignMatch?.[1]) return <CampaignPage campaignId={decodeURIComponent(campaignMatch[1])} />;
  switch (path) {
    case '/':
      return me ? null : <p role="status">Loading…</p>;
    case '/new-case':
      return <NewCasePage />;
    case '/my-cases':
      return <QueuePage view="mine" />;
    case '/my-proposals':
      return <QueuePage view="proposals" />;
    case '/approvals':
      return <ApprovalsPage />;
    case '/escalations':
      return <EscalationsPage />;
    case '/reports':
      return <ReportsPage />;
    case '/reports/four-eyes':
      return <FourEyesPage />;
    case '/reports/workload':
      return <WorkloadPage />;
    case '/campaigns':
      return <CampaignsPage />;
    case '/users':
      return <UsersPage />;
    case '/outbox':
      return <OutboxPage />;
    default:
      return <QueuePage />;
  }
}

/** Temporal or the workers being down is said above every page, with what still works. */
function OutageBanner() {
  const readiness = useReadiness().data;
  if (!readiness || readiness.status === 'ready') return null;
  const { temporal, postgres, workers } = readiness.checks;
  const down = [
    temporal === 'down' ? 'Temporal' : '',
    postgres === 'down' ? 'PostgreSQL' : '',
    workers !== 'polling' ? 'the workers' : '',
  ].filter(Boolean);
  const plural = down.length > 1 || workers !== 'polling';
  const what = down.join(' and ');
  return (
    <div className="banner" role="alert">
      {what
        ? `${what[0]!.toUpperCase()}${what.slice(1)} ${plural ? 'are' : 'is'} down.`
        : 'The API is not ready.'}{' '}
      Cases can still be read; actions wait and may be refused until {plural ? 'they are' : 'it is'} back.
      This notice goes away by itself.
    </div>
  );
}

function SignedIn({ path }: { path: string }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const live = useLiveUpdates(queryClient, true);
  const main = useRef<HTMLElement>(null);
  const may = (permission: Me['permissions'][number]) => me.data?.permissions.includes(permission) ?? false;
  useEffect(() => {
    if (path === '/' && me.data) navigate(home(me.data), { replace: true });
  }, [path, me.data]);
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
              <Link to="/queue" current={path === '/queue'}>
                Queue
              </Link>
            </li>
            {may('case.review') ? (
              <li>
                <Link to="/my-cases">My cases</Link>
              </li>
            ) : null}
            {may('removal.propose') ? (
              <li>
                <Link to="/my-proposals">My proposals</Link>
              </li>
            ) : null}
            {may('case.create') ? (
              <li>
                <Link to="/new-case">New case</Link>
              </li>
            ) : null}
            <li>
              <Link to="/approvals">Approvals</Link>
            </li>
            <li>
              <Link to="/escalations">Escalations</Link>
            </li>
            {may('campaign.read') ? (
              <li>
                <Link to="/campaigns">Campaigns</Link>
              </li>
            ) : null}
            {may('reports.read') ? (
              <li>
                <Link to="/reports">Reports</Link>
              </li>
            ) : null}
            {may('admin.users') ? (
              <li>
                <Link to="/users">Users</Link>
              </li>
            ) : null}
            {may('admin.users') ? (
              <li>
                <Link to="/outbox">Outbox</Link>
              </li>
            ) : null}
          </ul>
          <Search />
        </nav>
        <span
          className={`live live-${live}`}
          role="status"
          title={live === 'offline' ? 'Reconnecting…' : undefined}
        >
          {liveWords[live]}
        </span>
        <span className="who">{me.data ? `${me.data.name} · ${me.data.roles.join(', ')}` : ''}</span>
        {me.data ? <Availability me={me.data} /> : null}
        <button
          type="button"
          onClick={() => {
            void signOut().then(() => queryClient.clear());
          }}
        >
          Sign out
        </button>
      </header>
      <OutageBanner />
      <main id="main" ref={main}>
        <Page path={path} me={me.data} />
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
      navigate(`/sign-in?next=${encodeURIComponent(path + (search.size ? `?${search.toString()}` : ''))}`, {
        replace: true,
      });
    } else if (session === 'signed-in' && signInPage) {
      navigate(next?.startsWith('/') ? next : '/', { replace: true });
    }
  }, [session, signInPage, path, next, search]);
  // Until the API has said whether the cookie holds, neither page: a deep link must not flash sign-in.
  if (session === 'checking') return null;
  if (session === 'signed-out' || signInPage) return <SignInPage />;
  return <SignedIn path={path} />;
}
