import { DrizzleQueryError } from 'drizzle-orm';
import type { OperationsReport } from '../db/reports.js';
import type { ChainVerdict, StoredEvent } from '../domain/auditChain.js';
import type { Case, Proposal } from '../domain/case.js';

/*
 * Pure text for the terminal: every function here takes data and returns lines, so the formats are unit
 * tested without a database and commands stay thin.
 */

const NONE = '-';

/** Left-aligned columns two spaces apart; no trailing blanks, so output diffs and greps cleanly. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths
      .map((w, i) => (cells[i] ?? '').padEnd(w))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** `2026-11-24 09:05:00Z`: second precision is enough to read, and the Z keeps it unambiguous. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Durations as a person says them: `45s`, `3m 05s`, `2h 03m`, `1d 04h`. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NONE;
  if (seconds < 10) return `${Math.round(seconds * 10) / 10}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const two = (n: number) => String(n).padStart(2, '0');
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m ${two(whole % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${two(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${two(hours % 24)}h`;
}

export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return NONE;
  return `${(rate * 100).toFixed(1)}%`;
}

export function caseTable(items: readonly Case[]): string[] {
  if (items.length === 0) return ['no cases match'];
  return table(
    ['ID', 'TYPE', 'STATUS', 'LINE', 'TIER', 'ACCOUNT', 'ASSIGNEE', 'SLA', 'CREATED'],
    items.map((c) => [
      c.id,
      c.type,
      c.outcome ? `${c.status} (${c.outcome})` : c.status,
      c.businessLine,
      c.riskTier,
      c.accountId,
      c.assignee ?? NONE,
      c.slaBreached ? 'BREACHED' : 'ok',
      formatTimestamp(c.createdAt),
    ]),
  );
}

function section(title: string, lines: readonly string[]): string[] {
  return lines.length ? ['', `${title}:`, ...lines.map((l) => `  ${l}`)] : [];
}

/** Who made a proposal and who decided it: four eyes are only visible if every pair of them is named. */
function proposalLines(p: Proposal): string[] {
  const said = (comment: string | null) => (comment ? `: ${comment}` : '');
  return [
    `${p.id} ${p.status}, ${p.approvals.length}/${p.requiredApprovals} approvals: ${p.controlIds.join(', ')}`,
    `  made by ${p.maker} at ${formatTimestamp(p.createdAt)}`,
    ...p.approvals.map(
      (a) =>
        `  approved by ${a.by}${a.countsAs ? ` (as ${a.countsAs})` : ''} at ${formatTimestamp(a.at)}${said(a.comment)}`,
    ),
    ...(p.rejection
      ? [`  rejected by ${p.rejection.by} at ${formatTimestamp(p.rejection.at)}${said(p.rejection.comment)}`]
      : []),
  ];
}

export function caseDetails(c: Case): string[] {
  const field = (name: string, value: string) => `${`${name}:`.padEnd(16)}${value}`;
  return [
    field('case', `${c.id} (${c.type})`),
    field('status', c.outcome ? `${c.status}, outcome ${c.outcome}` : c.status),
    field('step', c.step),
    field('account', c.accountId),
    field('business line', c.businessLine),
    field('channel', c.channel),
    field('risk tier', c.riskReasons.length ? `${c.riskTier} (${c.riskReasons.join('; ')})` : c.riskTier),
    field('subject', c.subject),
    field('assignee', c.assignee ?? NONE),
    field('created', `${formatTimestamp(c.createdAt)} by ${c.createdBy}`),
    field('first claimed', formatTimestamp(c.firstClaimedAt)),
    field('closed', formatTimestamp(c.closedAt)),
    field('sla breached', c.slaBreached ? 'yes' : 'no'),
    field('controls', c.controlIds.length ? c.controlIds.join(', ') : NONE),
    field('workflow', c.workflowId),
    ...section(
      'escalations',
      c.escalations.map(
        (e) =>
          `${e.id} ${e.department} ${e.status}${e.breached ? ' BREACHED' : ''}, due ${formatTimestamp(e.dueAt)}`,
      ),
    ),
    ...section('proposals', c.proposals.flatMap(proposalLines)),
    ...section(
      'lifts',
      c.lifts.map(
        (l) =>
          `${l.id} ${l.status}, lifted ${formatTimestamp(l.liftedAt)}` +
          (l.revert ? `, reverted ${formatTimestamp(l.revert.completedAt)}: ${l.revert.reason}` : ''),
      ),
    ),
    ...section(
      'notes',
      c.notes.map((n) => `${formatTimestamp(n.at)} ${n.by}: ${n.text}`),
    ),
    ...(c.resolution ? ['', field('resolution', `${c.resolution.summary} (${c.resolution.by})`)] : []),
  ];
}

