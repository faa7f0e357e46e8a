import type { Control, ControlSnapshot } from './controls.js';
import { DomainError } from './errors.js';
import type { Actor, Permission } from './permissions.js';
import { hasPermission } from './permissions.js';
import type { Policy } from './policy.js';
import { CAMPAIGN_HISTORY_LIMIT } from './policy.js';
import { assessApproval } from './quorum.js';
import { repeatLifts } from './riskTier.js';
import type { CreateCaseInput } from './schemas/actions.js';
import type { Campaign, CampaignAllowedAction, CampaignApproval, SampleCheck } from './schemas/campaigns.js';
import type { ControlSource, ExclusionReason, Severity } from './vocabulary.js';

/*
 * Incident lift campaigns: many accounts lifted under one pair of approvals and a checked random sample.
 * Pure rules only, loaded by the API and the campaign workflow alike, so both say the same.
 */

export const MAX_CAMPAIGN_ACCOUNTS = 50_000;

export const campaignStatuses = [
  'awaiting_approval',
  'running',
  'halted',
  'monitoring',
  'completed',
  'reverting',
  'reverted',
  'withdrawn',
] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/** Where a running campaign is: lifting its canary, soaking, lifting batches, or watching the lifts. */
export const campaignPhases = ['approval', 'canary', 'soak', 'batches', 'monitoring', 'done'] as const;
export type CampaignPhase = (typeof campaignPhases)[number];

export { exclusionReasons } from './vocabulary.js';
export type { ExclusionReason } from './vocabulary.js';

export const campaignAccountStates = ['excluded', 'pending', 'lifted', 'failed', 'reverted'] as const;
export type CampaignAccountState = (typeof campaignAccountStates)[number];

export const sampleDecisions = ['approved', 'rejected'] as const;
export type SampleDecision = (typeof sampleDecisions)[number];

export const campaignActionNames = [
  'approve',
  'checkSample',
  'halt',
  'resume',
  'revert',
  'withdraw',
  'amend',
  'openExcludedCases',
] as const;
export type CampaignActionName = (typeof campaignActionNames)[number];

/** Sources whose controls are not risk operations' to lift in bulk: their owners decide, case by case. */
export const protectedSources: readonly ControlSource[] = ['law_enforcement', 'compliance'];

/** What dualkey knows about one matched account when it decides whether the campaign may lift it. */
export interface AccountFacts {
  accountId: string;
  controls: readonly { id: string; source: ControlSource; claimedBy: string | null }[];
  signals: readonly { severity: Severity; occurredAt: string }[];
  lifts: readonly { liftedAt: string }[];
  highValue: boolean;
}

export function isSevere(severity: Severity): boolean {
  return severity === 'high' || severity === 'critical';
}

/**
 * Why the campaign must leave this account to an ordinary case, or null when it may lift it: the rules a
 * single case applies, whose case would refuse, need more signers, or rank the account higher.
 */
export function exclusionOf(facts: AccountFacts, policy: Policy, now: string): ExclusionReason | null {
  if (facts.controls.some((c) => protectedSources.includes(c.source))) return 'protected_control';
  if (facts.controls.some((c) => c.claimedBy !== null)) return 'open_case';
  const since = Date.parse(now) - policy.campaigns.signalLookBack;
  if (facts.signals.some((s) => isSevere(s.severity) && Date.parse(s.occurredAt) >= since)) {
    return 'risk_signal';
  }
  if (repeatLifts(facts.lifts, { windowMs: policy.revert.window, now }) > 0) return 'repeat_lift';
  if (facts.highValue) return 'high_value_account';
  return null;
}

/** How many included accounts checkers verify one by one: max(minimum, ⌈√n⌉), never more than there are. */
export function sampleSize(included: number, policy: Policy): number {
  return Math.min(included, Math.max(policy.campaigns.sample.minimum, Math.ceil(Math.sqrt(included))));
}

/** The first batch, lifted and soaked before any other: a share of the set, at least a minimum. */
export function canarySize(included: number, policy: Policy): number {
  const { share, minimum } = policy.campaigns.canary;
  return Math.min(included, Math.max(minimum, Math.ceil(share * included)));
}

/**
 * The seed a campaign's sample is drawn with: anyone holding the audit row can draw it again. Each
 * amendment draws anew, so a maker cannot amend back to the set whose sample was rejected and get the
 * same draw, nor keep the set and hope for a kinder one: the rejected accounts must leave it.
 */
