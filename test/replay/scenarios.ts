import { randomUUID } from 'node:crypto';
import { CampaignService } from '../../src/api/services/campaigns.js';
import { CaseService } from '../../src/api/services/cases.js';
import { applyControl as applyControlService } from '../../src/api/services/controls.js';
import { readCampaign } from '../../src/db/campaigns.js';
import type { Campaign } from '../../src/domain/schemas/campaigns.js';
import { notificationsForCase } from '../../src/db/outbox.js';
import type { Actor } from '../../src/domain/permissions.js';
import { accountOwnerActor } from '../../src/domain/permissions.js';
import type { PolicyOverride } from '../../src/domain/policy.js';
import { compensationWorkflowIdOf } from '../../src/domain/case.js';
import { defaultPolicyInput, everyDurationAs, mergeOverrides } from '../../src/domain/policy.js';
import { casesStartedTheOldWay } from '../support/oldStart.js';
import type { Services } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseAwaitingApproval,
  caseInput,
  eventually,
  makeUser,
  newAccountId,
  passReverification,
  untilStatus,
} from '../support/world.js';

/**
 * Every duration two seconds, so each timer-driven path finishes within seconds while recording; the
 * escalation SLAs and activity timeouts keep their defaults, as when the histories were first recorded.
 */
export const recordingPolicy = mergeOverrides(everyDurationAs('2s'), {
  coolingOff: { withdrawalLock: '3s' },
  reverification: { wait: '30s' },
  // Long enough that a revert after closure is always inside it.
  revert: { window: '1h' },
  // Out of the way of every path but the one that misses them: a complaint by phone.
  caseDeadlines: {
    firstResponse: { low: '1h', medium: '1h', high: '1h', critical: '1h' },
    resolution: { low: '1h', medium: '1h', high: '1h', critical: '1h' },
    overrides: [{ channel: 'phone', firstResponse: '2s', resolution: '4s' }],
  },
  escalation: defaultPolicyInput.escalation,
  activities: defaultPolicyInput.activities,
} satisfies PolicyOverride);

/** The scenario's services with a case service of another policy: the cases it opens snapshot that policy. */
function withPolicy(s: Services, policy: Services['policy']): Services {
  const cases = new CaseService({
    db: s.database.db,
    client: s.client,
    controls: s.controls,
    policy,
    taskQueue: s.taskQueue,
    updateTimeoutMs: 20_000,
    databasePoolSize: 5,
  });
  return { ...s, policy, cases };
}

/** Low-tier proposals are offered to one checker drawn at random first. */
function offeringFirst(s: Services): Services {
  // The offer runs out well before the proposal does, so a checker can still approve once it has.
  return withPolicy(s, {
    ...s.policy,
    approval: { ...s.policy.approval, expiry: 60_000 },
    checkerRouting: {
      ...s.policy.checkerRouting,
      tiers: { ...s.policy.checkerRouting.tiers, low: 'random_first' },
      offerExpiry: 2_000,
    },
  });
}

/** New spot cases are assigned at intake, round robin among the cast's agents. */
function assigningAtIntake(s: Services): Services {
  return withPolicy(s, {
    ...s.policy,
    assignment: { ...s.policy.assignment, businessLines: { spot: 'round_robin' } },
  });
}

/** A low-tier proposal offered to a drawn checker, the drawn one, and a checker of the cast it did not go to. */
async function offeredProposal(s: Services, cast: Cast) {
  const lock = await applyControl(s, newAccountId(), 'login_lock');
  const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [lock]);
  const offer = (await s.cases.read(caseId)).proposals.find((p) => p.id === proposalId)?.offer;
  // Those of the cast who may approve: the recording stack holds nobody else.
  const approvers = [cast.checker, cast.checker2, cast.senior, cast.compliance];
  const drawn = approvers.find((a) => a.id === offer?.checker);
  const other = [cast.checker, cast.checker2].find((a) => a.id !== offer?.checker);
  if (!drawn || !other) throw new Error(`proposal ${proposalId} was not offered to one of the cast`);
  return { caseId, proposalId, drawn, other };
}

export interface Scenario {
  name: string;
  /** Drives one case through a lifecycle path to its end; returns the case id. */
  run(services: Services, cast: Cast): Promise<string>;
  /** The run to record when it is not the case's own workflow (a compensation after closure). */
  workflowOf?: (caseId: string) => string;
  /** Record every run of the workflow id, oldest first, as `<name>.run-<n>.json`: one that continued as new. */
  everyRun?: boolean;
}