export function verdictLine(caseId: string, verdict: ChainVerdict): string {
  return verdict.ok
    ? `OK case ${caseId}: ${verdict.events} audit events, hash chain intact`
    : `BROKEN case ${caseId}: seq ${verdict.seq}: ${verdict.problem}`;
}

/** One JSON object per audit row, in chain order: what an auditor re-verifies or loads elsewhere. */
export function auditJsonLines(events: readonly StoredEvent[]): string[] {
  return events.map((e) =>
    JSON.stringify({
      seq: e.seq,
      at: e.at,
      actor: e.actor,
      action: e.action,
      outcome: e.outcome,
      details: e.details,
      prevHash: e.prevHash,
      hash: e.hash,
    }),
  );
}

export function reportLines(report: OperationsReport): string[] {
  const count = (n: number) => String(n);
  const durations = (name: string, d: OperationsReport['timeToClose']) =>
    `${name.padEnd(20)}${`${d.samples} cases`.padEnd(12)}median ${formatSeconds(d.medianSeconds).padEnd(9)}p90 ${formatSeconds(d.p90Seconds)}`;
  const titled = (title: string, lines: string[], empty: string) => [
    '',
    title,
    ...(lines.length ? lines : [empty]),
  ];
  return [
    `Operations report ${formatTimestamp(report.from)} to ${formatTimestamp(report.to)}, ${
      report.businessLine ? `business line ${report.businessLine}` : 'all business lines'
    }`,
    ...titled(
      'Opened',
      report.opened.length
        ? table(
            ['TYPE', 'LINE', 'COUNT'],
            report.opened.map((r) => [r.type, r.businessLine, count(r.count)]),
          )
        : [],
      'none',
    ),
    ...titled(
      'Closed',
      report.closed.length
        ? table(
            ['TYPE', 'LINE', 'OUTCOME', 'COUNT'],
            report.closed.map((r) => [r.type, r.businessLine, r.outcome, count(r.count)]),
          )
        : [],
      'none',
    ),
    '',
    durations('Time to first claim', report.timeToFirstClaim),
    durations('Time to close', report.timeToClose),
    ...titled(
      'Response times by channel and tier',
      report.responseTimes.length
        ? table(
            ['CHANNEL', 'TIER', 'RESPONDED', 'P50', 'P90', 'RESOLVED', 'P50', 'P90'],
            report.responseTimes.map((r) => [
              r.channel,
              r.riskTier,
              count(r.timeToFirstResponse.samples),
              formatSeconds(r.timeToFirstResponse.medianSeconds),
              formatSeconds(r.timeToFirstResponse.p90Seconds),
              count(r.timeToResolution.samples),
              formatSeconds(r.timeToResolution.medianSeconds),
              formatSeconds(r.timeToResolution.p90Seconds),
            ]),
          )
        : [],
      'none',
    ),
    ...titled(
      'SLA breaches by department',
      report.slaBreachRate.length
        ? table(
            ['DEPARTMENT', 'ESCALATIONS', 'BREACHED', 'RATE'],
            report.slaBreachRate.map((r) => [
              r.department,
              count(r.escalations),
              count(r.breached),
              formatRate(r.rate),
            ]),
          )
        : [],
      'no escalations',
    ),
    '',
    `Lifts ${report.lifts}, reverts ${report.reverts}, revert rate (wrong unfreezes) ${formatRate(report.revertRate)}`,
    `Late reverts (after the case closed) ${report.lateReverts}, late revert rate ${formatRate(report.lateRevertRate)}`,
    `Campaign lifts ${report.campaignLifts}, reverts ${report.campaignReverts}, revert rate ${formatRate(report.campaignRevertRate)}`,
  ];
}

/**
 * A one-line message for any thrown value. Drizzle's own message is the whole SQL text, and a refused
 * connection can come as an AggregateError with no message of its own (one error per address tried);
 * the reason sits inside both.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof DrizzleQueryError && error.cause) return `database: ${errorMessage(error.cause)}`;
  if (error instanceof AggregateError && !error.message) {
    const inner = error.errors.map(errorMessage).filter(Boolean);
    return [...new Set(inner)].join('; ') || error.name;
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
