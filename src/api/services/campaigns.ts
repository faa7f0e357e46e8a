import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { createHash, randomBytes } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import type { CampaignWorkflowInput } from '../../../workflows/campaignMessages.js';
import {
  amendCampaign,
  approveCampaign,
  campaignRiskSignal,
  campaignWorkflowType,
  checkCampaignSample,
  haltCampaign,
  resumeCampaign,
  revertCampaign,
  withdrawCampaign,
} from '../../../workflows/campaignMessages.js';
import { campaignStartOptions } from '../../../workflows/searchAttributes.js';
import type { CampaignCounts, CampaignAccountRow } from '../../db/campaigns.js';
import {
  campaignAccountsPage,
  campaignCounts,
  campaignStream,
  campaignsWatching,
  casesOpenedForCampaign,
  insertCampaign,
  listCampaigns,
  readCampaign,
  resolveSelection,
  storeRiskSignal,
} from '../../db/campaigns.js';
import type { Database } from '../../db/client.js';
import type { CampaignAccountState, CampaignActionName } from '../../domain/campaigns.js';
import { campaignQuorum, checkRevert, workflowIdForCampaign } from '../../domain/campaigns.js';
import { planSelection } from '../../domain/campaignSelection.js';
import { upgradeEvidence } from '../../domain/case.js';
import { DomainError } from '../../domain/errors.js';
import { refusalIn } from '../../domain/failures.js';
import type { Actor } from '../../domain/permissions.js';
import type { Policy } from '../../domain/policy.js';
import { reasonCodeRule } from '../../domain/policy.js';
import type { Campaign, CreateCampaignInput } from '../../domain/schemas/campaigns.js';
import type { RiskSignalInput } from '../../domain/schemas/actions.js';
import { auditDenial } from '../denials.js';
import { isUnavailable, unavailable } from './unavailable.js';

export interface CampaignServiceDeps {
  db: Database;
  client: Client;
  policy: Policy;
  taskQueue: string;
  updateTimeoutMs: number;
}

const idAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** `CAM-20261207-K7M2QX`; with a seed (the caller and Idempotency-Key) a retried proposal names the same one. */
function newCampaignId(seed?: string): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const bytes =
    seed === undefined ? randomBytes(6) : createHash('sha256').update(seed).digest().subarray(0, 6);
  return `CAM-${day}-${[...bytes].map((b) => idAlphabet[b % idAlphabet.length]).join('')}`;
}

type Acting = { comment?: string | undefined } | { reason: string } | Record<string, unknown>;

/** The actions the campaign's workflow takes as updates; opening cases for its exclusions is the API's. */
export type CampaignUpdateName = Exclude<CampaignActionName, 'openExcludedCases'>;

const updates: Record<CampaignUpdateName, UpdateDefinition<Campaign, [never]>> = {
  approve: approveCampaign as never,
  checkSample: checkCampaignSample as never,
  halt: haltCampaign as never,
  resume: resumeCampaign as never,
  revert: revertCampaign as never,
  withdraw: withdrawCampaign as never,
  amend: amendCampaign as never,
};

/** Audit names of the actions, as the workflow records them when accepted. */
export const campaignAuditAction: Record<CampaignActionName, string> = {
  approve: 'campaign.approved',
  checkSample: 'campaign.sample_checked',
  halt: 'campaign.halted',
  resume: 'campaign.resume_requested',
  revert: 'campaign.revert_requested',
  withdraw: 'campaign.withdrawn',
  amend: 'campaign.amended',
  openExcludedCases: 'campaign.excluded_case_opened',
};

/**
 * Incident lift campaigns: the dry run and the start at a proposal, the actions as updates to the
 * campaign's workflow, the reads from PostgreSQL, and risk signals passed to the campaigns watching the
 * account.
 */
export class CampaignService {
  constructor(private readonly deps: CampaignServiceDeps) {}

  private handle(id: string): WorkflowHandle {
    return this.deps.client.workflow.getHandle(workflowIdForCampaign(id));
  }

  /**
   * The proposal: the dry run on the registry as it is now, the digest, sample and canary drawn from the
   * included set (the seed goes on the campaign's chain), the record, then the workflow.
   */
  async propose(actor: Actor, input: CreateCampaignInput, idempotencyKey?: string): Promise<Campaign> {
    const { policy } = this.deps;
    if (!reasonCodeRule(policy, 'unfreeze', input.reasonCode)) {
      throw new DomainError('validation_failed', `reason code ${input.reasonCode} is not in the matrix`, [
        { path: 'reasonCode', message: 'one of the unfreeze reason codes GET /v1/policy/reason-codes lists' },
      ]);
    }
    const now = new Date().toISOString();
    const id = newCampaignId(idempotencyKey === undefined ? undefined : `${actor.id}:${idempotencyKey}`);
    const accounts = await resolveSelection(this.deps.db, input.selector, policy, now);
    const included = accounts.filter((a) => a.exclusion === null).map((a) => a.accountId);
    const plan = planSelection(id, included, policy);
    const campaign: Campaign = {
      id,
      workflowId: workflowIdForCampaign(id),
      status: 'awaiting_approval',
      phase: 'approval',
      maker: actor.id,
      selector: input.selector,
      reasonCode: input.reasonCode,
      justification: input.justification,
      evidence: input.evidence.map(upgradeEvidence),
      digest: plan.digest,
      included: plan.included,
      seed: plan.seed,
      sample: plan.sample,
      sampleChecks: [],
      ...campaignQuorum(policy),
      approvals: [],
      resumeApprovals: [],
      halt: null,
      amendments: [],
      canarySize: plan.canary.length,
      soakUntil: null,
      monitorUntil: null,
      cursor: null,
      revision: 0,
      createdAt: now,
      updatedAt: now,
    };
    const existing = await readCampaign(this.deps.db, id);
    if (existing) return existing;
    await insertCampaign(this.deps.db, campaign, accounts, new Set(plan.canary), {
      action: 'campaign.proposed',
      actor: actor.id,
      at: now,
      details: {
        selector: input.selector,
        reasonCode: input.reasonCode,
        matched: accounts.length,
        included: plan.included,
        digest: plan.digest,
        seed: plan.seed,
        sampleSize: plan.sample.length,
        canarySize: plan.canary.length,
      },
    });
    await this.start({ campaign, policy, mode: 'run' });
    return campaign;
  }

