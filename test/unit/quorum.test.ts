import { describe, expect, it } from 'vitest';
import type { Approval, Proposal, ProposalStatus } from '../../src/domain/case.js';
import type { Actor } from '../../src/domain/permissions.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import { assessApproval } from '../../src/domain/quorum.js';
import type { RiskTier } from '../../src/domain/vocabulary.js';
import { RiskTier as RiskTierSchema } from '../../src/domain/schemas/vocabulary.js';
import { actor, domainError } from './fixtures.js';

const CREATOR = 'u-creator';

const maker = actor('u-maker', ['agent', 'checker']);
const creator = actor(CREATOR, ['agent', 'checker']);
const checker = actor('u-checker', ['checker']);
const checker2 = actor('u-checker2', ['checker']);
const checker3 = actor('u-checker3', ['checker']);
const senior = actor('u-senior', ['checker', 'senior']);
const senior2 = actor('u-senior2', ['checker', 'senior']);
const compliance = actor('u-compliance', ['compliance']);

type QuorumProposal = Pick<
  Proposal,
  'id' | 'maker' | 'approvals' | 'requiredApprovals' | 'requiredRole' | 'status'
>;

function approvalBy(who: Actor, countsAs: Approval['countsAs'] = null): Approval {
  return { by: who.id, at: '2025-03-01T10:00:00.000Z', comment: null, countsAs };
}

function proposalFor(
  tier: RiskTier,
  approvals: Approval[] = [],
  status: ProposalStatus = 'pending',
): QuorumProposal {
  const quorum = defaultPolicy.approval.quorum[tier];
  return {
    id: 'prop-1',
    maker: maker.id,
    approvals,
    requiredApprovals: quorum.approvals,
    requiredRole: quorum.requiredRole ?? null,
    status,
  };
}

describe('the default quorum per risk tier', () => {
  const expected: Record<RiskTier, { approvals: number; requiredRole: 'senior' | 'compliance' | null }> = {
    low: { approvals: 1, requiredRole: null },
    medium: { approvals: 1, requiredRole: null },
    high: { approvals: 2, requiredRole: 'senior' },
    critical: { approvals: 2, requiredRole: 'compliance' },
  };

  it.each(RiskTierSchema.options)('a %s proposal needs what docs/api.md says', (tier) => {
    const proposal = proposalFor(tier);
    expect({ approvals: proposal.requiredApprovals, requiredRole: proposal.requiredRole }).toEqual(
      expected[tier],
    );
  });
});