export const scenarios: Scenario[] = [
  {
    name: 'offer-expired-then-approved',
    async run(base, cast) {
      const s = offeringFirst(base);
      const { caseId, proposalId, other } = await offeredProposal(s, cast);
      await eventually(
        () => s.cases.read(caseId),
        (c) => c.proposals.some((p) => p.id === proposalId && p.offer?.status === 'expired'),
        { what: `the offer on ${caseId} to expire` },
      );
      await s.cases.act(other, caseId, 'approve', { proposalId });
      await untilStatus(s, caseId, 'closed');
      return caseId;
    },
  },
  {
    name: 'offer-passed-on-then-approved',
    async run(base, cast) {
      const s = offeringFirst(base);
      const { caseId, proposalId, drawn, other } = await offeredProposal(s, cast);
      await s.cases.act(drawn, caseId, 'passOn', { proposalId, comment: 'I know the user.' });
      await s.cases.act(other, caseId, 'approve', { proposalId });
      await untilStatus(s, caseId, 'closed');
      return caseId;
    },
  },
  {
    name: 'offer-approved-by-drawn-checker',
    async run(base, cast) {
      const s = offeringFirst(base);
      const { caseId, proposalId, drawn } = await offeredProposal(s, cast);
      await s.cases.act(drawn, caseId, 'approve', { proposalId });
      await untilStatus(s, caseId, 'closed');
      return caseId;
    },
  },
  {
    name: 'assigned-at-intake-then-claimed',
    async run(base, cast) {
      const s = assigningAtIntake(base);
      const c = await s.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
      const assignee = [cast.agent, cast.agent2, cast.senior, cast.reverter].find((a) => a.id === c.assignee);
      if (!assignee) throw new Error(`case ${c.id} was not assigned to one of the cast at intake`);
      await s.cases.act(assignee, c.id, 'claim', {});
      await s.cases.act(assignee, c.id, 'resolve', { outcome: 'resolved_no_action', summary: 'Explained.' });
      return c.id;
    },
  },
  {
    name: 'complaint-escalated-and-resolved',
    async run(s, cast) {
      const c = await s.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
      await s.cases.act(cast.agent, c.id, 'claim', {});
      await s.cases.act(cast.agent, c.id, 'addNote', { text: 'User called twice.' });
      await s.cases.act(cast.agent, c.id, 'escalate', {
        department: 'security',
        question: 'Known device?',
        slaMinutes: 60,
      });
      await s.cases.act(cast.security, c.id, 'answerEscalation', { escalationId: 'esc-1', answer: 'Yes.' });
      await s.cases.act(cast.agent, c.id, 'resolve', {
        outcome: 'resolved_no_action',
        summary: 'Explained.',
      });
      return c.id;
    },
  },
  {
    name: 'case-assigned-by-senior',
    async run(s, cast) {
      const c = await s.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
      await s.cases.act(cast.agent, c.id, 'claim', {});
      await s.cases.assign(cast.senior, c.id, { assignee: cast.agent2.id, comment: 'Covering today.' });
      await s.cases.act(cast.agent2, c.id, 'resolve', {
        outcome: 'resolved_no_action',
        summary: 'Explained.',
      });
      return c.id;
    },
  },
  {
    name: 'unfreeze-low-lifted',
    async run(s, cast) {
      const lock = await applyControl(s, newAccountId(), 'login_lock');
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [lock]);
      await s.cases.act(cast.checker, caseId, 'approve', { proposalId });
      await untilStatus(s, caseId, 'closed');
      return caseId;
    },
  },
  {
    name: 'unfreeze-high-two-checkers-lifted',
    async run(s, cast) {
      const freeze = await applyControl(s, newAccountId(), 'account_freeze');
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [freeze]);
      await s.cases.act(cast.checker, caseId, 'approve', { proposalId });
      await s.cases.act(cast.senior, caseId, 'approve', { proposalId });
      await untilStatus(s, caseId, 'closed');
      return caseId;
    },
  },
  {
    name: 'proposal-rejected-then-withdrawn',
    async run(s, cast) {
      const lock = await applyControl(s, newAccountId(), 'trading_lock');
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [lock]);
      await s.cases.act(cast.checker, caseId, 'reject', { proposalId, comment: 'Evidence too thin.' });
      await s.cases.act(cast.agent, caseId, 'resolve', { outcome: 'withdrawn', summary: 'User withdrew.' });
      return caseId;
    },
  },
  {
    name: 'proposal-withdrawn-by-maker',
    async run(s, cast) {
      const lock = await applyControl(s, newAccountId(), 'login_lock');
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [lock]);
      await s.cases.act(cast.agent, caseId, 'withdraw', { proposalId, comment: 'Named the wrong lock.' });
      await s.cases.act(cast.agent, caseId, 'resolve', { outcome: 'withdrawn', summary: 'User withdrew.' });
      return caseId;
    },
  },
  {
    name: 'proposal-expired',
    async run(s, cast) {
      const lock = await applyControl(s, newAccountId(), 'login_lock');
      const { caseId } = await caseAwaitingApproval(s, cast.agent, [lock]);
      await untilStatus(s, caseId, 'in_review');
      await s.cases.act(cast.agent, caseId, 'resolve', {
        outcome: 'rejected',
        summary: 'Nobody could vouch.',
      });
      return caseId;
    },
  },
  {
    name: 'proposal-reminded-then-approved',
    async run(s, cast) {
      const lock = await applyControl(s, newAccountId(), 'login_lock');
      const reminding = {
        ...s,
        cases: casesWithPolicy(s, { approval: { reminder: 1_000, expiry: 60_000 } }),
      };
      const { caseId, proposalId } = await caseAwaitingApproval(reminding, cast.agent, [lock]);
      await eventually(
        () => notificationsForCase(s.database.db, caseId),
        (rows) => rows.some((r) => r.kind === 'proposal.reminder'),
        { what: 'the checkers reminded' },
      );
      await s.cases.act(cast.checker, caseId, 'approve', { proposalId });
      await untilStatus(s, caseId, 'closed');
      return caseId;
    },
  },
  {
    name: 'proposal-voided-by-control-change',
    async run(s, cast) {
      const lock = await applyControl(s, newAccountId(), 'login_lock');
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [lock]);
      await s.registry.lift({
        idempotencyKey: randomUUID(),
        controls: [{ id: lock.id, version: lock.version }],
        actor: 'account-service',
        caseId: 'elsewhere',
      });
      await s.cases.act(cast.checker, caseId, 'approve', { proposalId }).catch(() => undefined);
      await s.cases.act(cast.agent, caseId, 'resolve', {
        outcome: 'resolved_no_action',
        summary: 'Lifted elsewhere.',
      });
      return caseId;
    },
  },
  {
    name: 'escalation-reminded-and-breached',
    async run(s, cast) {
      const c = await s.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
      await s.cases.act(cast.agent, c.id, 'claim', {});
      await s.cases.act(cast.agent, c.id, 'escalate', {
        department: 'security',
        question: 'Device?',
        slaMinutes: 0.05,
      });
      await eventually(
        () => s.cases.read(c.id),
        (x) => x.slaBreached,
      );
      await s.cases.act(cast.security, c.id, 'answerEscalation', {
        escalationId: 'esc-1',
        answer: 'Late, sorry.',
      });
      await s.cases.act(cast.agent, c.id, 'resolve', { outcome: 'resolved_no_action', summary: 'Done.' });
      return c.id;
    },
  },
  {
    name: 'info-request-expired',
    async run(s, cast) {
      const c = await s.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
      await s.cases.act(cast.agent, c.id, 'claim', {});
      await s.cases.act(cast.agent, c.id, 'requestInfo', { question: 'Send a selfie, please.' });
      await untilStatus(s, c.id, 'closed');
      return c.id;
    },
  },
  {
    name: 'info-request-answered',
    async run(s, cast) {
      const c = await s.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
      await s.cases.act(cast.agent, c.id, 'claim', {});
      await s.cases.act(cast.agent, c.id, 'requestInfo', { question: 'Which device?' });
      await s.cases.act(cast.agent, c.id, 'respondInfo', { answer: 'My laptop.' });
      await s.cases.act(cast.agent, c.id, 'resolve', { outcome: 'resolved_no_action', summary: 'Fine.' });
      return c.id;
    },
  },
  {
    name: 'info-request-answered-by-owner',
    async run(s, cast) {
      const c = await s.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
      await s.cases.act(cast.agent, c.id, 'claim', {});
      await s.cases.act(cast.agent, c.id, 'requestInfo', { question: 'Which device?' });
      await eventually(
        () => notificationsForCase(s.database.db, c.id),
        (queued) => queued.some((n) => n.kind === 'info.requested'),
        { what: 'the question to the account owner queued' },
      );
      await s.cases.act(accountOwnerActor, c.id, 'answerAsOwner', {
        infoRequestId: 'info-1',
        answer: 'My laptop.',
      });
      await eventually(
        () => notificationsForCase(s.database.db, c.id),
        (queued) => queued.some((n) => n.kind === 'info.answered'),
        { what: 'the assignee told of the answer' },
      );
      await s.cases.act(cast.agent, c.id, 'resolve', { outcome: 'resolved_no_action', summary: 'Fine.' });
      return c.id;
    },
  },
  {
    name: 'reverted-by-risk-signal',
    async run(s, cast) {
      const lock = await applyControl(s, newAccountId(), 'login_lock');
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [lock]);
      await s.cases.act(cast.checker, caseId, 'approve', { proposalId });
      await untilStatus(s, caseId, 'monitoring');
      await s.cases.signalRisk(cast.riskEngine, {
        accountId: lock.accountId,
        signal: 'login.new_country',
        severity: 'critical',
        occurredAt: new Date().toISOString(),
      });
      await untilStatus(s, caseId, 'reverted');
      await s.cases.act(cast.agent, caseId, 'resolve', {
        outcome: 'reverted',
        summary: 'Takeover confirmed.',
      });
      return caseId;
    },
  },
  {
    name: 'unbind-reverted-by-hand',
    async run(s, cast) {
      const totp = await applyControl(s, newAccountId(), 'totp');
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [totp], { type: 'unbind' });
      await s.cases.act(cast.checker, caseId, 'approve', { proposalId });
      await s.cases.act(cast.senior, caseId, 'approve', { proposalId });
      await passReverification(s, cast.agent2, caseId);
      await untilStatus(s, caseId, 'monitoring');
      await s.cases.act(cast.reverter, caseId, 'revert', { reason: 'SIM swap reported.' });
      await s.cases.act(cast.agent, caseId, 'resolve', { outcome: 'reverted', summary: 'Undone.' });
      return caseId;
    },
  },
  {
    name: 'unbind-lifted-with-cooling-off',
    async run(s, cast) {
      const device = await applyControl(s, newAccountId(), 'device');
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [device], { type: 'unbind' });
      await s.cases.act(cast.checker, caseId, 'approve', { proposalId });
      await passReverification(s, cast.agent2, caseId);
      await untilStatus(s, caseId, 'closed');
      return caseId;
    },
  },
  {
    name: 'unbind-reverification-failed',
    async run(s, cast) {
      const device = await applyControl(s, newAccountId(), 'device');
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [device], { type: 'unbind' });
      await s.cases.act(cast.checker, caseId, 'approve', { proposalId });
      await eventually(
        () => s.cases.read(caseId),
        (x) => x.reverifications.length === 1,
      );
      await s.cases.act(cast.agent2, caseId, 'recordReverification', { outcome: 'failed', method: 'selfie' });
      await s.cases.act(cast.agent, caseId, 'resolve', {
        outcome: 'rejected',
        summary: 'Could not prove ownership.',
      });
      return caseId;
    },
  },
  {
    name: 'break-glass-after-review-overdue',
    async run(s, cast) {
      const applied = await applyControlService(
        { db: s.database.db, controls: s.registry, cases: s.cases },
        cast.agent,
        {
          accountId: newAccountId(),
          kind: 'withdrawal_lock',
          businessLine: 'spot',
          reason: 'Scam call in progress',
        },
        undefined,
      );
      const caseId = applied.afterReviewCaseId;
      if (!caseId) throw new Error('no after-review case');
      await eventually(
        () => s.cases.read(caseId),
        (x) => x.slaBreached,
      );
      await s.cases.act(cast.agent, caseId, 'claim', {});
      await s.cases.act(cast.agent, caseId, 'resolve', {
        outcome: 'resolved_no_action',
        summary: 'Lock was right.',
      });
      return caseId;
    },
  },
  {
    name: 'law-enforcement-hold-released',
    async run(s, cast) {
      const hold = await applyControl(s, newAccountId(), 'login_lock', {
        source: 'law_enforcement',
        externalRef: 'ORDER-1',
      });
      const c = await s.cases.create(cast.agent, caseInput(hold.accountId, { controlIds: [hold.id] }));
      await s.cases.act(cast.agent, c.id, 'claim', {});
      const proposed = await s.cases.act(cast.agent, c.id, 'propose', {
        controlIds: [hold.id],
        reasonCode: 'legal_release',
        justification: 'The court lifted the order.',
        evidence: [{ kind: 'legal_release', ref: 'RELEASE-1' }],
      });
      const proposalId = proposed.proposals.at(-1)?.id ?? '';
      await s.cases.act(cast.checker, c.id, 'approve', { proposalId });
      await s.cases.act(cast.compliance, c.id, 'approve', { proposalId });
      await untilStatus(s, c.id, 'closed');
      return c.id;
    },
  },
  {
    name: 'complaint-deadlines-missed',
    async run(s, cast) {
      const c = await s.cases.create(
        cast.agent,
        caseInput(newAccountId(), { type: 'complaint', channel: 'phone' }),
      );
      await eventually(
        () => s.cases.read(c.id),
        (read) => read.missedDeadlines.length === 2,
        { what: `case ${c.id} to miss its first response and its resolution` },
      );
      await s.cases.act(cast.agent, c.id, 'claim', {});
      await s.cases.act(cast.agent, c.id, 'resolve', {
        outcome: 'resolved_no_action',
        summary: 'Called back late.',
      });
      return c.id;
    },
  },
  {
    name: 'lift-reverted-after-closure',
    workflowOf: (caseId) => compensationWorkflowIdOf({ id: caseId }, 'lift-1'),
    async run(s, cast) {
      const totp = await applyControl(s, newAccountId(), 'totp', { source: 'security_incident' });
      const { caseId, proposalId } = await caseAwaitingApproval(s, cast.agent, [totp], { type: 'unbind' });
      await s.cases.act(cast.checker, caseId, 'approve', { proposalId });
      await s.cases.act(cast.senior, caseId, 'approve', { proposalId });
      await passReverification(s, cast.agent2, caseId);
      await untilStatus(s, caseId, 'closed');
      await s.cases.revert(cast.reverter, caseId, { reason: 'Chargeback after the window.' });
      return caseId;
    },
  },
  {
    name: 'campaign-canary-soak-batches-completed',
    workflowOf: (id) => `campaign-${id}`,
    async run(s) {
      const { campaigns, id } = await approvedCampaign(s, 12);
      await eventually(
        () => campaigns.get(id),
        (c) => c.status === 'completed',
        { what: 'the campaign to complete' },
      );
      return id;
    },
  },
  {
    name: 'campaign-canary-signal-halted-then-reverted',
    workflowOf: (id) => `campaign-${id}`,
    async run(s) {
      const { campaigns, id } = await approvedCampaign(s, 3, { soak: 30_000 });
      await eventually(
        () => campaigns.get(id),
        (c) => c.phase === 'soak',
        { what: 'the soak' },
      );
      const [canary] = await campaigns.accounts(id, { state: 'lifted', limit: 1 });
      await campaigns.signalRisk({
        accountId: canary!.accountId,
        signal: 'account_takeover',
        severity: 'critical',
        occurredAt: new Date().toISOString(),
      });
      const halted = await eventually(
        () => campaigns.get(id),
        (c) => c.status === 'halted',
        { what: 'the halt' },
      );
      const reverter = await makeUser(s, ['compliance']);
      await campaigns.act(reverter, halted.id, 'revert', { reason: 'The canary was taken over.' });
      return id;
    },
  },
  {
    // Past its history limit between waves, the campaign hands its state to a fresh run, twice or more.
    name: 'campaign-continued-as-new-between-waves',
    workflowOf: (id) => `campaign-${id}`,
    everyRun: true,
    async run(s) {
      const { campaigns, id } = await approvedCampaign(s, 24, { liftsPerSecond: 4, historyLimit: 100 });
      await eventually(
        () => campaigns.get(id),
        (c) => c.status === 'completed',
        { what: 'the campaign to complete', timeoutMs: 120_000 },
      );
      return id;
    },
  },
  {
    name: 'campaign-sample-rejected-amended-completed',
    workflowOf: (id) => `campaign-${id}`,
    async run(s) {
      const { campaigns, campaign, people } = await proposedCampaign(s, 4);
      await approveAndCheck(s, campaigns, campaign, people, 'rejected');
      const rejected = campaign.sample[0]!;
      const amended = await campaigns.act(people.maker, campaign.id, 'amend', {
        reason: 'The rejected account has a chargeback open.',
        exclude: [{ accountId: rejected, reason: 'chargeback open' }],
      });
      await approveAndCheck(s, campaigns, amended, people, 'approved');
      await eventually(
        () => campaigns.get(campaign.id),
        (c) => c.status === 'completed',
        { what: 'the amended campaign to complete' },
      );
      return campaign.id;
    },
  },
  {
    // Started as intake did before unassigned-case-has-no-assignee: its first change drops Assignee="".
    name: 'unassigned-old-start-converges',
    async run(s, cast) {
      const c = await casesStartedTheOldWay(s).create(
        cast.agent,
        caseInput(newAccountId(), { type: 'complaint' }),
      );
      await s.cases.act(cast.agent, c.id, 'addNote', { text: 'Called the user back.' });
      await s.cases.act(cast.agent, c.id, 'claim', {});
      await s.cases.act(cast.agent, c.id, 'resolve', {
        outcome: 'resolved_no_action',
        summary: 'Explained.',
      });
      return c.id;
    },
  },
];

