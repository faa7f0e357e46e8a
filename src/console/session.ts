import { useSyncExternalStore } from 'react';

/*
 * The browser's sign-in is a session cookie the API sets (HttpOnly: no script here can read it), so every
 * tab of this browser, and a deep link opened in a new one, is signed in. The page never holds a token:
 * one is sent once to POST /v1/session and forgotten. What this module knows is whether the API took the
 * cookie when last asked, and the session's CSRF token, which it reads from its own cookie.
 */

/** `checking` until GET /v1/me has answered once after the page loaded. */
export type SessionState = 'checking' | 'signed-in' | 'signed-out';

const csrfCookie = 'dualkey_csrf';
export const csrfHeader = 'x-csrf-token';

let state: SessionState = 'checking';
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  if (next === state) return;
  state = next;
  for (const listener of listeners) listener();
}

/** The CSRF token of this browser's session, sent with every request that changes something. */
export function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === csrfCookie) return decodeURIComponent(value.join('='));
  }
  return null;
}

/** Headers a request needs besides the cookie the browser sends: the CSRF token unless it reads only. */
export function sessionHeaders(method: string): Record<string, string> {
  const token = /^(GET|HEAD|OPTIONS)$/i.test(method) ? null : csrfToken();
  return token ? { [csrfHeader]: token } : {};
}

/** Asks the API whether this browser is signed in. */
export async function checkSession(): Promise<void> {
  const response = await fetch('/v1/me', { credentials: 'same-origin' }).catch(() => undefined);
  // Unreachable counts as signed out: the sign-in page says what is wrong when it is used.
  set(response?.ok ? 'signed-in' : 'signed-out');
}

/**
 * Trades a token (typed, a demo user's, or the identity provider's access token) for the session cookie.
 * Answers null when signed in, or what went wrong in words.
 */
export async function signIn(token: string): Promise<string | null> {
  const response = await fetch('/v1/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { authorization: `Bearer ${token.trim()}` },
  }).catch(() => undefined);
  if (!response) return 'The API did not answer; check your connection and try again.';
  if (response.status === 401) return 'That token is unknown, revoked or expired.';
  if (response.status === 403) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    return problem.detail ?? 'dualkey gives this identity no role.';
  }
  if (!response.ok) return `The API answered ${response.status}; try again shortly.`;
  set('signed-in');
  return null;
}

/** Ends the session on the server too, so a copy of the cookie is worth nothing afterwards. */
export async function signOut(): Promise<void> {
  await fetch('/v1/session', {
    method: 'DELETE',
    credentials: 'same-origin',
    headers: sessionHeaders('DELETE'),
  }).catch(() => undefined);
  set('signed-out');
}

/** The API answered 401: the session ended elsewhere (signed out in another tab, expired, disabled). */
export function sessionEnded(): void {
  set('signed-out');
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
