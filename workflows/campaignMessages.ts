import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../src/domain/permissions.js';
import type { Policy } from '../src/domain/policy.js';
import type { AmendCampaignInput, Campaign } from '../src/domain/schemas/campaigns.js';
import type { SampleDecision } from '../src/domain/campaigns.js';
import type { Severity } from '../src/domain/vocabulary.js';

/*
 * The contract between the API and the campaign workflow (`campaign-<id>`): its actions are updates with
 * validators, a risk signal about a lifted account is a signal, its state is a query.
 */

export interface CampaignWorkflowInput {
  campaign: Campaign;
  /** Snapshotted at the proposal, so a later policy change never alters a running campaign. */
  policy: Policy;
  /** `revert`: started again after it completed, to revert its lifts still in the revert window. */
  mode?: 'run' | 'revert' | undefined;
  revert?: { by: string; reason: string } | undefined;
}

export interface CampaignActing<P> {
  actor: Actor;
  payload: P;
}

export const approveCampaign = defineUpdate<Campaign, [CampaignActing<{ comment?: string | undefined }>]>(
  'campaign.approve',
);
export const checkCampaignSample = defineUpdate<
  Campaign,
  [CampaignActing<{ accountId: string; decision: SampleDecision; comment: string }>]
>('campaign.checkSample');
export const haltCampaign = defineUpdate<Campaign, [CampaignActing<{ reason: string }>]>('campaign.halt');
export const resumeCampaign = defineUpdate<Campaign, [CampaignActing<{ comment?: string | undefined }>]>(
  'campaign.resume',
);
export const revertCampaign = defineUpdate<Campaign, [CampaignActing<{ reason: string }>]>('campaign.revert');
export const withdrawCampaign = defineUpdate<Campaign, [CampaignActing<{ reason: string }>]>(
  'campaign.withdraw',
);

export const amendCampaign = defineUpdate<Campaign, [CampaignActing<AmendCampaignInput>]>('campaign.amend');

export interface CampaignRiskSignal {
  accountId: string;
  signal: string;
  severity: Severity;
}
export const campaignRiskSignal = defineSignal<[CampaignRiskSignal]>('campaignRiskSignal');

export const getCampaignQuery = defineQuery<Campaign>('getCampaign');

export const campaignWorkflowType = 'incidentCampaign';
