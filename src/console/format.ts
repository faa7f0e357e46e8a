import type { Case } from './api';

const units: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
];

/** "3 h", "12 min": the largest unit that fits. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  for (const [size, unit] of units) if (abs >= size) return `${Math.floor(abs / size)} ${unit}`;
  return '0 s';
}

/** "in 12 min" or "overdue by 3 min", from now. */
export function timeLeft(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  return ms >= 0 ? `in ${duration(ms)}` : `overdue by ${duration(ms)}`;
}

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
