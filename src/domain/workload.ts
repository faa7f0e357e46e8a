import type { Case } from './case.js';
import type { WorkloadReport } from './schemas/workload.js';
import type { BusinessLine, Department } from './vocabulary.js';
import { nextDueAt } from './waits.js';

export type { WorkloadReport } from './schemas/workload.js';

/** How far ahead an item counts as due soon: a working shift, the horizon a lead rebalances over. */
export const DUE_SOON_SECONDS = 4 * 60 * 60;

interface Item {
  startedAt: string;
  dueAt: string | null;
  flagged: boolean;
}

interface Figures {
  open: number;
  oldestAt: string | null;
  oldestAgeSeconds: number | null;
  dueSoon: number;
  breached: number;
}

function figures(items: readonly Item[], now: Date, dueSoonSeconds: number): Figures {
  const nowMs = now.getTime();
  const horizon = nowMs + dueSoonSeconds * 1_000;
  let oldestAt: string | null = null;
  let dueSoon = 0;
  let breached = 0;
  for (const item of items) {
    if (oldestAt === null || Date.parse(item.startedAt) < Date.parse(oldestAt)) oldestAt = item.startedAt;
    const due = item.dueAt === null ? null : Date.parse(item.dueAt);
    if (item.flagged || (due !== null && due <= nowMs)) breached += 1;
    else if (due !== null && due <= horizon) dueSoon += 1;
  }
  return {
    open: items.length,
    oldestAt,
    oldestAgeSeconds:
      oldestAt === null ? null : Math.max(0, Math.floor((nowMs - Date.parse(oldestAt)) / 1_000)),
    dueSoon,
    breached,
  };
}

function grouped<K, T>(values: readonly T[], key: (value: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const value of values) {
    const k = key(value);
    const group = groups.get(k);
    if (group) group.push(value);
    else groups.set(k, [value]);
  }
  return groups;
}

/**
 * Open work at `now` from the open cases: per assignee, a case is breached when it is flagged or the
 * earliest thing it waits for is past due; per department, each open escalation counts on its own, since
 * a department answers escalations, not cases.
 */
export function workload(
  openCases: readonly Case[],
  now: Date,
  businessLine: BusinessLine | null,
  dueSoonSeconds = DUE_SOON_SECONDS,
): WorkloadReport {
  const live = openCases.filter((c) => c.status !== 'closed');

  const agents = [...grouped(live, (c) => c.assignee)]
    .map(([assignee, held]) => ({
      assignee,
      ...figures(
        held.map((c) => ({ startedAt: c.createdAt, dueAt: nextDueAt(c), flagged: c.slaBreached })),
        now,
        dueSoonSeconds,
      ),
    }))
    .sort(
      (a, b) =>
        Number(a.assignee === null) - Number(b.assignee === null) ||
        b.breached - a.breached ||
        b.open - a.open ||
        (a.assignee ?? '').localeCompare(b.assignee ?? ''),
    );

  const escalations = live.flatMap((c) => c.escalations.filter((e) => e.status === 'open'));
  const departments = [...grouped(escalations, (e): Department => e.department)]
    .map(([department, asked]) => ({
      department,
      ...figures(
        asked.map((e) => ({ startedAt: e.requestedAt, dueAt: e.dueAt, flagged: e.breached })),
        now,
        dueSoonSeconds,
      ),
    }))
    .sort((a, b) => a.department.localeCompare(b.department));

  return { at: now.toISOString(), businessLine, dueSoonSeconds, agents, departments };
}
