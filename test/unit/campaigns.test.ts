import { describe, expect, it } from 'vitest';
import type { AccountFacts } from '../../src/domain/campaigns.js';
import {
  allowedCampaignActions,
  canarySize,
  checkAmend,
  checkApprove,
  checkHalt,
  checkResume,
  checkSampleCheck,
  excludedCaseInput,
  exclusionOf,
  planRevert,
  rejectedSample,
  sampleSize,
} from '../../src/domain/campaigns.js';
import { includedDigest, planSelection, withMakerExclusions } from '../../src/domain/campaignSelection.js';
import { drawSample } from '../../src/domain/draw.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import type { Campaign } from '../../src/domain/schemas/campaigns.js';
import { CampaignSelector } from '../../src/domain/schemas/campaigns.js';
import { actor, control } from './fixtures.js';

const now = '2026-12-07T01:00:00.000Z';
const hoursAgo = (h: number) => new Date(Date.parse(now) - h * 3_600_000).toISOString();

const facts = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  accountId: 'acct-1',
  controls: [{ id: 'ctl-1', source: 'risk_rule', claimedBy: null }],
  signals: [],
  lifts: [],
  highValue: false,
  ...over,
});

describe('exclusions by the single-case rules', () => {
  it.each([
    ['nothing against it', facts(), null],
    [
      'a law-enforcement hold',
      facts({ controls: [{ id: 'c', source: 'law_enforcement', claimedBy: null }] }),
      'protected_control',
    ],
    [
      'a compliance control',
      facts({ controls: [{ id: 'c', source: 'compliance', claimedBy: null }] }),
      'protected_control',
    ],
    [
      'a control an open case names',
      facts({ controls: [{ id: 'c', source: 'risk_rule', claimedBy: 'UNF-1' }] }),
      'open_case',
    ],
    [
      'a high signal yesterday',
      facts({ signals: [{ severity: 'high', occurredAt: hoursAgo(24) }] }),
      'risk_signal',
    ],
    ['a critical signal now', facts({ signals: [{ severity: 'critical', occurredAt: now }] }), 'risk_signal'],
    ['a medium signal', facts({ signals: [{ severity: 'medium', occurredAt: now }] }), null],
    [
      'a high signal before the look-back',
      facts({ signals: [{ severity: 'high', occurredAt: hoursAgo(24 * 8) }] }),
      null,
    ],
    ['a lift last week', facts({ lifts: [{ liftedAt: hoursAgo(24 * 7) }] }), 'repeat_lift'],
    ['a lift before the revert window', facts({ lifts: [{ liftedAt: hoursAgo(24 * 91) }] }), null],
    ['a high-value account', facts({ highValue: true }), 'high_value_account'],
  ] as const)('%s → %s', (_, input, expected) => {
    expect(exclusionOf(input, defaultPolicy, now)).toBe(expected);
  });
});

describe('sizes', () => {
  it.each([
    [1, 1, 1],
    [20, 20, 10],
    [400, 20, 10],
    [10_000, 100, 100],
    [50_000, 224, 500],
  ])('%i included → sample %i, canary %i', (n, sample, canary) => {
    expect(sampleSize(n, defaultPolicy)).toBe(sample);
    expect(canarySize(n, defaultPolicy)).toBe(canary);
  });

  it('pins the set by the digest of its sorted ids, and draws sample and canary again from the seed', () => {
    const ids = ['b', 'a', 'c'];
    expect(includedDigest(ids)).toBe(includedDigest(['c', 'a', 'b']));
    expect(includedDigest(ids)).not.toBe(includedDigest(['a', 'b']));
    const plan = planSelection('CAM-1', ids, defaultPolicy);
    expect(plan.seed).toBe(`CAM-1:${plan.digest}`);
    expect(drawSample(plan.seed, ['c', 'b', 'a'], plan.sample.length)).toEqual(plan.sample);
    expect(plan.canary).toHaveLength(3);
  });
});

