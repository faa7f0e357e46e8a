import { sql } from 'drizzle-orm';
import type { FourEyesDecision, FourEyesWindow, ProposalViewKind } from '../domain/fourEyes.js';
import { PROPOSAL_REMINDED } from '../domain/fourEyes.js';
import type { Database } from './client.js';
import { auditEvents, cases, proposalViews } from './schema/index.js';

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

interface DecisionRow extends Record<string, unknown> {
  case_id: string;
  proposal_id: string;
  maker: string;
  checker: string;
  decision: 'approved' | 'rejected';
  evidence_count: number;
  at_ms: number;
  viewed_ms: number | null;
  evidence_ms: number | null;
  reminded_ms: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Every approval and rejection taken in [from, to), from the proposals in the case projection, with the
 * deciding checker's first views and the proposal's first reminder. A case opened after the window, or
 * closed before it, holds none; the business-line filter goes through the case.
 */
export async function fourEyesDecisions(db: Database, window: FourEyesWindow): Promise<FourEyesDecision[]> {
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  const epochMs = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
  const rows = await db.execute<DecisionRow>(sql`
    with decided as (
      select c.id as case_id, p ->> 'id' as proposal_id, p ->> 'maker' as maker,
             jsonb_array_length(coalesce(p -> 'evidence', '[]'::jsonb)) as evidence_count,
             d.checker, d.decision, d.at
      from ${cases} c
      cross join lateral jsonb_array_elements(coalesce(c.data -> 'proposals', '[]'::jsonb)) p
      cross join lateral (
        select a ->> 'by' as checker, 'approved' as decision, (a ->> 'at')::timestamptz as at
        from jsonb_array_elements(coalesce(p -> 'approvals', '[]'::jsonb)) a
        union all
        select p -> 'rejection' ->> 'by', 'rejected', (p -> 'rejection' ->> 'at')::timestamptz
        where jsonb_typeof(p -> 'rejection') = 'object'
      ) d
      where c.created_at < ${to} and (c.closed_at is null or c.closed_at >= ${from})
        ${window.businessLine ? sql`and c.business_line = ${window.businessLine}` : sql``}
        and d.at >= ${from} and d.at < ${to}
    )
    select d.case_id, d.proposal_id, d.maker, d.checker, d.decision, d.evidence_count,
           ${epochMs('d.at')} as at_ms,
           ${epochMs('pv.first_viewed_at')} as viewed_ms,
           ${epochMs('ev.first_viewed_at')} as evidence_ms,
           ${epochMs('r.at')} as reminded_ms
    from decided d
    left join ${proposalViews} pv on pv.case_id = d.case_id and pv.proposal_id = d.proposal_id
      and pv.user_id = d.checker and pv.what = 'proposal'
    left join ${proposalViews} ev on ev.case_id = d.case_id and ev.proposal_id = d.proposal_id
      and ev.user_id = d.checker and ev.what = 'evidence'
    left join lateral (
      select min(a.at) as at from ${auditEvents} a
      where a.case_id = d.case_id and a.action = ${PROPOSAL_REMINDED} and a.outcome = 'accepted'
        and a.details ->> 'proposalId' = d.proposal_id
    ) r on true`);
  return [...rows].map((row) => ({
    caseId: row.case_id,
    proposalId: row.proposal_id,
    maker: row.maker,
    checker: row.checker,
    decision: row.decision,
    at: iso(row.at_ms)!,
    viewedAt: iso(row.viewed_ms),
    evidenceCount: Number(row.evidence_count),
    evidenceOpenedAt: iso(row.evidence_ms),
    remindedAt: iso(row.reminded_ms),
  }));
}
