import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { useAuthConfig, useDemoUsers } from '../queries';
import { navigate, useLocation } from '../router';
import { signIn } from '../session';
import type { SsoConfig } from '../sso';
import { finishSignIn, isReturning, startSignIn } from '../sso';

function TokenForm() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const problem = token.trim() ? await signIn(token) : 'Enter your API token.';
    setBusy(false);
    setError(problem);
  };
  return (
    <form onSubmit={(event) => void submit(event)} className="card" aria-labelledby="token-heading">
      <h2 id="token-heading">With an API token</h2>
      <label htmlFor="token">Token</label>
      <input
        id="token"
        name="token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        aria-describedby={error ? 'token-error' : 'token-hint'}
        aria-invalid={error ? true : undefined}
        onChange={(event) => setToken(event.target.value)}
      />
      <p id="token-hint" className="hint">
        Used once to sign this browser in; every tab stays signed in until you sign out.
      </p>
      {error ? (
        <p id="token-error" className="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

/** Single sign-on: off to the identity provider and back with a code, traded here for an access token. */
function SsoPanel({ config }: { config: SsoConfig }) {
  const { search } = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const returning = isReturning(search);
  // The code can be traded once; a second run of this effect must not try again.
  const finishing = useRef(false);
  useEffect(() => {
    if (!returning || finishing.current) return;
    finishing.current = true;
    setBusy(true);
    const finish = async () => {
      const { accessToken, next } = await finishSignIn(config, new URL(location.href));
      navigate(`/sign-in?next=${encodeURIComponent(next)}`, { replace: true });
      const problem = await signIn(accessToken);
      if (problem) throw new Error(problem);
    };
    finish().catch((failure: unknown) => {
      navigate('/sign-in', { replace: true });
      setError(`Single sign-on did not complete: ${(failure as Error).message}`);
      setBusy(false);
    });
  }, [returning, config]);
  const start = () => {
    setBusy(true);
    startSignIn(config, search.get('next') ?? '/queue').catch((failure: unknown) => {
      setError(`The identity provider cannot be reached: ${(failure as Error).message}`);
      setBusy(false);
    });
  };
  return (
    <section className="card" aria-labelledby="sso-heading">
      <h2 id="sso-heading">With your company account</h2>
      <p className="hint">Signs you in through {new URL(config.issuer).host}.</p>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {busy ? <p role="status">Signing you in…</p> : null}
      <button type="button" disabled={busy} onClick={start}>
        Sign in with SSO
      </button>
    </section>
  );
}

function DemoUsers() {
  const demo = useDemoUsers();
  const users = demo.data?.items ?? [];
  if (users.length === 0) return null;
  return (
    <section className="card" aria-labelledby="demo-heading">
      <h2 id="demo-heading">Demo users</h2>
      <p className="hint">Development only: one click signs you in as this user.</p>
      <ul className="demo-users">
        {users.map((user) => (
          <li key={user.userId}>
            <button type="button" onClick={() => void signIn(user.token)}>
              {user.name}
            </button>
            <span className="hint"> {user.roles.join(', ')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Each way of signing in is one panel, and each ends in signIn(token), which sets the session cookie. */
export function SignInPage() {
  const config = useAuthConfig();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main id="main" className="sign-in">
      <h1 ref={heading} tabIndex={-1}>
        Sign in to the dualkey console
      </h1>
      {config.data?.sso?.clientId ? <SsoPanel config={config.data.sso} /> : null}
      <TokenForm />
      <DemoUsers />
    </main>
  );
}
