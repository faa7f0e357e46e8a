import { z } from '@hono/zod-openapi';
import type { CampaignCounts } from '../db/campaigns.js';
import { allowedCampaignActions, campaignAccountStates, exclusionReasons } from '../domain/campaigns.js';
import type { Actor } from '../domain/permissions.js';
import {
  Campaign,
  CampaignAllowedAction,
  ExclusionReason,
  SampleDecision,
} from '../domain/schemas/campaigns.js';
import { Timestamp } from '../domain/schemas/case.js';
import type { ApiSettings } from './context.js';
import { pathId } from './schemas.js';

const count = z.number().int().min(0);

export const CampaignCountsSchema = z
  .object({
    matched: count.describe('accounts the selector matched'),
    included: count,
    excluded: z.object(
      Object.fromEntries(exclusionReasons.map((r) => [r, count])) as Record<ExclusionReason, typeof count>,
    ),
    pending: count,
    lifted: count.describe('accounts lifted, reverted ones included'),
    failed: count.describe('accounts whose controls changed before their lift'),
    reverted: count,
    sampled: z.object({ approved: count, rejected: count, unchecked: count }),
  })
  .meta({ id: 'CampaignCounts' });

type ExclusionReason = z.infer<typeof ExclusionReason>;

export const ApiCampaign = Campaign.extend({
  counts: CampaignCountsSchema,
  links: z.object({
    temporalUi: z.string().nullable().describe('the campaign’s run in the Temporal Web UI'),
  }),
  allowedActions: z
    .array(CampaignAllowedAction)
    .describe('for the caller: each action, allowed now or why not'),
}).meta({ id: 'Campaign' });
export type ApiCampaign = z.infer<typeof ApiCampaign>;

export function toApiCampaign(
  campaign: Campaign,
  counts: CampaignCounts,
  actor: Actor,
  settings: Pick<ApiSettings, 'temporalUiUrl' | 'namespace'>,
): ApiCampaign {
  const base = settings.temporalUiUrl?.replace(/\/$/, '');
  return {
    ...campaign,
    counts,
    links: {
      temporalUi: base
        ? `${base}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(campaign.workflowId)}`
        : null,
    },
    allowedActions: allowedCampaignActions(campaign, actor, counts.matched - counts.included),
  };
}

export const CampaignAccount = z
  .object({
    accountId: z.string(),
    state: z.enum(campaignAccountStates),
    exclusion: ExclusionReason.nullable(),
    controlIds: z.array(z.string()),
    canary: z.boolean(),
    sampled: z.boolean(),
    sampleDecision: SampleDecision.nullable(),
    liftedAt: Timestamp.nullable(),
    monitorUntil: Timestamp.nullable(),
    revertedAt: Timestamp.nullable(),
    leftAlone: z
      .array(z.object({ id: z.string(), why: z.string() }))
      .nullable()
      .describe('controls the revert did not re-apply because someone changed them since, and why'),
    failure: z.string().nullable(),
    caseId: z
      .string()
      .nullable()
      .describe('the ordinary case opened for this excluded account (`POST …/excluded/cases`), if any'),
  })
  .meta({ id: 'CampaignAccount' });

const campaignId = pathId('campaignId', 'CAM-20261207-K7M2QX');
export const CampaignParams = z.object({ campaignId });
export const SampleParams = z.object({ campaignId, accountId: pathId('accountId', 'acct-1042') });