/** Cases started with parts of the recording policy replaced (durations in milliseconds). */
function casesWithPolicy(s: Services, change: { approval: Partial<Services['policy']['approval']> }) {
  return new CaseService({
    db: s.database.db,
    client: s.client,
    controls: s.controls,
    policy: { ...s.policy, approval: { ...s.policy.approval, ...change.approval } },
    taskQueue: s.taskQueue,
    updateTimeoutMs: 20_000,
    databasePoolSize: 4,
  });
}

/** A campaign over `n` frozen accounts, approved by a senior and compliance and its sample checked. */
async function approvedCampaign(
  s: Services,
  n: number,
  overrides: Partial<Services['policy']['campaigns']> = {},
): Promise<{ campaigns: CampaignService; id: string }> {
  const { campaigns, campaign, people } = await proposedCampaign(s, n, overrides);
  await approveAndCheck(s, campaigns, campaign, people, 'approved');
  return { campaigns, id: campaign.id };
}

type CampaignPeople = Record<'maker' | 'senior' | 'compliance' | 'checker', Actor>;

/** Both approvals, then the sample checked: all of it approved, or its first account rejected. */
async function approveAndCheck(
  s: Services,
  campaigns: CampaignService,
  c: Campaign,
  people: CampaignPeople,
  decision: 'approved' | 'rejected',
): Promise<void> {
  await campaigns.act(people.senior, c.id, 'approve', {});
  await campaigns.act(people.compliance, c.id, 'approve', {});
  for (const accountId of decision === 'rejected' ? c.sample.slice(0, 1) : c.sample) {
    await campaigns.act(people.checker, c.id, 'checkSample', {
      accountId,
      decision,
      comment: decision === 'approved' ? 'Only rule 417 froze it.' : 'A chargeback is open on it.',
    });
  }
  await eventually(
    () => readCampaign(s.database.db, c.id),
    (x) => (decision === 'approved' ? x?.phase !== 'approval' : x?.status === 'halted'),
    { what: decision === 'approved' ? 'the start' : 'the halt' },
  );
}