describe('the selector', () => {
  it('needs a criterion, at most 50,000 distinct accounts, and instants in order', () => {
    expect(CampaignSelector.safeParse({}).success).toBe(false);
    expect(CampaignSelector.safeParse({ externalRef: 'rule-417' }).success).toBe(true);
    expect(CampaignSelector.safeParse({ accountIds: ['a', 'a'] }).success).toBe(false);
    const many = Array.from({ length: 50_001 }, (_, i) => `acct-${i}`);
    expect(CampaignSelector.safeParse({ accountIds: many }).success).toBe(false);
    expect(CampaignSelector.safeParse({ accountIds: many.slice(1) }).success).toBe(true);
    expect(
      CampaignSelector.safeParse({
        appliedAfter: '2026-12-07T00:00:00Z',
        appliedBefore: '2026-12-06T00:00:00Z',
      }).success,
    ).toBe(false);
    expect(CampaignSelector.safeParse({ kinds: ['totp'] }).success).toBe(false);
  });
});

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  id: 'CAM-1',
  workflowId: 'campaign-CAM-1',
  status: 'awaiting_approval',
  phase: 'approval',
  maker: 'maker',
  selector: { externalRef: 'rule-417' },
  reasonCode: 'false_positive',
  justification: 'rule misfired',
  evidence: [],
  digest: 'd',
  included: 2,
  seed: 's',
  sample: ['acct-1', 'acct-2'],
  sampleChecks: [],
  requiredApprovals: 2,
  requiredRoles: ['senior', 'compliance'],
  approvals: [],
  resumeApprovals: [],
  halt: null,
  canarySize: 1,
  soakUntil: null,
  monitorUntil: null,
  cursor: null,
  revision: 0,
  createdAt: now,
  updatedAt: now,
  ...over,
});
const maker = actor('maker', ['senior']);
const senior = actor('senior', ['senior']);
const compliance = actor('compliance', ['compliance']);
const checker = actor('checker', ['checker']);
const approved = (by: string, countsAs: 'senior' | 'compliance') => ({
  by,
  at: now,
  comment: null,
  countsAs,
});

describe('four eyes on a campaign', () => {
  it('refuses the maker, and a second senior once the compliance slot is all that is left', () => {
    expect(() => checkApprove(campaign(), maker)).toThrow(
      expect.objectContaining({ code: 'separation_of_duties' }),
    );
    expect(checkApprove(campaign(), senior)).toEqual({ countsAs: 'senior' });
    const once = campaign({ approvals: [approved('senior', 'senior')] });
    expect(() => checkApprove(once, actor('senior2', ['senior']))).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
    expect(checkApprove(once, compliance)).toEqual({ countsAs: 'compliance' });
    expect(() => checkApprove(campaign(), checker)).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });

  it('keeps sample checkers and approvers apart', () => {
    const withApproval = campaign({ approvals: [approved('senior', 'senior')] });
    expect(() => checkSampleCheck(withApproval, actor('senior', ['senior', 'checker']), 'acct-1')).toThrow(
      expect.objectContaining({ code: 'separation_of_duties' }),
    );
    expect(() => checkSampleCheck(campaign(), checker, 'acct-9')).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    const checked = campaign({
      sampleChecks: [{ accountId: 'acct-1', decision: 'approved', by: 'cc', at: now, comment: 'ok' }],
    });
    expect(() => checkApprove(checked, actor('cc', ['compliance']))).toThrow(
      expect.objectContaining({ code: 'separation_of_duties' }),
    );
    expect(() => checkSampleCheck(checked, checker, 'acct-1')).toThrow(
      expect.objectContaining({ code: 'already_decided' }),
    );
  });

  it('lets an approver halt a running campaign, and resume only with the quorum in', () => {
    const running = campaign({
      status: 'running',
      phase: 'batches',
      approvals: [approved('senior', 'senior'), approved('compliance', 'compliance')],
      sampleChecks: ['acct-1', 'acct-2'].map((accountId) => ({
        accountId,
        decision: 'approved' as const,
        by: 'checker',
        at: now,
        comment: 'ok',
      })),
    });
    expect(() => checkHalt(running, senior)).not.toThrow();
    expect(() => checkHalt(running, actor('other', ['senior']))).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
    expect(() => checkResume(running, senior)).toThrow(expect.objectContaining({ code: 'invalid_state' }));
    const halted = { ...running, status: 'halted' as const };
    expect(() => checkResume(halted, senior)).not.toThrow();
    expect(() => checkResume({ ...halted, resumeApprovals: ['senior'] }, senior)).toThrow(
      expect.objectContaining({ code: 'separation_of_duties' }),
    );
    const allowed = allowedCampaignActions(halted, compliance, 0);
    expect(allowed.find((a) => a.action === 'resume')).toMatchObject({ allowed: true });
    expect(allowed.find((a) => a.action === 'approve')).toMatchObject({
      allowed: false,
      code: 'invalid_state',
    });
  });
});

