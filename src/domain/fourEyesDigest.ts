import type { FourEyesReport } from './fourEyes.js';

/** When in the week (UTC) the digest of the week before goes out: ISO weekday (1 = Monday) and minute of day. */
export interface DigestSchedule {
  weekday: number;
  minute: number;
}

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** `mon 08:00` (a weekday's first three letters and a UTC time); undefined when the text is neither. */
export function parseDigestSchedule(text: string): DigestSchedule | undefined {
  const match = /^([a-z]{3}) ([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const day = weekdays.indexOf(match[1] as (typeof weekdays)[number]);
  if (day < 0) return undefined;
  return { weekday: day + 1, minute: Number(match[2]) * 60 + Number(match[3]) };
}

/** Monday 00:00 UTC of the ISO week `at` falls in. */
function weekStart(at: Date): Date {
  const day = Math.floor(at.getTime() / DAY_MS) * DAY_MS;
  const isoWeekday = ((new Date(day).getUTCDay() + 6) % 7) + 1;
  return new Date(day - (isoWeekday - 1) * DAY_MS);
}

/** The ISO week `at` falls in, as `2026-W49`. */
export function isoWeekOf(at: Date): string {
  // The ISO week-year is the year of the week's Thursday.
  const thursday = new Date(weekStart(at).getTime() + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / WEEK_MS) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The instants [from, to) of an ISO week such as `2026-W49`; undefined for anything else. */
export function isoWeekRange(week: string): { from: Date; to: Date } | undefined {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return undefined;
  // 4 January is always in week 1.
  const from = new Date(
    weekStart(new Date(Date.UTC(Number(match[1]), 0, 4))).getTime() + (Number(match[2]) - 1) * WEEK_MS,
  );
  if (isoWeekOf(from) !== week) return undefined;
  return { from, to: new Date(from.getTime() + WEEK_MS) };
}

/**
 * The week whose digest is due at `now`: the week before this one, once this week's scheduled moment has
 * passed. Before it, nothing is due (last week's digest was due a week ago and went out then).
 */
export function dueDigestWeek(now: Date, schedule: DigestSchedule): string | undefined {
  const start = weekStart(now);
  const dueAt = start.getTime() + (schedule.weekday - 1) * DAY_MS + schedule.minute * 60_000;
  return now.getTime() >= dueAt ? isoWeekOf(new Date(start.getTime() - WEEK_MS)) : undefined;
}

const percent = (share: number | null) => (share === null ? 'n/a' : `${Math.round(share * 1_000) / 10}%`);

/**
 * What one digest carries: the team's figures of the report in words for the templates, and the report's
 * own figures for a webhook receiver. `name` turns a user id into the name people know.
 */
export function digestPayload(
  week: string,
  report: FourEyesReport,
  name: (userId: string) => string,
): Record<string, unknown> {
  const { team } = report;
  const flagged = report.concentration.filter((c) => c.flagged);
  return {
    week,
    from: report.from,
    to: report.to,
    decisions: team.decisions,
    approvals: team.approvals,
    rejections: team.rejections,
    approvalRate: percent(team.approvalRate),
    unviewed: team.unviewed,
    medianSecondsFromView: team.medianSecondsFromView === null ? 'n/a' : `${team.medianSecondsFromView} s`,
    quickDecisions: team.quickDecisions,
    quickShare: percent(team.quickShare),
    quickDecisionSeconds: report.thresholds.quickDecisionSeconds,
    approvalsAfterReminder: team.approvalsAfterReminder,
    evidenceNeverOpened: team.evidenceNeverOpened,
    neverRejected: report.neverRejected.length === 0 ? 'none' : report.neverRejected.map(name).join(', '),
    concentrated:
      flagged.length === 0
        ? 'none'
        : flagged
            .map(
              (c) =>
                `${name(c.maker)} → ${name(c.topChecker)} (${percent(c.share)} of ${c.decidedProposals})`,
            )
            .join('; '),
    report: { team, neverRejected: report.neverRejected, concentration: flagged },
  };
}