describe('assessApproval: who may add the next approval, and what it counts as', () => {
  const s = (who: Actor) => approvalBy(who, 'senior');
  const c = (who: Actor) => approvalBy(who, 'compliance');
  const plain = (who: Actor) => approvalBy(who);

  const allowed: {
    name: string;
    tier: RiskTier;
    before: Approval[];
    by: Actor;
    countsAs: Approval['countsAs'];
    completesQuorum: boolean;
  }[] = [
    {
      name: 'one checker completes a low proposal',
      tier: 'low',
      before: [],
      by: checker,
      countsAs: null,
      completesQuorum: true,
    },
    {
      name: 'one checker completes a medium proposal',
      tier: 'medium',
      before: [],
      by: checker,
      countsAs: null,
      completesQuorum: true,
    },
    {
      name: 'a senior on a low proposal counts as a plain approval',
      tier: 'low',
      before: [],
      by: senior,
      countsAs: null,
      completesQuorum: true,
    },
    {
      name: 'compliance on a medium proposal counts as a plain approval',
      tier: 'medium',
      before: [],
      by: compliance,
      countsAs: null,
      completesQuorum: true,
    },
    {
      name: 'a plain checker may take the first of two high slots',
      tier: 'high',
      before: [],
      by: checker,
      countsAs: null,
      completesQuorum: false,
    },
    {
      name: 'a senior first on a high proposal counts as the senior approval',
      tier: 'high',
      before: [],
      by: senior,
      countsAs: 'senior',
      completesQuorum: false,
    },
    {
      name: 'a senior after a plain checker completes a high proposal as the senior',
      tier: 'high',
      before: [plain(checker)],
      by: senior,
      countsAs: 'senior',
      completesQuorum: true,
    },
    {
      name: 'a plain checker after the senior completes a high proposal',
      tier: 'high',
      before: [s(senior)],
      by: checker,
      countsAs: null,
      completesQuorum: true,
    },
    {
      name: 'a second senior after the senior counts as a plain approval',
      tier: 'high',
      before: [s(senior)],
      by: senior2,
      countsAs: null,
      completesQuorum: true,
    },
    {
      name: 'compliance after the senior completes a high proposal as a plain approval',
      tier: 'high',
      before: [s(senior)],
      by: compliance,
      countsAs: null,
      completesQuorum: true,
    },
    {
      name: 'compliance first on a high proposal is a plain approval',
      tier: 'high',
      before: [],
      by: compliance,
      countsAs: null,
      completesQuorum: false,
    },
    {
      name: 'a plain checker may take the first of two critical slots',
      tier: 'critical',
      before: [],
      by: checker,
      countsAs: null,
      completesQuorum: false,
    },
    {
      name: 'a senior first on a critical proposal is a plain approval',
      tier: 'critical',
      before: [],
      by: senior,
      countsAs: null,
      completesQuorum: false,
    },
    {
      name: 'compliance first on a critical proposal counts as the compliance approval',
      tier: 'critical',
      before: [],
      by: compliance,
      countsAs: 'compliance',
      completesQuorum: false,
    },
    {
      name: 'compliance after a plain checker completes a critical proposal',
      tier: 'critical',
      before: [plain(checker)],
      by: compliance,
      countsAs: 'compliance',
      completesQuorum: true,
    },
    {
      name: 'a plain checker after compliance completes a critical proposal',
      tier: 'critical',
      before: [c(compliance)],
      by: checker,
      countsAs: null,
      completesQuorum: true,
    },
    {
      name: 'a senior after compliance completes a critical proposal',
      tier: 'critical',
      before: [c(compliance)],
      by: senior,
      countsAs: null,
      completesQuorum: true,
    },
  ];

  it.each(allowed)('$name', ({ tier, before, by, countsAs, completesQuorum }) => {
    expect(assessApproval(proposalFor(tier, before), CREATOR, by)).toEqual({ countsAs, completesQuorum });
  });

  const refused: { name: string; tier: RiskTier; before: Approval[]; by: Actor; role: string }[] = [
    {
      name: 'a second plain checker cannot take the last high slot',
      tier: 'high',
      before: [plain(checker)],
      by: checker2,
      role: 'senior',
    },
    {
      name: 'compliance cannot take the last high slot reserved for a senior',
      tier: 'high',
      before: [plain(checker)],
      by: compliance,
      role: 'senior',
    },
    {
      name: 'a second plain checker cannot take the last critical slot',
      tier: 'critical',
      before: [plain(checker)],
      by: checker2,
      role: 'compliance',
    },
    {
      name: 'a senior cannot take the last critical slot reserved for compliance',
      tier: 'critical',
      before: [plain(checker)],
      by: senior,
      role: 'compliance',
    },
  ];

  it.each(refused)('$name', ({ tier, before, by, role }) => {
    const error = domainError(() => assessApproval(proposalFor(tier, before), CREATOR, by));
    expect(error.code).toBe('forbidden');
    expect(error.detail).toBe(`proposal prop-1 still needs a ${role} approval`);
  });
});

