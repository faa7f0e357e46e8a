import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { CampaignAuditEntry } from '../activities/campaigns.js';
import type { CampaignStatus } from '../src/domain/campaigns.js';
import {
  checkAmend,
  checkApprove,
  checkHalt,
  checkResume,
  checkRevert,
  checkSampleCheck,
  checkWithdraw,
  historyLimitOf,
  isSevere,
  quorumReached,
  rejectedSample,
  resumeComplete,
  sampleCleared,
} from '../src/domain/campaigns.js';
import { DomainError } from '../src/domain/errors.js';
import { asFailure, refusalIn, toFailure } from '../src/domain/failures.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS } from '../src/domain/heartbeats.js';
import type { Actor } from '../src/domain/permissions.js';
import { isActor } from '../src/domain/permissions.js';
import type { Campaign } from '../src/domain/schemas/campaigns.js';
import type { CampaignActing, CampaignWorkflowInput } from './campaignMessages.js';
import {
  amendCampaign,
  approveCampaign,
  campaignRiskSignal,
  checkCampaignSample,
  getCampaignQuery,
  haltCampaign,
  resumeCampaign,
  revertCampaign,
  withdrawCampaign,
} from './campaignMessages.js';
import { nowIso } from './runtime.js';
import { CaseStatusKey, OutcomeKey } from './searchAttributes.js';

/** Retried until they succeed: a campaign must not lose a record, a lift or a revert to a passing fault. */
const persistent = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' } as const;

/** Accounts read from PostgreSQL at once; lifted in waves of the policy's lifts per second. */
const PAGE = 200;

/** Marks runs that can take the maker's amendment after a rejected sample. */
const CAMPAIGN_AMEND_PATCH = 'campaign-amend-after-rejected-sample';
/** Marks runs that pace their waves by the lifts the rate allows, not by a sleep after each wave. */
const CAMPAIGN_PACE_PATCH = 'campaign-paces-by-lifts-owed';

function actingActor(acting: CampaignActing<unknown>): Actor {
  if (!isActor(acting.actor)) {
    throw new DomainError('validation_failed', 'actor is not valid', [
      { path: 'actor', message: 'expected an actor with an id, roles, business lines and departments' },
    ]);
  }
  return acting.actor;
}

function validator<P>(check: (actor: Actor, payload: P) => void) {
  return (acting: CampaignActing<P>): void => {
    try {
      check(actingActor(acting), acting.payload);
    } catch (error) {
      throw asFailure(error);
    }
  };
}

/**
 * An incident lift campaign from its proposal to its last monitoring window: approvals and the sample's
 * checks arrive as updates; once both are in, the included set is resolved again (a changed set voids
 * the approvals), then the canary is lifted and soaked, then the rest in waves at the policy's rate, each
 * lift through the same activity a case's lift uses. A high or critical signal on a lifted account
 * reverts that account (and halts the campaign while its canary soaks).
 */
