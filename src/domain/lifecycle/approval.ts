import type { ApproveInput, ProposeInput, RejectInput } from '../schemas/actions.js';
import type { Case, Proposal } from '../case.js';
import type { Control, ControlChange } from '../controls.js';
import { DomainError } from '../errors.js';
import { PROPOSAL_REMINDED } from '../fourEyes.js';
import type { Policy, ReasonCodeRule } from '../policy.js';
import { reasonCodeRule } from '../policy.js';
import { assessApproval, checkProtectedControls, requiredSignoffs } from '../quorum.js';
import type { Routing } from '../routing.js';
import { bindingOffer, offerAfterDecision, offerFor, requireOfferTaker } from '../routing.js';
import { addMs, defineRule, nextId, requireAssignee, requireStatus } from './rule.js';

export function findProposal(c: Case, proposalId: string): Proposal {
  const proposal = c.proposals.find((p) => p.id === proposalId);
  if (!proposal) throw new DomainError('not_found', `case ${c.id} has no proposal ${proposalId}`);
  return proposal;
}

export function pendingProposal(c: Case): Proposal | undefined {
  return c.proposals.find((p) => p.status === 'pending');
}

function updateProposal(c: Case, id: string, change: Partial<Proposal>): Case['proposals'] {
  return c.proposals.map((p) => (p.id === id ? { ...p, ...change } : p));
}

/**
 * The reason code's rule when the case follows the matrix this policy carries. A case opened before the
 * matrix existed follows none; one pinned to another version is the workflow's to judge, with the policy
 * it started with, so the API's newer matrix never refuses what the case's own would allow.
 */
function followsMatrix(c: Case, policy: Policy): boolean {
  return c.reasonCodeVersion !== null && c.reasonCodeVersion === policy.reasonCodes.version;
}

export function pinnedReason(c: Case, policy: Policy, code: string): ReasonCodeRule | undefined {
  return followsMatrix(c, policy) ? reasonCodeRule(policy, c.type, code) : undefined;
}

function checkReasonCode(c: Case, input: ProposeStep, policy: Policy): void {
  if (!followsMatrix(c, policy)) return;
  const rule = reasonCodeRule(policy, c.type, input.reasonCode);
  if (!rule) {
    const known = Object.keys(policy.reasonCodes[c.type]).join(', ');
    throw new DomainError(
      'validation_failed',
      `${input.reasonCode} is not a reason code for ${c.type} cases`,
      [{ path: 'reasonCode', message: `unknown reason code; known: ${known}` }],
    );
  }
  const given = new Set((input.evidence ?? []).map((e) => e.kind));
  const missing = rule.evidence.filter((kind) => !given.has(kind));
  if (missing.length > 0) {
    throw new DomainError(
      'validation_failed',
      `reason ${input.reasonCode} needs evidence of kind ${missing.join(', ')}`,
      missing.map((kind) => ({ path: 'evidence', message: `missing evidence of kind ${kind}` })),
    );
  }
}

/** Who owns each named control: the registry's view when the workflow read it, else the case's from intake. */
function ownersOf(c: Case, input: ProposeStep): Pick<Control, 'id' | 'source' | 'externalRef'>[] {
  if (input.controls) return [...input.controls];
  return input.controlIds.flatMap((id) => {
    const owner = c.controlOwners[id];
    return owner ? [{ id, ...owner }] : [];
  });
}

/**
 * `controls` is the registry's current view of the named controls, and `routing` the checkers eligible
 * for an offer where the tier routes random_first; the workflow reads both just before.
 */
export type ProposeStep = ProposeInput & { controls?: readonly Control[]; routing?: Routing };

