import type { Case } from './api';

export { ago, duration, timeLeft } from './durations';

/** An instant in the viewer's own time zone and words: "6 Dec 2026, 23:14". */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The earliest deadline still running on the case, as the API works it out from what the case waits for. */
export function nextDue(c: Case): string | null {
  return c.nextDueAt;
}

export function words(value: string): string {
  return value.replaceAll('_', ' ');
}

/** "1 control", "3 controls". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