export async function incidentCampaign(input: CampaignWorkflowInput): Promise<Campaign> {
  const { policy } = input;
  const acts = proxyActivities<Activities>({
    startToCloseTimeout: policy.activities.attemptTimeout,
    heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT_MS,
    retry: { ...persistent, nonRetryableErrorTypes: ['controls_changed', 'validation_failed'] },
  });
  const { workflowId } = workflowInfo();
  let c = input.campaign;
  const pending: CampaignAuditEntry[] = [];
  const toRevert: { accountId: string; reason: string; actor: string }[] = [];
  let reverting = 0;
  let lastStatus = c.status;

  const change = (next: Campaign, action: string, actor: string, details: Record<string, unknown> = {}) => {
    const at = nowIso();
    c = { ...next, revision: c.revision + 1, updatedAt: at };
    pending.push({ action, actor, at, details, key: `r${c.revision}` });
    if (c.status !== lastStatus) {
      lastStatus = c.status;
      upsertSearchAttributes([{ key: CaseStatusKey, value: c.status }]);
    }
  };

  setHandler(getCampaignQuery, () => c);
  setHandler(
    approveCampaign,
    ({ actor, payload }) => {
      const { countsAs } = checkApprove(c, actor);
      const approval = { by: actor.id, at: nowIso(), comment: payload.comment ?? null, countsAs };
      change({ ...c, approvals: [...c.approvals, approval] }, 'campaign.approved', actor.id, {
        countsAs,
        digest: c.digest,
      });
      return c;
    },
    { validator: validator((actor) => checkApprove(c, actor)) },
  );
  setHandler(
    checkCampaignSample,
    ({ actor, payload }) => {
      checkSampleCheck(c, actor, payload.accountId);
      const check = { ...payload, by: actor.id, at: nowIso() };
      const next = { ...c, sampleChecks: [...c.sampleChecks, check] };
      change(next, 'campaign.sample_checked', actor.id, { ...payload });
      if (payload.decision === 'rejected') {
        const reason = `sampled account ${payload.accountId} rejected: ${payload.comment}`;
        change(
          { ...c, status: 'halted', halt: { by: actor.id, at: nowIso(), reason } },
          'campaign.halted',
          actor.id,
          {
            reason,
          },
        );
      }
      return c;
    },
    { validator: validator((actor, p: { accountId: string }) => checkSampleCheck(c, actor, p.accountId)) },
  );
  setHandler(
    haltCampaign,
    ({ actor, payload }) => {
      checkHalt(c, actor);
      halt(actor.id, payload.reason);
      return c;
    },
    { validator: validator((actor) => checkHalt(c, actor)) },
  );
  setHandler(
    resumeCampaign,
    ({ actor }) => {
      checkResume(c, actor);
      change(
        { ...c, resumeApprovals: [...c.resumeApprovals, actor.id] },
        'campaign.resume_requested',
        actor.id,
      );
      if (resumeComplete(c)) {
        const status: CampaignStatus = c.phase === 'monitoring' ? 'monitoring' : 'running';
        change({ ...c, status, halt: null, resumeApprovals: [] }, 'campaign.resumed', actor.id);
      }
      return c;
    },
    { validator: validator((actor) => checkResume(c, actor)) },
  );
  setHandler(
    revertCampaign,
    ({ actor, payload }) => {
      checkRevert(c, actor);
      change({ ...c, status: 'reverting' }, 'campaign.revert_requested', actor.id, {
        reason: payload.reason,
      });
      revertBy = { by: actor.id, reason: payload.reason };
      return c;
    },
    { validator: validator((actor) => checkRevert(c, actor)) },
  );
  setHandler(
    withdrawCampaign,
    ({ actor, payload }) => {
      checkWithdraw(c, actor);
      change({ ...c, status: 'withdrawn', phase: 'done' }, 'campaign.withdrawn', actor.id, {
        reason: payload.reason,
      });
      return c;
    },
    { validator: validator((actor) => checkWithdraw(c, actor)) },
  );
  let amending = false;
  const checkAmendNow = (actor: Actor) => {
    checkAmend(c, actor);
    if (amending) throw new DomainError('invalid_state', `campaign ${c.id} is taking another amendment`);
  };
  setHandler(
    amendCampaign,
    async ({ actor, payload }) => {
      checkAmendNow(actor);
      patched(CAMPAIGN_AMEND_PATCH);
      amending = true;
      try {
        const amendment = {
          by: actor.id,
          at: nowIso(),
          reason: payload.reason,
          selector: payload.selector ?? null,
          exclude: payload.exclude ?? [],
          rejected: rejectedSample(c),
          previousDigest: c.digest,
        };
        const amendments = [...(c.amendments ?? []), amendment];
        const selector = payload.selector ?? c.selector;
        const plan = await acts.amendCampaignSelection({
          campaignId: c.id,
          selector,
          amendments,
          rejected: amendment.rejected,
          policy,
          now: nowIso(),
        });
        if (c.status === 'withdrawn') {
          throw new DomainError('invalid_state', `campaign ${c.id} was withdrawn while it was amended`);
        }
        const { digest, included, seed, sample } = plan;
        change(
          {
            ...c,
            status: 'awaiting_approval',
            selector,
            amendments,
            digest,
            included,
            seed,
            sample,
            canarySize: plan.canary.length,
            approvals: [],
            sampleChecks: [],
            resumeApprovals: [],
            halt: null,
          },
          'campaign.amended',
          actor.id,
          {
            reason: payload.reason,
            selector: amendment.selector,
            excluded: amendment.exclude,
            matched: plan.matched,
            included,
            previousDigest: amendment.previousDigest,
            digest,
            seed,
            sampleSize: sample.length,
            canarySize: plan.canary.length,
          },
        );
        return c;
      } catch (error) {
        const refusal = refusalIn(error);
        throw refusal ? toFailure(refusal) : error;
      } finally {
        amending = false;
      }
    },
    { validator: validator((actor) => checkAmendNow(actor)) },
  );
  setHandler(campaignRiskSignal, (signal) => {
    if (!isSevere(signal.severity) || c.phase === 'approval' || c.phase === 'done') return;
    const reason = `risk signal ${signal.signal} (${signal.severity}) on account ${signal.accountId}`;
    toRevert.push({ accountId: signal.accountId, reason, actor: 'system' });
    // The canary is the campaign's test: a severe signal on it stops everything until the approvers look.
    if ((c.phase === 'canary' || c.phase === 'soak') && c.status === 'running') halt('system', reason);
  });

  let revertBy: { by: string; reason: string } | null = input.revert ?? null;

  function halt(by: string, reason: string): void {
    change(
      { ...c, status: 'halted', halt: { by, at: nowIso(), reason }, resumeApprovals: [] },
      'campaign.halted',
      by,
      {
        reason,
      },
    );
  }

  let finished = false;
  const recorder = (async () => {
    for (;;) {
      await condition(() => pending.length > 0 || finished);
      if (pending.length === 0) return;
      const events = pending.splice(0);
      await acts.recordCampaign({ campaign: c, events });
    }
  })();
  const reverter = (async () => {
    for (;;) {
      await condition(() => toRevert.length > 0 || finished);
      const next = toRevert.shift();
      if (!next) return;
      reverting++;
      await acts.revertCampaignAccount({ campaignId: c.id, ...next, at: nowIso() });
      reverting--;
    }
  })();

  /**
   * Past the policy's history limit the run hands its state to a fresh one (continue-as-new), with
   * nothing in flight, so a campaign of any size keeps a short history. Per-account state is in
   * PostgreSQL, so the state carried over is the campaign's own: a few kilobytes.
   */
  async function maybeContinue(): Promise<void> {
    if (workflowInfo().historyLength < historyLimitOf(policy)) return;
    await condition(() => pending.length === 0 && toRevert.length === 0 && reverting === 0);
    await condition(allHandlersFinished);
    finished = true;
    await Promise.all([recorder, reverter]);
    await continueAsNew<typeof incidentCampaign>({
      campaign: c,
      policy,
      mode: c.status === 'reverting' ? 'revert' : 'run',
      revert: revertBy ?? undefined,
    });
  }

  const stopped = () => c.status === 'reverting' || c.status === 'withdrawn';
  const waitWhileHalted = () => condition(() => c.status !== 'halted');

  /** Lifts one wave through the case's own lift activity, keyed by campaign and account. */
  async function liftWave(accounts: { accountId: string; controls: { id: string; version: number }[] }[]) {
    const at = nowIso();
    const monitorUntil = new Date(Date.parse(at) + policy.campaigns.monitoringWindow).toISOString();
    const approvers = c.approvals.map((a) => a.by).join(', ');
    const outcomes = await Promise.all(
      accounts.map(async (a) => {
        try {
          const snapshot = await acts.liftControls({
            idempotencyKey: `${workflowId}:lift:${a.accountId}`,
            caseId: c.id,
            actor: `${c.maker} (campaign ${c.id}, approved by ${approvers})`,
            controls: a.controls,
            notify: {
              key: `${workflowId}:lifted:${a.accountId}`,
              recipient: `account:${a.accountId}`,
              kind: 'controls.lifted',
              caseId: c.id,
              payload: { controlIds: a.controls.map((ref) => ref.id) },
            },
          });
          return { accountId: a.accountId, snapshot };
        } catch (error) {
          const refusal = refusalIn(error);
          if (refusal?.code !== 'controls_changed') throw error;
          return { accountId: a.accountId, failure: refusal.detail };
        }
      }),
    );
    await acts.recordCampaignLifts({ campaignId: c.id, outcomes, at, monitorUntil });
    c = { ...c, monitorUntil };
  }

  /** Lifts every pending account of the phase, in waves a second apart at the policy's rate. */
  async function liftAll(canary: boolean): Promise<void> {
    const rate = policy.campaigns.liftsPerSecond;
    // A short timer can fire most of a second late, so sleeping out the rest of each wave's second
    // lifts at about half the rate. Paced runs sleep only while ahead of the lifts the rate allows
    // since pacing began, and make up at most a second they fell behind.
    const paced = patched(CAMPAIGN_PACE_PATCH);
    let paceStart = Date.now();
    let liftedSince = 0;
    for (;;) {
      const page = await acts.pendingCampaignAccounts({
        campaignId: c.id,
        canary,
        after: c.cursor,
        limit: PAGE,
      });
      if (page.length === 0) return;
      for (let i = 0; i < page.length; i += rate) {
        const wasHalted = c.status === 'halted';
        await waitWhileHalted();
        if (wasHalted) {
          paceStart = Date.now();
          liftedSince = 0;
        }
        if (stopped()) return;
        const started = Date.now();
        const wave = page.slice(i, i + rate);
        await liftWave(wave);
        c = { ...c, cursor: wave.at(-1)?.accountId ?? c.cursor };
        if (paced) {
          liftedSince += wave.length;
          const ahead = paceStart + (liftedSince * 1_000) / rate - Date.now();
          if (ahead > 0) await sleep(ahead);
          else if (ahead < -1_000) {
            paceStart = Date.now();
            liftedSince = 0;
          }
        } else {
          const elapsed = Date.now() - started;
          if (elapsed < 1_000) await sleep(1_000 - elapsed);
        }
        // A page is PAGE accounts, which at a low rate is hundreds of events: checked after each wave,
        // the history stays near the limit. Runs already lifting check after each page, as they did.
        if (patched('campaign-continues-between-waves')) await maybeContinue();
      }
      await maybeContinue();
    }
  }

  async function revertAll(): Promise<void> {
    const request = revertBy ?? { by: 'system', reason: 'campaign reverted' };
    const liftedSince = new Date(Date.now() - policy.revert.window).toISOString();
    let after: string | null = null;
    for (;;) {
      const ids: string[] = await acts.campaignRevertTargets({
        campaignId: c.id,
        after,
        liftedSince,
        limit: PAGE,
      });
      if (ids.length === 0) break;
      for (const accountId of ids) {
        await acts.revertCampaignAccount({
          campaignId: c.id,
          accountId,
          actor: request.by,
          reason: request.reason,
          at: nowIso(),
        });
      }
      after = ids.at(-1) ?? null;
      await maybeContinue();
    }
    change({ ...c, status: 'reverted', phase: 'done' }, 'campaign.reverted', request.by, {
      reason: request.reason,
    });
  }

  if (input.mode === 'revert') {
    if (c.status !== 'reverting') {
      change({ ...c, status: 'reverting' }, 'campaign.revert_requested', revertBy?.by ?? 'system', {
        reason: revertBy?.reason,
      });
    }
  } else {
    while (c.phase === 'approval') {
      await condition(
        () =>
          c.status === 'withdrawn' ||
          (!amending && c.status === 'awaiting_approval' && quorumReached(c) && sampleCleared(c)),
      );
      if (c.status === 'withdrawn') break;
      const plan = await acts.reselectCampaign({ campaignId: c.id, policy, now: nowIso() });
      if (plan) {
        const { digest, included, seed, sample } = plan;
        change(
          {
            ...c,
            digest,
            included,
            seed,
            sample,
            canarySize: plan.canary.length,
            approvals: [],
            sampleChecks: [],
          },
          'campaign.approvals_voided',
          'system',
          { why: 'the included set changed since it was approved', previousDigest: c.digest, digest, seed },
        );
        continue;
      }
      change({ ...c, status: 'running', phase: 'canary', cursor: null }, 'campaign.started', 'system', {
        digest: c.digest,
        canarySize: c.canarySize,
      });
    }
    if (c.phase === 'canary') {
      await liftAll(true);
      if (!stopped()) {
        const soakUntil = new Date(Date.now() + policy.campaigns.soak).toISOString();
        change({ ...c, phase: 'soak', soakUntil, cursor: null }, 'campaign.soaking', 'system', { soakUntil });
      }
    }
    if (c.phase === 'soak') {
      await condition(() => stopped(), Math.max(0, Date.parse(c.soakUntil ?? nowIso()) - Date.now()));
      await waitWhileHalted();
      if (!stopped()) change({ ...c, phase: 'batches', cursor: null }, 'campaign.batches_started', 'system');
    }
    if (c.phase === 'batches') {
      await liftAll(false);
      if (!stopped()) {
        change(
          { ...c, status: c.status === 'halted' ? 'halted' : 'monitoring', phase: 'monitoring' },
          'campaign.lifted',
          'system',
          {
            monitorUntil: c.monitorUntil,
          },
        );
      }
    }
    if (c.phase === 'monitoring') {
      await condition(() => stopped(), Math.max(0, Date.parse(c.monitorUntil ?? nowIso()) - Date.now()));
      await waitWhileHalted();
      if (!stopped()) change({ ...c, status: 'completed', phase: 'done' }, 'campaign.completed', 'system');
    }
  }
  if (c.status === 'reverting') await revertAll();

  upsertSearchAttributes([{ key: OutcomeKey, value: c.status }]);
  await condition(() => toRevert.length === 0 && reverting === 0);
  await condition(allHandlersFinished);
  finished = true;
  await Promise.all([recorder, reverter]);
  return c;
}
