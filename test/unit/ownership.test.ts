import { describe, expect, it } from 'vitest';
import { ProposeInput } from '../../src/domain/schemas/actions.js';
import type { Approval, Case, Evidence, StoredCase } from '../../src/domain/case.js';
import { upgradeCase } from '../../src/domain/case.js';
import { allowedActions } from '../../src/domain/schemas/caseActions.js';
import type { Control } from '../../src/domain/controls.js';
import type { ProposeStep } from '../../src/domain/lifecycle/approval.js';
import { approve, propose } from '../../src/domain/lifecycle/approval.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import { claim } from '../../src/domain/lifecycle/review.js';
import type { Rule } from '../../src/domain/lifecycle/rule.js';
import { run } from '../../src/domain/lifecycle/rule.js';
import type { Actor } from '../../src/domain/permissions.js';
import type { Policy } from '../../src/domain/policy.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import { resolvePolicy } from '../../src/domain/schemas/policy.js';
import type { RequiredRole, SignoffInput, Signoffs } from '../../src/domain/quorum.js';
import { assessApproval, checkProtectedControls, requiredSignoffs } from '../../src/domain/quorum.js';
import type { ControlSource, RiskTier } from '../../src/domain/vocabulary.js';
import { actor, control, domainError } from './fixtures.js';

const T0 = '2026-12-01T09:00:00.000Z';
const T1 = '2026-12-01T10:00:00.000Z';
const creator = actor('u-creator', ['agent']);
const agent = actor('u-agent', ['agent']);
const checker = actor('u-checker', ['checker']);
const checker2 = actor('u-checker2', ['checker']);
const senior = actor('u-senior', ['checker', 'senior']);
const compliance = actor('u-compliance', ['compliance']);

const quorum = (tier: RiskTier) => defaultPolicy.approval.quorum[tier];
const owned = (...sources: ControlSource[]) => sources.map((source) => ({ source }));
const kinds = (...list: Evidence['kind'][]) => list.map((kind) => ({ kind }));

describe('requiredSignoffs: who must sign a lift follows the tier, the reason and the owners', () => {
  const rows: { name: string; input: SignoffInput; expected: Signoffs }[] = [
    {
      name: 'a low lift of a review’s control needs the tier’s one checker',
      input: { quorum: quorum('low'), controls: owned('manual_review'), evidence: [] },
      expected: { approvals: 1, roles: [] },
    },
    {
      name: 'risk rules, user requests and incidents add nobody',
      input: {
        quorum: quorum('medium'),
        controls: owned('risk_rule', 'user_request', 'security_incident'),
        evidence: [],
      },
      expected: { approvals: 1, roles: [] },
    },
    {
      name: 'a compliance control needs compliance among a low quorum',
      input: { quorum: quorum('low'), controls: owned('compliance'), evidence: [] },
      expected: { approvals: 1, roles: ['compliance'] },
    },
    {
      name: 'a compliance control on a high case needs a senior and a compliance checker',
      input: { quorum: quorum('high'), controls: owned('compliance', 'manual_review'), evidence: [] },
      expected: { approvals: 2, roles: ['senior', 'compliance'] },
    },
    {
      name: 'a compliance control on a critical case needs nothing more than its tier',
      input: { quorum: quorum('critical'), controls: owned('compliance'), evidence: [] },
      expected: { approvals: 2, roles: ['compliance'] },
    },
    {
      name: 'a released law-enforcement hold needs compliance on top of a low quorum',
      input: { quorum: quorum('low'), controls: owned('law_enforcement'), evidence: kinds('legal_release') },
      expected: { approvals: 2, roles: ['compliance'] },
    },
    {
      name: 'a released law-enforcement hold on a critical case needs a third checker',
      input: {
        quorum: quorum('critical'),
        controls: owned('law_enforcement'),
        evidence: kinds('legal_release'),
      },
      expected: { approvals: 3, roles: ['compliance'] },
    },
    {
      name: 'a reason code’s approver role joins the quorum',
      input: { quorum: quorum('low'), controls: [], evidence: [], reasonRole: 'senior' },
      expected: { approvals: 1, roles: ['senior'] },
    },
    {
      name: 'a reason role and a compliance owner on a low case make two distinct checkers',
      input: { quorum: quorum('low'), controls: owned('compliance'), evidence: [], reasonRole: 'senior' },
      expected: { approvals: 2, roles: ['senior', 'compliance'] },
    },
  ];
  it.each(rows)('$name', ({ input, expected }) => {
    expect(requiredSignoffs(input)).toEqual(expected);
  });
});

