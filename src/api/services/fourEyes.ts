import type { Database } from '../../db/client.js';
import { fourEyesDecisions, recordProposalView } from '../../db/fourEyes.js';
import { findCase } from '../../db/projections.js';
import type { Case } from '../../domain/case.js';
import { DomainError } from '../../domain/errors.js';
import type {
  FourEyesReport,
  FourEyesWindow,
  ProposalView,
  ProposalViewKind,
} from '../../domain/fourEyes.js';
import { fourEyesReport } from '../../domain/fourEyes.js';
import type { Actor } from '../../domain/permissions.js';
import { authorize, requireScope } from '../../domain/permissions.js';
import type { Policy } from '../../domain/policy.js';
import type { CaseService } from './cases.js';

/**
 * Records that the caller opened a proposal (or its evidence). The projection can trail the workflow by a
 * moment, so a proposal it does not hold yet is looked for in the workflow before it is called unknown.
 */
export async function recordView(
  deps: { db: Database; cases: CaseService },
  actor: Actor,
  target: { caseId: string; proposalId: string; what: ProposalViewKind },
): Promise<ProposalView> {
  const stored = await findCase(deps.db, target.caseId);
  if (!stored) throw new DomainError('not_found', `no case ${target.caseId}`);
  authorize(actor, 'case.read', stored.businessLine);
  const holds = (c: Case) => c.proposals.some((p) => p.id === target.proposalId);
  if (!holds(stored) && !holds(await deps.cases.read(target.caseId))) {
    throw new DomainError('not_found', `case ${target.caseId} has no proposal ${target.proposalId}`);
  }
  const view = await recordProposalView(deps.db, { ...target, userId: actor.id });
  return { ...target, userId: actor.id, firstViewedAt: view.firstViewedAt.toISOString(), first: view.first };
}

/** The four-eyes report over [from, to), for one business line or, with the `*` scope, all of them. */
export async function reportFourEyes(
  db: Database,
  policy: Policy,
  actor: Actor,
  window: FourEyesWindow,
): Promise<FourEyesReport> {
  if (window.businessLine) requireScope(actor, window.businessLine);
  else if (!actor.businessLines.includes('*')) {
    throw new DomainError(
      'out_of_scope',
      'a report across all business lines needs the * scope; pass businessLine',
    );
  }
  return fourEyesReport(await fourEyesDecisions(db, window), window, policy.fourEyes);
}