describe('planRevert', () => {
  const snap = control('ctl-1', 'account_freeze', { version: 1 });
  it('re-applies a control still as the lift left it, and its own re-apply seen again', () => {
    expect(planRevert([snap], [{ ...snap, status: 'lifted', version: 2 }]).reapply).toEqual([snap]);
    expect(planRevert([snap], [{ ...snap, status: 'active', version: 3 }]).reapply).toEqual([snap]);
  });
  it('leaves alone, and reports, a control changed since or put on again by hand', () => {
    const byHand = control('ctl-2', 'account_freeze');
    expect(planRevert([snap], [{ ...snap, status: 'lifted', version: 2 }, byHand])).toEqual({
      reapply: [],
      leftAlone: [{ id: 'ctl-1', why: 'account_freeze re-applied by hand as ctl-2' }],
    });
    expect(planRevert([snap], [{ ...snap, status: 'lifted', version: 4 }]).leftAlone).toHaveLength(1);
    expect(planRevert([snap], []).leftAlone).toEqual([{ id: 'ctl-1', why: 'no longer in the registry' }]);
  });
});

describe('amending after a rejected sample', () => {
  const rejection = {
    accountId: 'acct-2',
    decision: 'rejected' as const,
    by: 'checker',
    at: now,
    comment: 'no',
  };
  const halted = campaign({
    status: 'halted',
    approvals: [approved('senior', 'senior'), approved('compliance', 'compliance')],
    sampleChecks: [rejection],
  });

  it('is the maker’s alone, and only before anything is lifted', () => {
    expect(() => checkAmend(halted, maker)).not.toThrow();
    expect(() => checkAmend(halted, senior)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => checkAmend(halted, checker)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => checkAmend(campaign(), maker)).not.toThrow();
    expect(() => checkAmend({ ...halted, phase: 'batches' }, maker)).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
    const starting = campaign({
      approvals: halted.approvals,
      sampleChecks: ['acct-1', 'acct-2'].map((accountId) => ({
        ...rejection,
        accountId,
        decision: 'approved' as const,
      })),
    });
    expect(() => checkAmend(starting, maker)).toThrow(expect.objectContaining({ code: 'invalid_state' }));
    expect(allowedCampaignActions(halted, maker, 0).find((a) => a.action === 'amend')).toMatchObject({
      allowed: true,
    });
  });

  it('keeps every rejected account, of this round and earlier ones, out of the set', () => {
    const earlier = {
      by: 'maker',
      at: now,
      reason: 'first',
      selector: null,
      exclude: [{ accountId: 'acct-9', reason: 'odd' }],
      rejected: ['acct-7'],
      previousDigest: 'd0',
    };
    expect(rejectedSample({ ...halted, amendments: [earlier] }).sort()).toEqual(['acct-2', 'acct-7']);
    const accounts = [
      { accountId: 'acct-1', exclusion: null },
      { accountId: 'acct-9', exclusion: null },
      { accountId: 'acct-8', exclusion: 'open_case' as const },
    ];
    expect(withMakerExclusions(accounts, [earlier]).map((a) => a.exclusion)).toEqual([
      null,
      'excluded_by_maker',
      'open_case',
    ]);
  });

  it('draws each amendment’s sample with a seed of its own', () => {
    const first = planSelection('CAM-1', ['a', 'b', 'c'], defaultPolicy);
    const amended = planSelection('CAM-1', ['a', 'b', 'c'], defaultPolicy, 1);
    expect(first.digest).toBe(amended.digest);
    expect(amended.seed).toBe(`CAM-1:${first.digest}:amendment-1`);
    expect(amended.seed).not.toBe(first.seed);
  });
});

describe('the case for an excluded account', () => {
  it('names the controls, the exclusion and the campaign', () => {
    const input = excludedCaseInput(campaign(), {
      accountId: 'acct-3',
      exclusion: 'high_value_account',
      controls: [
        { id: 'ctl-a', kind: 'account_freeze', businessLine: 'p2p' },
        { id: 'ctl-b', kind: 'withdrawal_lock', businessLine: 'spot' },
      ],
    });
    expect(input).toMatchObject({
      type: 'unfreeze',
      accountId: 'acct-3',
      businessLine: 'p2p',
      channel: 'internal',
      controlIds: ['ctl-a', 'ctl-b'],
      hints: { highValueAccount: true },
    });
    expect(input.subject).toContain('CAM-');
    expect(input.description).toContain('ctl-b (withdrawal_lock)');
    expect(() =>
      excludedCaseInput(campaign(), { accountId: 'acct-3', exclusion: 'open_case', controls: [] }),
    ).toThrow(expect.objectContaining({ code: 'invalid_state' }));
  });
});
