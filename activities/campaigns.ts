import type { LiftOutcome } from '../src/db/campaigns.js';
import {
  liftedAccount,
  pendingAccounts,
  readCampaign,
  recordCampaign,
  recordLifts,
  recordRevert,
  replaceSelection,
  resolveSelection,
  revertTargets,
} from '../src/db/campaigns.js';
import { planRevert } from '../src/domain/campaigns.js';
import { planSelection } from '../src/domain/campaignSelection.js';
import type { SelectionPlan } from '../src/domain/campaignSelection.js';
import type { ControlRef } from '../src/domain/controls.js';
import type { AuditEntry } from '../src/domain/lifecycle/rule.js';
import type { Policy } from '../src/domain/policy.js';
import type { Campaign } from '../src/domain/schemas/campaigns.js';
import type { ActivityDeps } from './index.js';

export type CampaignAuditEntry = AuditEntry & { key: string; accountId?: string | undefined };

export function createCampaignActivities({ db, controls }: Pick<ActivityDeps, 'db' | 'controls'>) {
  return {
    async recordCampaign(input: { campaign: Campaign; events: CampaignAuditEntry[] }): Promise<void> {
      await recordCampaign(db, input.campaign, input.events);
    },

    /**
     * The dry run again, at the moment the campaign would start: a set that changed since the approvals
     * (a case opened on an account, a signal arrived, a control was lifted) voids them, and its new rows,
     * digest and sample replace the old. Answers null when the set is the one approved.
     */
    async reselectCampaign(input: {
      campaignId: string;
      policy: Policy;
      now: string;
    }): Promise<SelectionPlan | null> {
      const campaign = await readCampaign(db, input.campaignId);
      if (!campaign) throw new Error(`campaign ${input.campaignId} has no record`);
      const accounts = await resolveSelection(db, campaign.selector, input.policy, input.now);
      const included = accounts.filter((a) => a.exclusion === null).map((a) => a.accountId);
      const plan = planSelection(campaign.id, included, input.policy);
      if (plan.digest === campaign.digest) return null;
      if (!(await replaceSelection(db, campaign.id, accounts, new Set(plan.canary)))) {
        throw new Error(`campaign ${campaign.id} has lifts already; its selection cannot change`);
      }
      return plan;
    },

    async pendingCampaignAccounts(input: {
      campaignId: string;
      canary: boolean;
      after: string | null;
      limit: number;
    }): Promise<{ accountId: string; controls: ControlRef[] }[]> {
      return pendingAccounts(db, input.campaignId, input);
    },

    async recordCampaignLifts(input: {
      campaignId: string;
      outcomes: LiftOutcome[];
      at: string;
      monitorUntil: string;
    }): Promise<void> {
      await recordLifts(db, input.campaignId, input.outcomes, input.at, input.monitorUntil);
    },

    /**
     * Compensation of one account's lift: exactly its snapshot, for each control still lifted as the lift
     * left it; a control changed since is left alone and reported. Keyed by campaign and account, so a
     * retry re-applies nothing twice.
     */
    async revertCampaignAccount(input: {
      campaignId: string;
      accountId: string;
      actor: string;
      reason: string;
      at: string;
    }): Promise<{ reapplied: string[]; leftAlone: { id: string; why: string }[] } | null> {
      const row = await liftedAccount(db, input.campaignId, input.accountId);
      if (!row || row.state !== 'lifted' || !row.snapshot) return null;
      const key = `campaign-${input.campaignId}:revert:${input.accountId}`;
      const { reapply, leftAlone } = planRevert(row.snapshot, await controls.list(input.accountId));
      const ours = await controls.reapply({
        idempotencyKey: key,
        caseId: input.campaignId,
        actor: input.actor,
        snapshots: reapply,
      });
      const reapplied = ours.map((c) => c.id);
      await recordRevert(db, { ...input, reapplied, leftAlone });
      return { reapplied, leftAlone };
    },

    async campaignRevertTargets(input: {
      campaignId: string;
      after: string | null;
      liftedSince: string;
      limit: number;
    }): Promise<string[]> {
      return revertTargets(db, input.campaignId, input);
    },
  };
}
