import { useEffect, useRef } from 'react';

/**
 * While an action form is open, Escape closes it wherever the focus is (on its own button, in one of its
 * fields), and the form takes the focus when it opens so typing starts in it.
 */
export function useActionForm(open: boolean, formId: string, close: () => void): void {
  const latest = useRef(close);
  latest.current = close;
  useEffect(() => {
    if (!open) return undefined;
    document
      .getElementById(formId)
      ?.querySelector<HTMLElement>('input:not([type="hidden"]), select, textarea')
      ?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      latest.current();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [open, formId]);
}
