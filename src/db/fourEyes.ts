import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { FourEyesDecision, FourEyesWindow, ProposalViewKind } from '../domain/fourEyes.js';
import { PROPOSAL_REMINDED } from '../domain/fourEyes.js';
import type { Database } from './client.js';
import { auditEvents, caseDecisions, proposalViews } from './schema/index.js';

export interface FirstView {
  firstViewedAt: Date;
  first: boolean;
}

/** Records a person's first view of a proposal or its evidence; a later view returns the first one. */
export async function recordProposalView(
  db: Database,
  view: { caseId: string; proposalId: string; userId: string; what: ProposalViewKind },
): Promise<FirstView> {
  const [inserted] = await db
    .insert(proposalViews)
    .values(view)
    .onConflictDoNothing()
    .returning({ firstViewedAt: proposalViews.firstViewedAt });
  if (inserted) return { firstViewedAt: inserted.firstViewedAt, first: true };
  const [existing] = await db.execute<{ first_viewed_at: string }>(sql`
    select ${proposalViews.firstViewedAt} as first_viewed_at from ${proposalViews}
    where ${proposalViews.caseId} = ${view.caseId} and ${proposalViews.proposalId} = ${view.proposalId}
      and ${proposalViews.userId} = ${view.userId} and ${proposalViews.what} = ${view.what}`);
  return { firstViewedAt: new Date(existing!.first_viewed_at), first: false };
}

/**
 * An instant as milliseconds since the epoch, cut (not rounded) to the millisecond as a JavaScript Date
 * keeps it: a float PostgreSQL makes several times faster than text, and JavaScript reads without a parse.
 * Cut before it becomes a float, the value is a whole number give or take a rounding error.
 */
const epochMs = (column: SQL) => sql`date_part('epoch', date_trunc('milliseconds', ${column})) * 1000`;

const isoOf = (ms: number | null) => (ms === null ? null : new Date(Math.round(ms)).toISOString());

/**
 * Every approval and rejection taken in [from, to), from the decisions the projection's proposals hold
 * (`case_decisions`, kept by the projection's trigger), with the deciding checker's first views and the
 * proposal's first reminder. One statement, so views and reminders belong to the same snapshot.
 */
function fourEyesQuery(window: FourEyesWindow) {
  const d = caseDecisions;
  const view = (alias: string, what: ProposalViewKind) => sql`left join ${proposalViews} ${sql.raw(alias)}
    on ${sql.raw(alias)}.case_id = d.case_id and ${sql.raw(alias)}.proposal_id = d.proposal_id
      and ${sql.raw(alias)}.user_id = d.checker and ${sql.raw(alias)}.what = ${what}`;
  return sql`
    with d as materialized (
      select ${d.caseId}, ${d.proposalId}, ${d.maker}, ${d.checker}, ${d.decision}, ${d.at}, ${d.evidenceCount}
      from ${d}
      where ${d.at} >= ${window.from.toISOString()} and ${d.at} < ${window.to.toISOString()}
        ${window.businessLine ? sql`and ${d.businessLine} = ${window.businessLine}` : sql``}
    ), reminders as (
      select a.case_id, a.details ->> 'proposalId' as proposal_id, min(a.at) as at
      from ${auditEvents} a
      where a.action = ${PROPOSAL_REMINDED} and a.outcome = 'accepted'
        and a.case_id in (select case_id from d)
      group by a.case_id, a.details ->> 'proposalId'
    )
    select d.case_id, d.proposal_id, d.maker, d.checker, d.decision, ${epochMs(sql`d.at`)} as at,
      d.evidence_count, ${epochMs(sql`pv.first_viewed_at`)} as viewed_at,
      ${epochMs(sql`ev.first_viewed_at`)} as evidence_opened_at, ${epochMs(sql`r.at`)} as reminded_at
    from d
    ${view('pv', 'proposal')}
    ${view('ev', 'evidence')}
    left join reminders r on r.case_id = d.case_id and r.proposal_id = d.proposal_id`;
}

export async function fourEyesDecisions(db: Database, window: FourEyesWindow): Promise<FourEyesDecision[]> {
  const rows = await db.execute<{
    case_id: string;
    proposal_id: string;
    maker: string;
    checker: string;
    decision: FourEyesDecision['decision'];
    at: number;
    evidence_count: number;
    viewed_at: number | null;
    evidence_opened_at: number | null;
    reminded_at: number | null;
  }>(fourEyesQuery(window));
  return rows.map((r) => ({
    caseId: r.case_id,
    proposalId: r.proposal_id,
    maker: r.maker,
    checker: r.checker,
    decision: r.decision,
    at: isoOf(r.at)!,
    viewedAt: isoOf(r.viewed_at),
    evidenceCount: r.evidence_count,
    evidenceOpenedAt: isoOf(r.evidence_opened_at),
    remindedAt: isoOf(r.reminded_at),
  }));
}