describe('assessApproval: separation of duties', () => {
  it.each(RiskTierSchema.options)('a maker cannot approve their own %s proposal', (tier) => {
    const error = domainError(() => assessApproval(proposalFor(tier), CREATOR, maker));
    expect(error.code).toBe('separation_of_duties');
    expect(error.detail).toBe(`${maker.id} made proposal prop-1; another checker must approve it`);
  });

  it('a maker who also holds the senior role still cannot approve', () => {
    const seniorMaker = actor('u-maker', ['agent', 'checker', 'senior']);
    expect(domainError(() => assessApproval(proposalFor('high'), CREATOR, seniorMaker)).code).toBe(
      'separation_of_duties',
    );
  });

  it.each(RiskTierSchema.options)('the creator of the case cannot approve a %s proposal on it', (tier) => {
    const error = domainError(() => assessApproval(proposalFor(tier), CREATOR, creator));
    expect(error.code).toBe('separation_of_duties');
    expect(error.detail).toBe('the creator of a case cannot approve its proposals');
  });

  it.each(['high', 'critical'] as const)('the same checker cannot approve a %s proposal twice', (tier) => {
    const error = domainError(() =>
      assessApproval(proposalFor(tier, [approvalBy(checker)]), CREATOR, checker),
    );
    expect(error.code).toBe('separation_of_duties');
    expect(error.detail).toBe('u-checker has already approved proposal prop-1');
  });

  it('a senior who approved once cannot fill the last slot again as a plain approver', () => {
    const proposal = proposalFor('high', [approvalBy(senior, 'senior')]);
    expect(domainError(() => assessApproval(proposal, CREATOR, senior)).code).toBe('separation_of_duties');
  });

  it('separation of duties is judged before the reserved slot', () => {
    // The maker on the last reserved slot hears about separation of duties, not about the missing senior.
    const proposal = proposalFor('high', [approvalBy(checker)]);
    expect(domainError(() => assessApproval(proposal, CREATOR, maker)).code).toBe('separation_of_duties');
  });
});

describe('assessApproval: only pending proposals take approvals', () => {
  const decided: ProposalStatus[] = ['approved', 'rejected', 'expired', 'withdrawn', 'voided'];

  it.each(decided)('an %s proposal answers already_decided', (status) => {
    const error = domainError(() => assessApproval(proposalFor('low', [], status), CREATOR, checker));
    expect(error.code).toBe('already_decided');
    expect(error.detail).toBe(`proposal prop-1 is already ${status}`);
  });

  it.each(decided)('an %s proposal answers already_decided even to its maker', (status) => {
    expect(domainError(() => assessApproval(proposalFor('low', [], status), CREATOR, maker)).code).toBe(
      'already_decided',
    );
  });
});

describe('assessApproval: quorums a policy file may configure', () => {
  function custom(
    requiredApprovals: number,
    requiredRole: 'senior' | 'compliance' | null,
    approvals: Approval[],
  ): QuorumProposal {
    return { id: 'prop-7', maker: maker.id, approvals, requiredApprovals, requiredRole, status: 'pending' };
  }

  it('with three approvals and a senior, two plain checkers may go first', () => {
    expect(assessApproval(custom(3, 'senior', []), CREATOR, checker)).toEqual({
      countsAs: null,
      completesQuorum: false,
    });
    expect(assessApproval(custom(3, 'senior', [approvalBy(checker)]), CREATOR, checker2)).toEqual({
      countsAs: null,
      completesQuorum: false,
    });
  });

  it('with three approvals and a senior, the third slot is kept for the senior', () => {
    const twoPlain = custom(3, 'senior', [approvalBy(checker), approvalBy(checker2)]);
    expect(domainError(() => assessApproval(twoPlain, CREATOR, checker3)).code).toBe('forbidden');
    expect(assessApproval(twoPlain, CREATOR, senior)).toEqual({ countsAs: 'senior', completesQuorum: true });
  });

  it('a single approval that must be compliance refuses a plain checker', () => {
    expect(domainError(() => assessApproval(custom(1, 'compliance', []), CREATOR, checker)).code).toBe(
      'forbidden',
    );
    expect(assessApproval(custom(1, 'compliance', []), CREATOR, compliance)).toEqual({
      countsAs: 'compliance',
      completesQuorum: true,
    });
  });

  it('three plain approvals with no role: only the third completes the quorum', () => {
    expect(assessApproval(custom(3, null, []), CREATOR, checker).completesQuorum).toBe(false);
    expect(assessApproval(custom(3, null, [approvalBy(checker)]), CREATOR, checker2).completesQuorum).toBe(
      false,
    );
    expect(
      assessApproval(custom(3, null, [approvalBy(checker), approvalBy(checker2)]), CREATOR, checker3),
    ).toEqual({
      countsAs: null,
      completesQuorum: true,
    });
  });
});
