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
import { planSelection, withMakerExclusions } from '../src/domain/campaignSelection.js';
import { DomainError } from '../src/domain/errors.js';
import type { SelectionPlan } from '../src/domain/campaignSelection.js';
import type { ControlRef } from '../src/domain/controls.js';
import type { AuditEntry } from '../src/domain/lifecycle/rule.js';
import type { Policy } from '../src/domain/policy.js';
import type { Campaign, CampaignAmendment, CampaignSelector } from '../src/domain/schemas/campaigns.js';
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
      const amendments = campaign.amendments ?? [];
      const accounts = withMakerExclusions(
        await resolveSelection(db, campaign.selector, input.policy, input.now),
        amendments,
      );
      const included = accounts.filter((a) => a.exclusion === null).map((a) => a.accountId);
      const plan = planSelection(campaign.id, included, input.policy, amendments.length);
      if (plan.digest === campaign.digest) return null;
      if (!(await replaceSelection(db, campaign.id, accounts, new Set(plan.canary)))) {
        throw new Error(`campaign ${campaign.id} has lifts already; its selection cannot change`);
      }
      return plan;
    },

    /**
     * The maker's amendment: the dry run on the selector now in force, every amendment's exclusions on top,
     * and its rows, digest, sample (drawn with the amendment's own seed) and canary in place of the old.
     * Refused, with nothing written, when a sampled account a checker rejected would still be lifted, or
     * when nothing would be.
     */
    async amendCampaignSelection(input: {
      campaignId: string;
      selector: CampaignSelector;
      amendments: Pick<CampaignAmendment, 'exclude'>[];
      rejected: string[];
      policy: Policy;
      now: string;
    }): Promise<SelectionPlan & { matched: number }> {
      const accounts = withMakerExclusions(
        await resolveSelection(db, input.selector, input.policy, input.now),
        input.amendments,
      );
      const included = accounts.filter((a) => a.exclusion === null).map((a) => a.accountId);
      const kept = new Set(included);
      const still = input.rejected.filter((id) => kept.has(id));
      if (still.length > 0) {
        throw new DomainError('validation_failed', 'the amended set still holds rejected accounts', [
          {
            path: 'exclude',
            message: `a checker rejected ${still.join(', ')}; exclude them or narrow the selector`,
          },
        ]);
      }
      if (included.length === 0) {
        throw new DomainError('validation_failed', 'the amended set holds no account to lift', [
          { path: 'selector', message: 'matches no liftable account; withdraw the campaign instead' },
        ]);
      }
      const plan = planSelection(input.campaignId, included, input.policy, input.amendments.length);
      if (!(await replaceSelection(db, input.campaignId, accounts, new Set(plan.canary)))) {
        throw new DomainError('invalid_state', `campaign ${input.campaignId} has lifts already`);
      }
      return { ...plan, matched: accounts.length };
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
      const businessLines = [...new Set(row.snapshot.map((c) => c.businessLine))];
      await recordRevert(db, { ...input, reapplied, leftAlone, businessLines });
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