export const propose = defineRule<ProposeStep>({
  action: 'proposal.created',
  permission: 'removal.propose',
  check(c, input, { actor, policy }) {
    requireStatus(c, ['in_review', 'reverted'], 'propose a lift');
    requireAssignee(c, actor, 'propose a lift');
    const foreign = input.controlIds.filter((id) => !c.controlIds.includes(id));
    if (foreign.length > 0) {
      throw new DomainError(
        'validation_failed',
        'a proposal may only name controls the case asked to lift',
        foreign.map((id) => ({ path: 'controlIds', message: `${id} is not one of this case's controls` })),
      );
    }
    checkProtectedControls(ownersOf(c, input), input.evidence ?? []);
    checkReasonCode(c, input, policy);
    const inactive = (input.controls ?? []).filter((ctl) => ctl.status !== 'active').map((ctl) => ctl.id);
    const missing = input.controls
      ? input.controlIds.filter((id) => !input.controls?.some((ctl) => ctl.id === id))
      : [];
    if (inactive.length + missing.length > 0) {
      throw new DomainError(
        'controls_changed',
        `not active any more: ${[...inactive, ...missing].join(', ')}`,
      );
    }
  },
  apply(c, input, { actor, now, policy }) {
    const signoffs = requiredSignoffs({
      quorum: policy.approval.quorum[c.riskTier],
      controls: ownersOf(c, input),
      evidence: input.evidence ?? [],
      reasonRole: pinnedReason(c, policy, input.reasonCode)?.approverRole,
    });
    const proposal: Proposal = {
      id: nextId('prop', c.proposals),
      controlIds: input.controlIds,
      controlVersions: Object.fromEntries((input.controls ?? []).map((ctl) => [ctl.id, ctl.version])),
      reasonCode: input.reasonCode,
      justification: input.justification,
      evidence: input.evidence ?? [],
      maker: actor.id,
      requiredApprovals: signoffs.approvals,
      requiredRole: signoffs.roles[0] ?? null,
      requiredRoles: signoffs.roles,
      approvals: [],
      rejection: null,
      status: 'pending',
      createdAt: now,
      expiresAt: addMs(now, policy.approval.expiry),
      decidedAt: null,
      offer: input.routing
        ? offerFor(input.routing, policy, addMs(now, policy.checkerRouting.offerExpiry))
        : null,
    };
    return { ...c, status: 'awaiting_approval', proposals: [...c.proposals, proposal] };
  },
  details: (input, next) => {
    const offer = next.proposals.at(-1)?.offer;
    return {
      proposalId: next.proposals.at(-1)?.id,
      controlIds: input.controlIds,
      reasonCode: input.reasonCode,
      requiredApprovals: next.proposals.at(-1)?.requiredApprovals,
      // The seed and the set it was drawn from: `drawOne(seed, candidates)` repeats the draw.
      ...(offer ? { offer } : {}),
    };
  },
});

export const approve = defineRule<ApproveInput & { proposalId: string }>({
  action: 'proposal.approval_recorded',
  permission: 'removal.approve',
  check(c, input, { actor, now }) {
    const proposal = findProposal(c, input.proposalId);
    assessApproval(proposal, c.createdBy, actor);
    requireStatus(c, ['awaiting_approval'], 'approve');
    requireOfferTaker(proposal, actor, now);
  },
  apply(c, input, { actor, now }) {
    const proposal = findProposal(c, input.proposalId);
    const { countsAs, completesQuorum } = assessApproval(proposal, c.createdBy, actor);
    const approvals = [
      ...proposal.approvals,
      { by: actor.id, at: now, comment: input.comment ?? null, countsAs },
    ];
    return {
      ...c,
      status: completesQuorum ? 'executing' : c.status,
      proposals: updateProposal(c, proposal.id, {
        approvals,
        offer: offerAfterDecision(proposal, actor, now),
        ...(completesQuorum ? { status: 'approved' as const, decidedAt: now } : {}),
      }),
    };
  },
  details: (input, next) => {
    const proposal = next.proposals.find((p) => p.id === input.proposalId);
    return {
      proposalId: input.proposalId,
      approvals: proposal?.approvals.length,
      countsAs: proposal?.approvals.at(-1)?.countsAs,
      quorumReached: proposal?.status === 'approved',
    };
  },
});

export const reject = defineRule<RejectInput & { proposalId: string }>({
  action: 'proposal.rejected',
  permission: 'removal.approve',
  check(c, input, { actor, now }) {
    const proposal = findProposal(c, input.proposalId);
    if (proposal.status !== 'pending') {
      throw new DomainError('already_decided', `proposal ${proposal.id} is already ${proposal.status}`);
    }
    if (actor.id === proposal.maker) {
      throw new DomainError('separation_of_duties', 'the maker of a proposal cannot decide on it');
    }
    requireOfferTaker(proposal, actor, now);
  },
  apply(c, input, { actor, now }) {
    const proposal = findProposal(c, input.proposalId);
    return {
      ...c,
      status: 'in_review',
      proposals: updateProposal(c, input.proposalId, {
        status: 'rejected',
        decidedAt: now,
        rejection: { by: actor.id, at: now, comment: input.comment },
        offer: offerAfterDecision(proposal, actor, now),
      }),
    };
  },
  details: (input) => ({ proposalId: input.proposalId, comment: input.comment }),
});

