import { z } from 'zod';
import {
  campaignAccountStates,
  campaignActionNames,
  campaignPhases,
  campaignStatuses,
  MAX_CAMPAIGN_ACCOUNTS,
  sampleDecisions,
} from '../campaigns.js';
import { AccountId, EvidenceInput, text } from './actions.js';
import { Evidence, Timestamp } from './case.js';
import { ErrorCode } from './errors.js';
import { ReasonCodeName } from './policy.js';
import { BusinessLine, ControlSource, ExclusionReason, RequiredRole, RestrictionKind } from './vocabulary.js';

export const CampaignStatus = z.enum(campaignStatuses).meta({ id: 'CampaignStatus' });
export const CampaignPhase = z.enum(campaignPhases).meta({ id: 'CampaignPhase' });
export { ExclusionReason };
export const CampaignAccountState = z.enum(campaignAccountStates).meta({ id: 'CampaignAccountState' });
export const SampleDecision = z.enum(sampleDecisions).meta({ id: 'SampleDecision' });

/**
 * Which restrictions a campaign lifts: every criterion given must hold, and at least one must be given,
 * so no campaign selects the whole registry by accident. Only active restrictions are ever selected.
 */
export const CampaignSelector = z
  .strictObject({
    kinds: z.array(RestrictionKind).min(1).max(4).optional().describe('control kinds to lift'),
    sources: z.array(ControlSource).min(1).max(6).optional().describe('who put the controls on'),
    externalRef: text(200).optional().describe('the owner’s reference, e.g. the misfired rule’s id'),
    appliedAfter: z.iso.datetime().optional().describe('applied at or after this instant'),
    appliedBefore: z.iso.datetime().optional().describe('applied before this instant'),
    businessLines: z.array(BusinessLine).min(1).optional(),
    accountIds: z
      .array(AccountId)
      .min(1)
      .max(MAX_CAMPAIGN_ACCOUNTS, `at most ${MAX_CAMPAIGN_ACCOUNTS} accounts`)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an account')
      .optional()
      .describe(`an explicit list of at most ${MAX_CAMPAIGN_ACCOUNTS} accounts`),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), {
    message: 'give at least one criterion',
  })
  .refine(
    (s) =>
      s.appliedAfter === undefined ||
      s.appliedBefore === undefined ||
      Date.parse(s.appliedAfter) < Date.parse(s.appliedBefore),
    { message: 'appliedAfter must be before appliedBefore', path: ['appliedBefore'] },
  )
  .meta({
    id: 'CampaignSelector',
    examples: [{ sources: ['risk_rule'], externalRef: 'rule-417', kinds: ['account_freeze'] }],
  });
export type CampaignSelector = z.infer<typeof CampaignSelector>;

export const CreateCampaignInput = z
  .strictObject({
    selector: CampaignSelector,
    reasonCode: ReasonCodeName.describe(
      'one of the unfreeze reason codes `GET /v1/policy/reason-codes` lists',
    ),
    justification: text(5_000),
    evidence: z.array(EvidenceInput).max(20).default([]),
  })
  .meta({
    id: 'CreateCampaign',
    examples: [
      {
        selector: { sources: ['risk_rule'], externalRef: 'rule-417', kinds: ['account_freeze'] },
        reasonCode: 'false_positive',
        justification: 'Rule 417 froze legitimate accounts after a threshold change on 2026-12-06.',
        evidence: [{ kind: 'device_check', ref: 'INC-2291' }],
      },
    ],
  });
export type CreateCampaignInput = z.infer<typeof CreateCampaignInput>;

export const CampaignApproval = z
  .object({
    by: z.string(),
    at: Timestamp,
    comment: z.string().nullable(),
    countsAs: RequiredRole.nullable(),
  })
  .meta({ id: 'CampaignApproval' });

export const SampleCheck = z
  .object({
    accountId: z.string(),
    decision: SampleDecision,
    by: z.string(),
    at: Timestamp,
    comment: z.string(),
  })
  .meta({ id: 'SampleCheck' });

export const MakerExclusion = z.strictObject({
  accountId: AccountId,
  reason: text(500).describe('why the maker takes the account out, e.g. what the rejected check found'),
});
export type MakerExclusion = z.infer<typeof MakerExclusion>;

/** At most this many accounts taken out by name in one amendment; a wider change replaces the selector. */
export const MAX_AMEND_EXCLUSIONS = 1_000;

export const AmendCampaignInput = z
  .strictObject({
    reason: text(2_000).describe('what the amendment changes and why'),
    selector: CampaignSelector.optional().describe('replaces the selector; the dry run runs again on it'),
    exclude: z
      .array(MakerExclusion)
      .min(1)
      .max(MAX_AMEND_EXCLUSIONS, `at most ${MAX_AMEND_EXCLUSIONS} accounts; replace the selector instead`)
      .refine(
        (list) => new Set(list.map((e) => e.accountId)).size === list.length,
        'must not repeat an account',
      )
      .optional()
      .describe('accounts taken out of the set by name, each with its reason'),
  })
  .refine((a) => a.selector !== undefined || a.exclude !== undefined, {
    message: 'give a selector, accounts to exclude, or both',
  })
  .meta({
    id: 'AmendCampaign',
    examples: [
      {
        reason: 'The rejected account also has a chargeback open; taking it out.',
        exclude: [{ accountId: 'acct-1042', reason: 'chargeback open since 2026-12-05' }],
      },
    ],
  });
