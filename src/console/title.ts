import { useEffect } from 'react';

/** The tab's title names the page (and the case), so tabs, history and screen readers tell them apart. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · dualkey`;
  }, [title]);
}