export function sampleSeed(campaignId: string, digest: string, amendments = 0): string {
  return amendments === 0 ? `${campaignId}:${digest}` : `${campaignId}:${digest}:amendment-${amendments}`;
}

/** Past this many events a campaign's run continues as new between waves, as its policy says. */
export function historyLimitOf(policy: Policy): number {
  return policy.campaigns.historyLimit ?? CAMPAIGN_HISTORY_LIMIT;
}

export function workflowIdForCampaign(id: string): string {
  return `campaign-${id}`;
}

/** The roles and count a campaign's approval needs, from the policy. */
export function campaignQuorum(policy: Policy): {
  requiredApprovals: number;
  requiredRoles: Campaign['requiredRoles'];
} {
  const { approvals, roles } = policy.campaigns.approval;
  return { requiredApprovals: Math.max(approvals, roles.length), requiredRoles: [...roles] };
}

const actionPermission: Record<CampaignActionName, Permission> = {
  approve: 'campaign.approve',
  checkSample: 'campaign.check',
  halt: 'campaign.approve',
  resume: 'campaign.approve',
  revert: 'removal.revert',
  withdraw: 'campaign.propose',
  amend: 'campaign.propose',
  // Whoever may propose a campaign may hand its exclusions to ordinary cases: each case still gets its
  // own maker and checker, so this adds no lift, only work for the queue.
  openExcludedCases: 'campaign.propose',
};

function requireCampaignPermission(actor: Actor, action: CampaignActionName): void {
  const permission = actionPermission[action];
  if (!hasPermission(actor, permission)) {
    throw new DomainError(
      'forbidden',
      `this action needs the permission ${permission}, which ${actor.id} lacks`,
    );
  }
}

function requireStatus(c: Campaign, statuses: readonly CampaignStatus[], what: string): void {
  if (!statuses.includes(c.status)) {
    throw new DomainError('invalid_state', `campaign ${c.id} is ${c.status}; ${what}`);
  }
}

const isApprover = (c: Campaign, actorId: string) => c.approvals.some((a) => a.by === actorId);
export const quorumReached = (c: Campaign) => c.approvals.length >= c.requiredApprovals;
export const sampleCleared = (c: Campaign) =>
  c.sample.every((id) => c.sampleChecks.some((s) => s.accountId === id && s.decision === 'approved'));

/** A campaign approval: distinct approvers, never the maker nor a checker of its sample, roles as the policy says. */
export function checkApprove(c: Campaign, actor: Actor): Pick<CampaignApproval, 'countsAs'> {
  requireCampaignPermission(actor, 'approve');
  requireStatus(c, ['awaiting_approval'], 'only a campaign awaiting approval takes approvals');
  if (c.sampleChecks.some((s) => s.by === actor.id)) {
    throw new DomainError(
      'separation_of_duties',
      `${actor.id} checked accounts of campaign ${c.id}'s sample; another person must approve it`,
    );
  }
  const { countsAs } = assessApproval(
    {
      id: c.id,
      maker: c.maker,
      approvals: c.approvals,
      requiredApprovals: c.requiredApprovals,
      requiredRole: null,
      requiredRoles: c.requiredRoles,
      status: quorumReached(c) ? 'approved' : 'pending',
    },
    c.maker,
    actor,
  );
  return { countsAs };
}

/** A sampled account checked by someone who is neither the maker nor an approver, once. */
export function checkSampleCheck(c: Campaign, actor: Actor, accountId: string): void {
  requireCampaignPermission(actor, 'checkSample');
  requireStatus(c, ['awaiting_approval'], 'its sample can no longer be checked');
  if (!c.sample.includes(accountId)) {
    throw new DomainError('not_found', `account ${accountId} is not in campaign ${c.id}'s sample`);
  }
  if (actor.id === c.maker || isApprover(c, actor.id)) {
    throw new DomainError(
      'separation_of_duties',
      `${actor.id} made or approved campaign ${c.id}; a checker who did neither must check its sample`,
    );
  }
  if (c.sampleChecks.some((s) => s.accountId === accountId)) {
    throw new DomainError('already_decided', `account ${accountId} of campaign ${c.id} is already checked`);
  }
}

/** Any approver stops a campaign at once: making things safer needs one pair of eyes. */
export function checkHalt(c: Campaign, actor: Actor): void {
  requireCampaignPermission(actor, 'halt');
  requireStatus(c, ['running', 'monitoring'], 'there is nothing to halt');
  if (!isApprover(c, actor.id)) {
    throw new DomainError('forbidden', `only an approver of campaign ${c.id} may halt it`);
  }
}

