import type { Approval, Proposal } from './case.js';
import { DomainError } from './errors.js';
import type { Actor } from './permissions.js';
import { hasPermission } from './permissions.js';

type RequiredRole = NonNullable<Proposal['requiredRole']>;

function holdsRequiredRole(actor: Actor, role: RequiredRole): boolean {
  return hasPermission(actor, role === 'senior' ? 'approval.senior' : 'approval.compliance');
}

/**
 * Whether `actor` may add an approval to `proposal`, and in what capacity. Throws the reason if not.
 * Four eyes at least: the maker and the case's creator never approve, nobody approves twice, and the
 * last open slot is kept for the required role when no approver has filled it yet.
 */
export function assessApproval(
  proposal: Pick<Proposal, 'id' | 'maker' | 'approvals' | 'requiredApprovals' | 'requiredRole' | 'status'>,
  caseCreatedBy: string,
  actor: Actor,
): { countsAs: Approval['countsAs']; completesQuorum: boolean } {
  if (proposal.status !== 'pending') {
    throw new DomainError('already_decided', `proposal ${proposal.id} is already ${proposal.status}`);
  }
  if (actor.id === proposal.maker) {
    throw new DomainError(
      'separation_of_duties',
      `${actor.id} made proposal ${proposal.id}; another checker must approve it`,
    );
  }
  if (actor.id === caseCreatedBy) {
    throw new DomainError('separation_of_duties', 'the creator of a case cannot approve its proposals');
  }
  if (proposal.approvals.some((a) => a.by === actor.id)) {
    throw new DomainError('separation_of_duties', `${actor.id} has already approved proposal ${proposal.id}`);
  }
  const role = proposal.requiredRole;
  const roleFilled = role === null || proposal.approvals.some((a) => a.countsAs === role);
  const slotsLeft = proposal.requiredApprovals - proposal.approvals.length;
  const qualifies = role !== null && !roleFilled && holdsRequiredRole(actor, role);
  if (!roleFilled && slotsLeft <= 1 && !qualifies) {
    throw new DomainError('forbidden', `proposal ${proposal.id} still needs a ${role} approval`);
  }
  return { countsAs: qualifies ? role : null, completesQuorum: slotsLeft <= 1 };
}
