import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { useDemoUsers } from '../queries';
import { signIn } from '../session';

/** Checks a token against GET /v1/me before keeping it, so a typo is reported here and not later. */
async function verify(token: string): Promise<string | null> {
  const response = await fetch('/v1/me', { headers: { authorization: `Bearer ${token}` } }).catch(
    () => undefined,
  );
  if (!response) return 'The API did not answer; check your connection and try again.';
  if (response.status === 401) return 'That token is unknown, revoked or expired.';
  if (!response.ok) return `The API answered ${response.status}; try again shortly.`;
  return null;
}

function TokenForm() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const problem = token.trim() ? await verify(token.trim()) : 'Enter your API token.';
    setBusy(false);
    setError(problem);
    if (!problem) signIn(token);
  };
  return (
    <form onSubmit={(event) => void submit(event)} className="card" aria-labelledby="token-heading">
      <h2 id="token-heading">With an API token</h2>
      <label htmlFor="token">Token</label>
      <input
        id="token"
        name="token"
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={token}
        aria-describedby={error ? 'token-error' : 'token-hint'}
        aria-invalid={error ? true : undefined}
        onChange={(event) => setToken(event.target.value)}
      />
      <p id="token-hint" className="hint">
        Kept for this tab only; closing the tab signs you out.
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
            <button type="button" onClick={() => signIn(user.token)}>
              {user.name}
            </button>
            <span className="hint"> {user.roles.join(', ')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Each way of signing in is one panel; single sign-on will be another panel that ends in signIn(token).
 */
export function SignInPage() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main id="main" className="sign-in">
      <h1 ref={heading} tabIndex={-1}>
        Sign in to the dualkey console
      </h1>
      <TokenForm />
      <DemoUsers />
    </main>
  );
}