/** A campaign over `n` frozen accounts, proposed by a senior and awaiting approval. */
async function proposedCampaign(
  s: Services,
  n: number,
  overrides: Partial<Services['policy']['campaigns']> = {},
): Promise<{ campaigns: CampaignService; campaign: Campaign; people: CampaignPeople }> {
  const policy = {
    ...s.policy,
    campaigns: { ...s.policy.campaigns, canary: { share: 0.01, minimum: 1 }, ...overrides },
  };
  const campaigns = new CampaignService({
    db: s.database.db,
    client: s.client,
    policy,
    taskQueue: s.taskQueue,
    updateTimeoutMs: 20_000,
  });
  const accounts: string[] = [];
  for (let i = 0; i < n; i++) {
    const accountId = newAccountId();
    await applyControl(s, accountId, 'account_freeze', { source: 'risk_rule', externalRef: 'rule-417' });
    accounts.push(accountId);
  }
  const [maker, senior, compliance, checker] = await Promise.all(
    (['senior', 'senior', 'compliance', 'checker'] as const).map((role) => makeUser(s, [role])),
  );
  const campaign: Campaign = await campaigns.propose(maker!, {
    selector: { accountIds: accounts, kinds: ['account_freeze'] },
    reasonCode: 'false_positive',
    justification: 'Rule 417 froze legitimate accounts.',
    evidence: [{ kind: 'device_check', ref: 'INC-2291' }],
  });
  return {
    campaigns,
    campaign,
    people: { maker: maker!, senior: senior!, compliance: compliance!, checker: checker! },
  };
}