describe('checkProtectedControls: a law-enforcement hold needs a legal release', () => {
  const hold = control('ctl-hold', 'account_freeze', { source: 'law_enforcement', externalRef: 'ORDER-77' });
  const rows: {
    name: string;
    controls: Control[];
    evidence: { kind: Evidence['kind'] }[];
    refused: boolean;
  }[] = [
    { name: 'no hold, no evidence', controls: [control('c1', 'login_lock')], evidence: [], refused: false },
    { name: 'a hold without evidence', controls: [hold], evidence: [], refused: true },
    { name: 'a hold with other evidence', controls: [hold], evidence: kinds('kyc_reference'), refused: true },
    {
      name: 'a hold with a legal release',
      controls: [hold],
      evidence: kinds('legal_release'),
      refused: false,
    },
    {
      name: 'a compliance control is not a hold',
      controls: [control('c2', 'login_lock', { source: 'compliance' })],
      evidence: [],
      refused: false,
    },
  ];
  it.each(rows)('$name', ({ controls, evidence, refused }) => {
    const check = () => checkProtectedControls(controls, evidence);
    if (!refused) return expect(check).not.toThrow();
    const error = domainError(check);
    expect(error.code).toBe('protected_control');
    expect(error.detail).toContain('ctl-hold (ORDER-77)');
  });
});

describe('assessApproval with several required roles', () => {
  const approvalBy = (who: Actor, countsAs: Approval['countsAs'] = null): Approval => ({
    by: who.id,
    at: T1,
    comment: null,
    countsAs,
  });
  const proposal = (requiredApprovals: number, roles: RequiredRole[], approvals: Approval[] = []) => ({
    id: 'prop-1',
    maker: agent.id,
    approvals,
    requiredApprovals,
    requiredRole: roles[0] ?? null,
    requiredRoles: roles,
    status: 'pending' as const,
  });
  const rows: {
    name: string;
    p: ReturnType<typeof proposal>;
    by: Actor;
    result: { countsAs: Approval['countsAs']; completesQuorum: boolean } | 'forbidden';
  }[] = [
    {
      name: 'a plain checker takes no slot kept for two roles',
      p: proposal(2, ['senior', 'compliance']),
      by: checker,
      result: 'forbidden',
    },
    {
      name: 'a senior fills the senior slot first',
      p: proposal(2, ['senior', 'compliance']),
      by: senior,
      result: { countsAs: 'senior', completesQuorum: false },
    },
    {
      name: 'compliance completes after a senior',
      p: proposal(2, ['senior', 'compliance'], [approvalBy(senior, 'senior')]),
      by: compliance,
      result: { countsAs: 'compliance', completesQuorum: true },
    },
    {
      name: 'a second senior cannot take the compliance slot',
      p: proposal(2, ['senior', 'compliance'], [approvalBy(senior, 'senior')]),
      by: actor('u-senior2', ['checker', 'senior']),
      result: 'forbidden',
    },
    {
      name: 'a plain checker may take the free slot of a legal release',
      p: proposal(2, ['compliance']),
      by: checker,
      result: { countsAs: null, completesQuorum: false },
    },
    {
      name: 'after a plain checker only compliance completes a legal release',
      p: proposal(2, ['compliance'], [approvalBy(checker)]),
      by: checker2,
      result: 'forbidden',
    },
  ];
  it.each(rows)('$name', ({ p, by, result }) => {
    if (result === 'forbidden') {
      expect(domainError(() => assessApproval(p, creator.id, by)).code).toBe('forbidden');
    } else {
      expect(assessApproval(p, creator.id, by)).toEqual(result);
    }
  });
});

const ctx = (who: Actor, policy: Policy = defaultPolicy) => ({ actor: who, now: T1, policy });
const act = <I>(rule: Rule<I>, c: Case, input: I, who: Actor, policy?: Policy) =>
  run(rule, c, input, ctx(who, policy)).next;

function reviewing(
  controls: Control[],
  reasonCodeVersion: string | null = defaultPolicy.reasonCodes.version,
) {
  const c = openCase(
    'UNF-1',
    {
      type: 'unfreeze',
      accountId: 'acct-1',
      businessLine: 'spot',
      channel: 'email',
      subject: 'Please lift',
      description: 'Please lift',
      controlIds: controls.map((ctl) => ctl.id),
    },
    { tier: 'low', reasons: [] },
    creator.id,
    T0,
    reasonCodeVersion === null ? { controls } : { controls, reasonCodeVersion },
  );
  return act(claim, c, {}, agent);
}

const lock = control('ctl-1', 'login_lock');
const hold = control('ctl-hold', 'account_freeze', { source: 'law_enforcement', externalRef: 'ORDER-77' });
const proposing = (over: Partial<ProposeStep> = {}): ProposeStep => ({
  controlIds: ['ctl-1'],
  reasonCode: 'verified_owner',
  justification: 'j',
  ...over,
});