function requirePending(c: Case, proposalId: string): void {
  if (findProposal(c, proposalId).status !== 'pending') {
    throw new DomainError('already_decided', `proposal ${proposalId} is no longer pending`);
  }
}

/** The maker takes back a proposal nobody has decided on yet; the case returns to review. */
export const withdraw = defineRule<{ proposalId: string; comment?: string | undefined }>({
  action: 'proposal.withdrawn',
  permission: 'removal.propose',
  check(c, input, { actor }) {
    requirePending(c, input.proposalId);
    const { maker } = findProposal(c, input.proposalId);
    if (maker !== actor.id) {
      throw new DomainError(
        'forbidden',
        `only ${maker}, who made proposal ${input.proposalId}, may withdraw it`,
      );
    }
  },
  apply: (c, input, { now }) => ({
    ...c,
    status: 'in_review',
    proposals: updateProposal(c, input.proposalId, { status: 'withdrawn', decidedAt: now }),
  }),
  details: (input) => ({ proposalId: input.proposalId, comment: input.comment ?? null }),
});

/**
 * The checkers are reminded of a proposal still waiting for them. It changes nothing on the case; the
 * audit row is the record the four-eyes report counts approvals after.
 */
export const remindProposal = defineRule<{ proposalId: string }>({
  action: PROPOSAL_REMINDED,
  check: (c, input) => requirePending(c, input.proposalId),
  apply: (c) => c,
  details: (input) => ({ proposalId: input.proposalId }),
});

export const expireProposal = defineRule<{ proposalId: string }>({
  action: 'proposal.expired',
  check: (c, input) => requirePending(c, input.proposalId),
  apply: (c, input, { now }) => ({
    ...c,
    status: 'in_review',
    proposals: updateProposal(c, input.proposalId, { status: 'expired', decidedAt: now }),
  }),
  details: (input) => ({ proposalId: input.proposalId }),
});

/** The controls moved under the proposal (someone lifted, re-applied or edited one): nobody approved that. */
export const voidProposal = defineRule<{ proposalId: string; changes: readonly ControlChange[] }>({
  action: 'proposal.voided',
  check(c, input) {
    const status = findProposal(c, input.proposalId).status;
    if (status !== 'pending' && status !== 'approved') {
      throw new DomainError('already_decided', `proposal ${input.proposalId} is already ${status}`);
    }
  },
  apply: (c, input, { now }) => ({
    ...c,
    status: 'in_review',
    revertRequest: null,
    proposals: updateProposal(c, input.proposalId, { status: 'voided', decidedAt: now }),
  }),
  details: (input) => ({ proposalId: input.proposalId, changes: input.changes }),
});

/** The checker a proposal was offered to hands it on: from now on every eligible checker may decide it. */
export const passOn = defineRule<{ proposalId: string; comment?: string | undefined }>({
  action: 'proposal.passed_on',
  permission: 'removal.approve',
  check(c, input, { actor, now }) {
    requirePending(c, input.proposalId);
    const offer = bindingOffer(findProposal(c, input.proposalId), now);
    if (!offer) {
      throw new DomainError('invalid_state', `proposal ${input.proposalId} is not offered to anyone now`);
    }
    if (offer.checker !== actor.id) {
      throw new DomainError(
        'forbidden',
        `proposal ${input.proposalId} is offered to ${offer.checker}, not to you`,
      );
    }
  },
  apply(c, input) {
    const { offer } = findProposal(c, input.proposalId);
    return {
      ...c,
      proposals: updateProposal(c, input.proposalId, { offer: offer && { ...offer, status: 'passed' } }),
    };
  },
  details: (input) => ({ proposalId: input.proposalId, comment: input.comment ?? null }),
});

/** Nobody took up the offer in time: the proposal opens to every eligible checker. */
export const expireOffer = defineRule<{ proposalId: string }>({
  action: 'proposal.offer_expired',
  check(c, input) {
    requirePending(c, input.proposalId);
    if (findProposal(c, input.proposalId).offer?.status !== 'offered') {
      throw new DomainError('invalid_state', `proposal ${input.proposalId} has no open offer`);
    }
  },
  apply(c, input) {
    const { offer } = findProposal(c, input.proposalId);
    return {
      ...c,
      proposals: updateProposal(c, input.proposalId, { offer: offer && { ...offer, status: 'expired' } }),
    };
  },
  details: (input, next) => ({
    proposalId: input.proposalId,
    offeredTo: next.proposals.find((p) => p.id === input.proposalId)?.offer?.checker,
  }),
});