  private async start(input: CampaignWorkflowInput): Promise<void> {
    try {
      await this.deps.client.withDeadline(Date.now() + this.deps.updateTimeoutMs, () =>
        this.deps.client.workflow.start(campaignWorkflowType, {
          workflowId: input.campaign.workflowId,
          taskQueue: this.deps.taskQueue,
          args: [input],
          staticSummary: `incident lift campaign ${input.campaign.id}`,
          ...campaignStartOptions(input.campaign),
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      if (isUnavailable(error)) throw unavailable('Temporal did not accept the campaign; try again', error);
      throw error;
    }
  }

  async get(id: string): Promise<Campaign> {
    const campaign = await readCampaign(this.deps.db, id);
    if (!campaign) throw new DomainError('not_found', `no campaign ${id}`);
    return campaign;
  }

  list(limit: number, cursor?: { createdAt: string; id: string }): Promise<Campaign[]> {
    return listCampaigns(this.deps.db, limit, cursor);
  }

  counts(campaign: Campaign): Promise<CampaignCounts> {
    return campaignCounts(this.deps.db, campaign);
  }

  /** The ordinary cases the campaign opened for these excluded accounts, by account. */
  casesOpened(id: string, accountIds: readonly string[]): Promise<Map<string, string>> {
    return casesOpenedForCampaign(this.deps.db, id, accountIds);
  }

  accounts(
    id: string,
    options: { state?: CampaignAccountState | undefined; after?: string | undefined; limit: number },
  ): Promise<CampaignAccountRow[]> {
    return campaignAccountsPage(this.deps.db, id, options);
  }

  /** An action as an update to the campaign's workflow, whose validator runs the rule on its own state. */
  async act(
    actor: Actor,
    id: string,
    action: CampaignUpdateName,
    payload: Acting,
    idempotencyKey?: string,
  ): Promise<Campaign> {
    const current = await this.get(id);
    const updateId = idempotencyKey ? `${actor.id}:${idempotencyKey}` : undefined;
    try {
      return await this.deps.client.withDeadline(Date.now() + this.deps.updateTimeoutMs, () =>
        this.handle(id).executeUpdate(updates[action], {
          args: [{ actor, payload } as never],
          ...(updateId ? { updateId } : {}),
        }),
      );
    } catch (error) {
      const refusal = refusalIn(error);
      if (refusal) {
        await auditDenial(this.deps.db, refusal, {
          actor: actor.id,
          action: campaignAuditAction[action],
          caseId: campaignStream(id),
        });
        throw refusal;
      }
      if (error instanceof WorkflowNotFoundError) {
        if (action === 'revert') return this.revertFinished(actor, current, payload as { reason: string });
        throw new DomainError('invalid_state', `campaign ${id} has finished; it takes no more actions`);
      }
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(error)) {
        throw unavailable(
          'no worker confirmed the action in time; it may still be applied — retry with the same Idempotency-Key',
          error,
        );
      }
      throw error;
    }
  }

  /** A campaign whose workflow finished reverts in a run of its own, under the same workflow id. */
  private async revertFinished(
    actor: Actor,
    campaign: Campaign,
    payload: { reason: string },
  ): Promise<Campaign> {
    try {
      checkRevert(campaign, actor);
    } catch (error) {
      if (error instanceof DomainError) {
        await auditDenial(this.deps.db, error, {
          actor: actor.id,
          action: campaignAuditAction.revert,
          caseId: campaignStream(campaign.id),
        });
      }
      throw error;
    }
    await this.start({
      campaign,
      policy: this.deps.policy,
      mode: 'revert',
      revert: { by: actor.id, reason: payload.reason },
    });
    return { ...campaign, status: 'reverting' };
  }

  /**
   * Keeps the signal (campaigns exclude accounts with a recent severe one) and passes it to every campaign
   * still watching a lift on the account. A campaign whose run has ended no longer watches: skipped.
   */
  async signalRisk(input: RiskSignalInput): Promise<string[]> {
    await storeRiskSignal(this.deps.db, input);
    const watching = await campaignsWatching(this.deps.db, input.accountId, new Date().toISOString());
    const signalled: string[] = [];
    for (const id of watching) {
      try {
        await this.handle(id).signal(campaignRiskSignal, {
          accountId: input.accountId,
          signal: input.signal,
          severity: input.severity,
        });
        signalled.push(id);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) continue;
        throw isUnavailable(error) ? unavailable('Temporal did not accept the risk signal', error) : error;
      }
    }
    return signalled;
  }
}
