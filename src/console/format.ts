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

/** The earliest deadline still running on the case: an escalation, a question, a proposal's expiry. */
export function nextDue(c: Case): string | null {
  const dates = [
    ...c.escalations.filter((e) => e.status === 'open').map((e) => e.dueAt),
    ...c.infoRequests.filter((r) => r.status === 'open').map((r) => r.dueAt),
    ...c.proposals.filter((p) => p.status === 'pending').map((p) => p.expiresAt),
    ...c.afterReviews.filter((r) => r.status !== 'done').map((r) => r.dueAt),
    ...c.reverifications.filter((r) => r.status === 'pending').map((r) => r.dueAt),
  ];
  return dates.sort()[0] ?? null;
}

export function words(value: string): string {
  return value.replaceAll('_', ' ');
}
