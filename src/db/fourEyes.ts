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

interface ProposalRow {
  id: string;
  maker: string;
  evidence: number;
  approvals: { by: string; at: string }[];
  rejection: { by: string; at: string } | null;
}

const iso = (value: string | Date | null | undefined) =>
  value === null || value === undefined ? null : new Date(value).toISOString();

/**
 * Every approval and rejection taken in [from, to), from the proposals in the case projection, with the
 * deciding checker's first views and the proposal's first reminder. A case opened after the window, or
 * closed before it, holds none; the business-line filter goes through the case. The proposals are taken
 * apart here rather than in SQL, where parsing each decision's time was most of the report's cost.
 */
export async function fourEyesDecisions(db: Database, window: FourEyesWindow): Promise<FourEyesDecision[]> {
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  const inWindow = sql`c.created_at < ${to} and (c.closed_at is null or c.closed_at >= ${from})
    and jsonb_array_length(coalesce(c.data -> 'proposals', '[]'::jsonb)) > 0
    ${window.businessLine ? sql`and c.business_line = ${window.businessLine}` : sql``}`;
  // One read-only snapshot, so views and reminders belong to the same proposals.
  const [proposals, views, reminders] = await db.transaction(
    async (tx) => [
      await tx.execute<{ case_id: string; proposals: ProposalRow[] }>(sql`
        select c.id as case_id, (select jsonb_agg(jsonb_build_object('id', p -> 'id', 'maker', p -> 'maker',
            'evidence', jsonb_array_length(coalesce(p -> 'evidence', '[]'::jsonb)),
            'approvals', coalesce(p -> 'approvals', '[]'::jsonb), 'rejection', p -> 'rejection'))
          from jsonb_array_elements(c.data -> 'proposals') p) as proposals
        from ${cases} c where ${inWindow}`),
      await tx.execute<{
        case_id: string;
        proposal_id: string;
        user_id: string;
        what: string;
        at: string;
      }>(sql`
        select v.case_id, v.proposal_id, v.user_id, v.what, v.first_viewed_at as at
        from ${proposalViews} v join ${cases} c on c.id = v.case_id where ${inWindow}`),
      await tx.execute<{ case_id: string; proposal_id: string; at: string }>(sql`
        select a.case_id, a.details ->> 'proposalId' as proposal_id, min(a.at) as at
        from ${auditEvents} a join ${cases} c on c.id = a.case_id
        where a.action = ${PROPOSAL_REMINDED} and a.outcome = 'accepted' and ${inWindow}
        group by a.case_id, a.details ->> 'proposalId'`),
    ],
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  const key = (...parts: string[]) => parts.join('\u0000');
  const viewed = new Map(views.map((v) => [key(v.case_id, v.proposal_id, v.user_id, v.what), iso(v.at)]));
  const reminded = new Map(reminders.map((r) => [key(r.case_id, r.proposal_id), iso(r.at)]));
  const fromMs = window.from.getTime();
  const toMs = window.to.getTime();
  const decisions: FourEyesDecision[] = [];
  for (const row of proposals) {
    for (const p of row.proposals) {
      const taken = [
        ...p.approvals.map((a) => ({ checker: a.by, at: a.at, decision: 'approved' as const })),
        ...(p.rejection
          ? [{ checker: p.rejection.by, at: p.rejection.at, decision: 'rejected' as const }]
          : []),
      ];
      for (const d of taken) {
        const at = Date.parse(d.at);
        if (at < fromMs || at >= toMs) continue;
        decisions.push({
          caseId: row.case_id,
          proposalId: p.id,
          maker: p.maker,
          checker: d.checker,
          decision: d.decision,
          at: new Date(at).toISOString(),
          viewedAt: viewed.get(key(row.case_id, p.id, d.checker, 'proposal')) ?? null,
          evidenceCount: p.evidence,
          evidenceOpenedAt: viewed.get(key(row.case_id, p.id, d.checker, 'evidence')) ?? null,
          remindedAt: reminded.get(key(row.case_id, p.id)) ?? null,
        });
      }
    }
  }
  return decisions;
}