describe('the reason-code matrix decides the evidence a proposal needs', () => {
  it('an unknown reason code is refused, naming the field', () => {
    const error = domainError(() =>
      act(propose, reviewing([lock]), proposing({ reasonCode: 'because' }), agent),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.[0]?.path).toBe('reasonCode');
  });

  it('missing evidence is refused with one problem per missing kind', () => {
    const policy = resolvePolicy({
      reasonCodes: {
        unfreeze: { careful: { description: 'careful', evidence: ['kyc_reference', 'device_check'] } },
      },
    });
    if (!policy.success) throw policy.error;
    const input = proposing({ reasonCode: 'careful', evidence: [{ kind: 'device_check', ref: 'dc-1' }] });
    const error = domainError(() => act(propose, reviewing([lock]), input, agent, policy.data));
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([{ path: 'evidence', message: 'missing evidence of kind kyc_reference' }]);
  });

  it('the required evidence and the reason’s role make the proposal', () => {
    const input = proposing({
      reasonCode: 'kyc_reverified',
      evidence: [{ kind: 'kyc_reference', ref: 'KYC-9', note: 'passed' }],
    });
    const proposal = act(propose, reviewing([lock]), input, agent).proposals[0];
    expect(proposal).toMatchObject({ requiredApprovals: 1, requiredRoles: [], evidence: input.evidence });
  });

  it('a case opened before the matrix, or pinned to another version, is not judged by this one', () => {
    const input = proposing({ reasonCode: 'anything_goes' });
    expect(act(propose, reviewing([lock], null), input, agent).status).toBe('awaiting_approval');
    expect(act(propose, reviewing([lock], '2020-01-01'), input, agent).status).toBe('awaiting_approval');
  });
});

describe('propose: a law-enforcement hold', () => {
  it('is refused with protected_control, from the owners recorded at intake and from a fresh read alike', () => {
    for (const input of [
      proposing({ controlIds: ['ctl-hold'] }),
      proposing({ controlIds: ['ctl-hold'], controls: [hold] }),
    ]) {
      const error = domainError(() => act(propose, reviewing([hold]), input, agent));
      expect(error.code).toBe('protected_control');
      expect(error.detail).toContain('ORDER-77');
    }
  });

  it('with a legal release needs compliance on top of the quorum, and a plain checker cannot finish it', () => {
    const input = proposing({
      controlIds: ['ctl-hold'],
      reasonCode: 'legal_release',
      evidence: [{ kind: 'legal_release', ref: 'RELEASE-77' }],
      controls: [hold],
    });
    let c = act(propose, reviewing([hold]), input, agent);
    expect(c.proposals[0]).toMatchObject({ requiredApprovals: 2, requiredRoles: ['compliance'] });
    c = act(approve, c, { proposalId: 'prop-1' }, checker);
    expect(domainError(() => act(approve, c, { proposalId: 'prop-1' }, checker2)).code).toBe('forbidden');
    expect(act(approve, c, { proposalId: 'prop-1' }, compliance).status).toBe('executing');
  });

  it('shows in allowedActions as the reason propose is refused', () => {
    const entry = allowedActions(reviewing([hold]), ctx(agent)).find((a) => a.action === 'propose');
    expect(entry).toMatchObject({ allowed: false, code: 'protected_control' });
  });
});

describe('evidence recorded as plain text', () => {
  it('is still accepted from clients and becomes evidence of kind other', () => {
    const parsed = ProposeInput.parse({
      controlIds: ['ctl-1'],
      reasonCode: 'verified_owner',
      justification: 'j',
      evidence: ['call recording', { kind: 'kyc_reference', ref: 'KYC-1' }],
    });
    expect(parsed.evidence).toEqual([
      { kind: 'other', ref: 'call recording' },
      { kind: 'kyc_reference', ref: 'KYC-1' },
    ]);
  });

  it('in a stored case reads as evidence of kind other, with its single role as the list', () => {
    const c = act(propose, reviewing([lock]), proposing(), agent);
    const [proposal] = c.proposals;
    if (!proposal) throw new Error('no proposal');
    const { requiredRoles: _roles, ...old } = {
      ...proposal,
      evidence: ['recording'],
      requiredRole: 'senior',
    };
    const stored = { ...c, proposals: [old] } as unknown as StoredCase;
    expect(upgradeCase(stored).proposals[0]).toMatchObject({
      evidence: [{ kind: 'other', ref: 'recording' }],
      requiredRoles: ['senior'],
    });
  });
});