/** A halted campaign goes on only when every approver asks again; each asks once. */
export function checkResume(c: Campaign, actor: Actor): void {
  requireCampaignPermission(actor, 'resume');
  requireStatus(c, ['halted'], 'only a halted campaign resumes');
  if (!quorumReached(c) || !sampleCleared(c)) {
    throw new DomainError(
      'invalid_state',
      `campaign ${c.id} was halted before it was approved and its sample cleared; the maker amends or withdraws it`,
    );
  }
  if (!isApprover(c, actor.id)) {
    throw new DomainError('forbidden', `only an approver of campaign ${c.id} may resume it`);
  }
  if (c.resumeApprovals.includes(actor.id)) {
    throw new DomainError('separation_of_duties', `${actor.id} already asked to resume campaign ${c.id}`);
  }
}

export const resumeComplete = (c: Campaign) => c.approvals.every((a) => c.resumeApprovals.includes(a.by));

/** Reverting makes things safer: anyone allowed to revert a lift may revert a campaign's lifts. */
export function checkRevert(c: Campaign, actor: Actor): void {
  requireCampaignPermission(actor, 'revert');
  requireStatus(c, ['running', 'halted', 'monitoring', 'completed'], 'it has no lifts to revert');
}

export function checkWithdraw(c: Campaign, actor: Actor): void {
  requireCampaignPermission(actor, 'withdraw');
  if (actor.id !== c.maker) {
    throw new DomainError('forbidden', `only the maker of campaign ${c.id} may withdraw it`);
  }
  const untouched = c.phase === 'approval';
  if (!untouched || !['awaiting_approval', 'halted'].includes(c.status)) {
    throw new DomainError('invalid_state', `campaign ${c.id} has started lifting; halt or revert it instead`);
  }
}

/**
 * The maker narrows a campaign a rejected sample halted, or one still awaiting approval: a new dry run,
 * a new digest and a new sample, and every approval and check given so far void.
 */
export function checkAmend(c: Campaign, actor: Actor): void {
  requireCampaignPermission(actor, 'amend');
  if (actor.id !== c.maker) {
    throw new DomainError('forbidden', `only the maker of campaign ${c.id} may amend it`);
  }
  if (c.phase !== 'approval' || !['awaiting_approval', 'halted'].includes(c.status)) {
    throw new DomainError(
      'invalid_state',
      `campaign ${c.id} is ${c.status} (${c.phase}); only one not yet started can be amended`,
    );
  }
  if (c.status === 'awaiting_approval' && quorumReached(c) && sampleCleared(c)) {
    throw new DomainError(
      'invalid_state',
      `campaign ${c.id} is approved and its sample cleared; it is starting`,
    );
  }
}

/**
 * Sampled accounts a checker rejected, in this round and every earlier one: an amendment must leave each
 * of them out of the included set.
 */
export const rejectedSample = (c: Campaign): string[] => [
  ...new Set([
    ...(c.amendments ?? []).flatMap((a) => a.rejected),
    ...c.sampleChecks.filter((s) => s.decision === 'rejected').map((s) => s.accountId),
  ]),
];

/** Any holder of the campaign's permission, while the dry run left an account to an ordinary case. */
export function checkOpenExcludedCases(c: Campaign, actor: Actor, excluded: number): void {
  requireCampaignPermission(actor, 'openExcludedCases');
  if (excluded === 0) {
    throw new DomainError('invalid_state', `campaign ${c.id} excluded no account`);
  }
}

/** For the caller: each campaign action, allowed now or refused with the code and sentence its rule gives. */
export function allowedCampaignActions(c: Campaign, actor: Actor, excluded: number): CampaignAllowedAction[] {
  const checks: Record<CampaignActionName, () => void> = {
    approve: () => checkApprove(c, actor),
    checkSample: () => {
      const open = c.sample.find((id) => !c.sampleChecks.some((s) => s.accountId === id));
      if (open === undefined) {
        throw new DomainError('invalid_state', `every account of campaign ${c.id}'s sample is checked`);
      }
      checkSampleCheck(c, actor, open);
    },
    halt: () => checkHalt(c, actor),
    resume: () => checkResume(c, actor),
    revert: () => checkRevert(c, actor),
    withdraw: () => checkWithdraw(c, actor),
    amend: () => checkAmend(c, actor),
    openExcludedCases: () => checkOpenExcludedCases(c, actor, excluded),
  };
  return campaignActionNames.map((action) => {
    try {
      checks[action]();
      return { action, allowed: true, code: null, reason: null };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { action, allowed: false, code: error.code, reason: error.detail };
    }
  });
}

