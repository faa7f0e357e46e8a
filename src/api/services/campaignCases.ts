import { recordAudit } from '../../db/audit.js';
import type { AuditInput } from '../../db/audit.js';
import { campaignStream, casesOpenedForCampaign, excludedAccounts } from '../../db/campaigns.js';
import type { Database } from '../../db/client.js';
import { checkOpenExcludedCases, excludedCaseInput } from '../../domain/campaigns.js';
import type { AccountControls } from '../../domain/controls.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/permissions.js';
import { inScope } from '../../domain/permissions.js';
import type { Campaign, ExcludedCasesResult } from '../../domain/schemas/campaigns.js';
import { auditDenial } from '../denials.js';
import { campaignAuditAction } from './campaigns.js';
import type { CaseService } from './cases.js';

export interface CampaignCaseDeps {
  db: Database;
  cases: CaseService;
  controls: AccountControls;
}

const auditAction = campaignAuditAction.openExcludedCases;

/**
 * Hands every account a campaign excluded to an ordinary unfreeze case, one by one through the case
 * intake, each linked to the campaign and written on its chain. The case id is derived from the campaign
 * and the account, and an account whose case this campaign opened before is skipped, so repeating the
 * request (after an outage cut it short, say) opens only what is still missing.
 */
export async function openExcludedCases(
  deps: CampaignCaseDeps,
  actor: Actor,
  campaign: Campaign,
): Promise<ExcludedCasesResult> {
  const excluded = await excludedAccounts(deps.db, campaign.id);
  try {
    checkOpenExcludedCases(campaign, actor, excluded.length);
  } catch (error) {
    if (error instanceof DomainError) {
      await auditDenial(deps.db, error, {
        actor: actor.id,
        action: auditAction,
        caseId: campaignStream(campaign.id),
      });
    }
    throw error;
  }
  const opened = await casesOpenedForCampaign(
    deps.db,
    campaign.id,
    excluded.map((a) => a.accountId),
  );
  const makerReasons = new Map(
    (campaign.amendments ?? []).flatMap((a) => a.exclude.map((e) => [e.accountId, e.reason] as const)),
  );
  const result: ExcludedCasesResult = { opened: [], skipped: [] };
  // Keyed by account: a case whose entry an earlier, interrupted request did not write gets it now.
  const entry = (accountId: string, details: Record<string, unknown>): AuditInput => ({
    stream: campaignStream(campaign.id),
    at: new Date().toISOString(),
    actor: actor.id,
    action: auditAction,
    outcome: 'accepted',
    details: { accountId, ...details },
    accountId,
    eventKey: `excluded-case:${accountId}`,
  });
  for (const account of excluded) {
    const { accountId, exclusion } = account;
    const skip = (why: ExcludedCasesResult['skipped'][number]['why'], detail: string) =>
      result.skipped.push({ accountId, exclusion, why, detail, caseId: null });
    const before = opened.get(accountId);
    if (before) {
      await recordAudit(deps.db, [entry(accountId, { exclusion, caseId: before })]);
      result.skipped.push({
        accountId,
        exclusion,
        why: 'case_already_opened',
        detail: `campaign ${campaign.id} opened case ${before} for it before`,
        caseId: before,
      });
      continue;
    }
    const refs = new Set(account.controls.map((c) => c.id));
    const active = (await deps.controls.get([...refs])).filter(
      (c) => c.accountId === accountId && c.status === 'active',
    );
    if (active.length === 0) {
      skip('controls_changed', 'none of the controls the campaign matched on it is still active');
      continue;
    }
    const input = excludedCaseInput(campaign, {
      accountId,
      exclusion,
      makerReason: makerReasons.get(accountId),
      controls: active,
    });
    if (!inScope(actor, input.businessLine)) {
      skip('out_of_scope', `business line ${input.businessLine} is not in ${actor.id}'s scopes`);
      continue;
    }
    try {
      const c = await deps.cases.createForCampaign(
        actor,
        input,
        { campaignId: campaign.id, why: 'campaign_exclusion', exclusion },
        `campaign:${campaign.id}:${accountId}`,
      );
      await recordAudit(deps.db, [entry(accountId, { exclusion, caseId: c.id, controlIds: c.controlIds })]);
      result.opened.push({ accountId, exclusion, caseId: c.id });
    } catch (error) {
      // Another open case holds a control (`open_case`, or one opened since the dry run): that case
      // already puts the account before a maker and a checker.
      if (error instanceof DomainError && error.code === 'control_conflict') {
        skip('open_case', error.detail);
        continue;
      }
      throw error;
    }
  }
  return result;
}
