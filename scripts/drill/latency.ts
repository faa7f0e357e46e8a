/** A stretch of the drill's time, in ms since the epoch. */
export interface Span {
  start: number;
  end: number;
}

export interface Fault extends Span {
  /** Worker kills are what the failover figure is about; the other faults only disqualify an action. */
  kind: 'worker' | 'other';
}

/**
 * How long after a worker kill an action may still pay for it: a case the dead worker had cached stays
 * sticky to its queue until the server stops counting it as a poller (matching's 10 s window), and the
 * next task may start just before that.
 */
export const WORKER_KILL_REACH_MS = 12_000;
/** How long after any other fault's recovery an action may still pay for it (reconnects, backoff). */
export const OTHER_FAULT_REACH_MS = 15_000;

const overlaps = (a: Span, b: Span) => a.start <= b.end && b.start <= a.end;

/** Nearest-rank percentile of durations; NaN for none. */
export function percentile(durations: number[], p: number): number {
  if (durations.length === 0) return Number.NaN;
  const sorted = [...durations].sort((x, y) => x - y);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The actions that ran while a killed worker's work was being taken over, and no other fault was in
 * reach: their latency is what a worker death costs an agent.
 */
export function acrossWorkerKills(actions: Span[], faults: Fault[]): Span[] {
  const reach = (f: Fault): Span => ({
    start: f.start,
    end: f.end + (f.kind === 'worker' ? WORKER_KILL_REACH_MS : OTHER_FAULT_REACH_MS),
  });
  const kills = faults.filter((f) => f.kind === 'worker').map(reach);
  const others = faults.filter((f) => f.kind === 'other').map(reach);
  return actions.filter((a) => kills.some((k) => overlaps(a, k)) && !others.some((o) => overlaps(a, o)));
}

/** "p50 / p99 / max" in ms, with how many, for the report. */
export function summary(durations: number[]): string {
  if (durations.length === 0) return 'none';
  const ms = (p: number) => Math.round(percentile(durations, p));
  return `${ms(50)} / ${ms(99)} / ${Math.round(Math.max(...durations))} ms (${durations.length})`;
}
