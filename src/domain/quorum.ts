import type { Approval, Evidence, Proposal } from './case.js';
import type { Control } from './controls.js';
import { DomainError } from './errors.js';
import type { Actor } from './permissions.js';
import { hasPermission } from './permissions.js';

export type RequiredRole = NonNullable<Proposal['requiredRole']>;

function holdsRequiredRole(actor: Actor, role: RequiredRole): boolean {
  return hasPermission(actor, role === 'senior' ? 'approval.senior' : 'approval.compliance');
}

type QuorumProposal = Pick<
  Proposal,
  'id' | 'maker' | 'approvals' | 'requiredApprovals' | 'requiredRole' | 'status'
> & {
  /** Proposals made before a proposal could need several roles carry only `requiredRole`. */
  requiredRoles?: readonly RequiredRole[] | undefined;
};

export function rolesOf(proposal: QuorumProposal): readonly RequiredRole[] {
  return proposal.requiredRoles ?? (proposal.requiredRole === null ? [] : [proposal.requiredRole]);
}

/**
 * Whether `actor` may add an approval to `proposal`, and in what capacity. Throws the reason if not.
 * Four eyes at least: the maker and the case's creator never approve, nobody approves twice, and the
 * last open slots are kept for the required roles no approver has filled yet.
 */
export function assessApproval(
  proposal: QuorumProposal,
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
  const unfilled = rolesOf(proposal).filter((role) => !proposal.approvals.some((a) => a.countsAs === role));
  const slotsLeft = proposal.requiredApprovals - proposal.approvals.length;
  const qualifies = unfilled.find((role) => holdsRequiredRole(actor, role));
  if (unfilled.length > 0 && slotsLeft <= unfilled.length && qualifies === undefined) {
    throw new DomainError(
      'forbidden',
      `proposal ${proposal.id} still needs a ${unfilled.join(' and a ')} approval`,
    );
  }
  return { countsAs: qualifies ?? null, completesQuorum: slotsLeft <= 1 };
}

export interface Signoffs {
  approvals: number;
  /** Roles each of which one distinct approver must fill, in the order they were added. */
  roles: RequiredRole[];
}

export interface SignoffInput {
  quorum: { approvals: number; requiredRole?: RequiredRole | undefined };
  /** The controls the proposal names, as the registry shows them now. */
  controls: readonly Pick<Control, 'source'>[];
  evidence: readonly Pick<Evidence, 'kind'>[];
  /** An approver role the reason code asks for, if any. */
  reasonRole?: RequiredRole | undefined;
}

/**
 * Who must sign a lift: the tier's quorum; the reason code's extra role among it; a compliance approval
 * among it when compliance owns a control; and a compliance approval on top of it when a law-enforcement
 * hold is released on legal evidence. Pure, so the API, the workflow and `allowedActions` agree.
 */
export function requiredSignoffs(input: SignoffInput): Signoffs {
  const roles: RequiredRole[] = input.quorum.requiredRole ? [input.quorum.requiredRole] : [];
  const among = (role: RequiredRole) => {
    if (!roles.includes(role)) roles.push(role);
  };
  let approvals = input.quorum.approvals;
  if (input.reasonRole) among(input.reasonRole);
  if (input.controls.some((c) => c.source === 'compliance')) among('compliance');
  if (input.controls.some((c) => c.source === 'law_enforcement')) {
    approvals += 1;
    among('compliance');
  }
  return { approvals: Math.max(approvals, roles.length), roles };
}

/**
 * A law-enforcement hold is not risk operations' to lift: a proposal naming one is refused unless it
 * carries the legal release. The refusal names each hold and the order it was placed under.
 */
export function checkProtectedControls(
  controls: readonly Pick<Control, 'id' | 'source' | 'externalRef'>[],
  evidence: readonly Pick<Evidence, 'kind'>[],
): void {
  if (evidence.some((e) => e.kind === 'legal_release')) return;
  const holds = controls.filter((c) => c.source === 'law_enforcement');
  if (holds.length === 0) return;
  const named = holds.map((c) => `${c.id} (${c.externalRef ?? 'no reference recorded'})`).join(', ');
  throw new DomainError(
    'protected_control',
    `law-enforcement hold ${named} can only be lifted by a proposal with legal_release evidence`,
    holds.map((c) => ({
      path: 'controlIds',
      message: `${c.id} is a law-enforcement hold${c.externalRef ? ` under ${c.externalRef}` : ''}`,
    })),
  );
}
