import { useSyncExternalStore } from 'react';

/*
 * The token lives in sessionStorage: it is gone when the tab closes and is never shared with other tabs.
 * A later single sign-on only has to call signIn() with the token it obtained.
 */
const key = 'dualkey.token';
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

export function currentToken(): string | null {
  return sessionStorage.getItem(key);
}

export function signIn(token: string): void {
  sessionStorage.setItem(key, token.trim());
  notify();
}

export function signOut(): void {
  sessionStorage.removeItem(key);
  notify();
}

export function useToken(): string | null {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, currentToken);
}