export type AmendCampaignInput = z.infer<typeof AmendCampaignInput>;

export const CampaignAmendment = z
  .object({
    by: z.string(),
    at: Timestamp,
    reason: z.string(),
    selector: CampaignSelector.nullable().describe('the selector the amendment put in; null when it kept it'),
    exclude: z.array(MakerExclusion),
    rejected: z
      .array(z.string())
      .describe('sampled accounts checkers had rejected: no later amendment may put them back in the set'),
    previousDigest: z.string(),
  })
  .meta({ id: 'CampaignAmendment' });
export type CampaignAmendment = z.infer<typeof CampaignAmendment>;

/** The campaign as its workflow holds it; per-account state lives in PostgreSQL. */
export const Campaign = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    status: CampaignStatus,
    phase: CampaignPhase,
    maker: z.string(),
    selector: CampaignSelector,
    reasonCode: z.string(),
    justification: z.string(),
    evidence: z.array(Evidence),
    digest: z
      .string()
      .describe('sha256 of the included account ids, sorted; approvals hold for this set only'),
    included: z.number().int().describe('accounts the campaign lifts'),
    seed: z.string().describe('the audited seed the sample was drawn with (`drawSample`)'),
    sample: z.array(z.string()).describe('the accounts checkers verify one by one'),
    sampleChecks: z.array(SampleCheck),
    requiredApprovals: z.number().int(),
    requiredRoles: z.array(RequiredRole),
    approvals: z.array(CampaignApproval),
    resumeApprovals: z.array(z.string()).describe('approvers who asked to resume the halted campaign'),
    halt: z
      .object({ by: z.string(), at: Timestamp, reason: z.string() })
      .nullable()
      .describe('who halted the campaign and why; null while it is not halted'),
    canarySize: z.number().int(),
    soakUntil: Timestamp.nullable(),
    monitorUntil: Timestamp.nullable().describe('when the last lifted account’s monitoring window ends'),
    cursor: z.string().nullable().describe('the last account, in lift order, a batch reached'),
    amendments: z
      .array(CampaignAmendment)
      .optional()
      .describe('the maker’s amendments, oldest first; absent on campaigns proposed before amending existed'),
    revision: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'CampaignState' });
export type Campaign = z.infer<typeof Campaign>;
export type CampaignApproval = z.infer<typeof CampaignApproval>;
export type SampleCheck = z.infer<typeof SampleCheck>;

export const CampaignActionName = z.enum(campaignActionNames);

export const CampaignAllowedAction = z
  .object({
    action: CampaignActionName,
    allowed: z.boolean(),
    code: ErrorCode.nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'CampaignAllowedAction' });
export type CampaignAllowedAction = z.infer<typeof CampaignAllowedAction>;

export const CommentInput = z
  .strictObject({ comment: text(2_000).optional() })
  .meta({ examples: [{ comment: 'Read the incident report; the rule change explains every freeze.' }] });
export const SampleCheckInput = z.strictObject({ decision: SampleDecision, comment: text(2_000) }).meta({
  id: 'SampleCheckInput',
  examples: [{ decision: 'approved', comment: 'Only rule 417 froze it; no other signal on the account.' }],
});
export const ReasonInput = z
  .strictObject({ reason: text(2_000) })
  .meta({ examples: [{ reason: 'Support reports new fraud on accounts the campaign lifted.' }] });

export const ExcludedCaseSkip = z.enum([
  'case_already_opened',
  'open_case',
  'controls_changed',
  'out_of_scope',
]);

export const ExcludedCasesResult = z
  .object({
    opened: z
      .array(z.object({ accountId: z.string(), exclusion: ExclusionReason, caseId: z.string() }))
      .describe('a case opened now for each of these accounts'),
    skipped: z
      .array(
        z.object({
          accountId: z.string(),
          exclusion: ExclusionReason,
          why: ExcludedCaseSkip.describe(
            '`case_already_opened`: this campaign opened its case before; `open_case`: another open case holds its controls; `controls_changed`: none of its controls is still active; `out_of_scope`: its business line is not in the caller’s scopes',
          ),
          detail: z.string(),
          caseId: z.string().nullable().describe('the case this campaign opened for it before, if any'),
        }),
      )
      .describe('excluded accounts no case was opened for now, and why'),
  })
  .meta({ id: 'ExcludedCases' });
export type ExcludedCasesResult = z.infer<typeof ExcludedCasesResult>;