export function recordSampleCheck(c: Campaign, check: SampleCheck): Campaign {
  return { ...c, sampleChecks: [...c.sampleChecks, check] };
}

/**
 * What a revert puts back: each snapshot still lifted at the version the lift left it, exactly as the
 * snapshot says. A control someone changed since (lifted again, gone), or whose kind someone put on the
 * account again by hand, is left alone and reported, so a revert never overwrites a later decision. Only
 * a revert makes a lifted control active again, so one active at the version after the lift's is this
 * revert's own, seen again on a retry.
 */
export function planRevert(
  snapshots: readonly ControlSnapshot[],
  account: readonly Pick<ControlSnapshot, 'id' | 'kind' | 'status' | 'version'>[],
): { reapply: ControlSnapshot[]; leftAlone: { id: string; why: string }[] } {
  const reapply: ControlSnapshot[] = [];
  const leftAlone: { id: string; why: string }[] = [];
  const ids = new Set(snapshots.map((s) => s.id));
  for (const snapshot of snapshots) {
    const now = account.find((c) => c.id === snapshot.id);
    const byHand = account.find((c) => !ids.has(c.id) && c.kind === snapshot.kind && c.status === 'active');
    const ours = now?.status === 'active' && now.version === snapshot.version + 2;
    if (!now) leftAlone.push({ id: snapshot.id, why: 'no longer in the registry' });
    else if (ours) reapply.push(snapshot);
    else if (byHand)
      leftAlone.push({ id: snapshot.id, why: `${snapshot.kind} re-applied by hand as ${byHand.id}` });
    else if (now.status !== 'lifted' || now.version !== snapshot.version + 1) {
      leftAlone.push({ id: snapshot.id, why: `changed since the lift (now ${now.status} v${now.version})` });
    } else reapply.push(snapshot);
  }
  return { reapply, leftAlone };
}

/** Each exclusion in a sentence, for the ordinary case that takes the account over. */
export const exclusionSentences: Record<ExclusionReason, string> = {
  protected_control:
    'a control on it is held by law enforcement or compliance, whose owners decide each lift',
  open_case: 'an open case already names one of its controls',
  risk_signal: 'a high or critical risk signal arrived on it within the look-back',
  repeat_lift: 'a control on it was lifted within the revert window',
  high_value_account: 'it is a high-value account',
  excluded_by_maker: 'the campaign’s maker took it out of the set',
};

/** A case names at most this many controls (`CreateCaseInput`); an account with more gets the first ones. */
const CASE_CONTROLS = 20;

/**
 * The ordinary unfreeze case for an account the campaign excluded: the controls it would have lifted
 * that are still active, the exclusion and the campaign in its description, on the business line of the
 * first of them, so the case's own maker and checker decide what the campaign would not.
 */
export function excludedCaseInput(
  c: Pick<Campaign, 'id' | 'reasonCode' | 'justification'>,
  account: {
    accountId: string;
    exclusion: ExclusionReason;
    makerReason?: string | undefined;
    controls: readonly Pick<Control, 'id' | 'kind' | 'businessLine'>[];
  },
): CreateCaseInput {
  const named = account.controls.slice(0, CASE_CONTROLS);
  const first = named[0];
  if (!first) throw new DomainError('invalid_state', `account ${account.accountId} has no control to lift`);
  const why = exclusionSentences[account.exclusion];
  const description = [
    `Incident lift campaign ${c.id} (reason code ${c.reasonCode}) left this account to an ordinary case: ${why}${account.makerReason ? ` (“${account.makerReason}”)` : ''}.`,
    `The campaign would lift: ${named.map((ctl) => `${ctl.id} (${ctl.kind})`).join(', ')}${account.controls.length > named.length ? `, and ${account.controls.length - named.length} more` : ''}.`,
    `The campaign’s justification: ${c.justification}`,
  ].join('\n\n');
  return {
    type: 'unfreeze',
    accountId: account.accountId,
    businessLine: first.businessLine,
    channel: 'internal',
    subject: `Excluded from campaign ${c.id}: ${account.exclusion.replaceAll('_', ' ')}`,
    description: description.slice(0, 10_000),
    controlIds: named.map((ctl) => ctl.id),
    ...(account.exclusion === 'high_value_account' ? { hints: { highValueAccount: true } } : {}),
  };
}
