import { z } from 'zod';
import { Control } from './controls.js';
import { RiskHints } from './riskTier.js';
import {
  AnswerChannel,
  BusinessLine,
  CaseDeadline,
  CaseStatus,
  CaseType,
  Channel,
  ControlKind,
  Department,
  EvidenceKind,
  ExclusionReason,
  RequiredRole,
  ReverificationMethod,
  Outcome,
  RiskTier,
  Severity,
} from './vocabulary.js';

export const Timestamp = z.string().meta({ format: 'date-time', description: 'RFC 3339 UTC timestamp' });

export const Note = z
  .object({
    id: z.string(),
    text: z.string(),
    by: z.string(),
    at: Timestamp,
  })
  .meta({ id: 'Note' });
export type Note = z.infer<typeof Note>;

export const Escalation = z
  .object({
    id: z.string(),
    department: Department,
    question: z.string(),
    requestedBy: z.string(),
    requestedAt: Timestamp,
    dueAt: Timestamp,
    status: z.enum(['open', 'answered']),
    reminded: z.boolean(),
    breached: z.boolean(),
    answer: z.string().nullable(),
    answeredBy: z.string().nullable(),
    answeredAt: Timestamp.nullable(),
  })
  .meta({ id: 'Escalation' });
export type Escalation = z.infer<typeof Escalation>;

export const InfoRequest = z
  .object({
    id: z.string(),
    question: z.string(),
    requestedBy: z.string(),
    requestedAt: Timestamp,
    dueAt: Timestamp,
    status: z.enum(['open', 'answered', 'expired']),
    answer: z.string().nullable(),
    answeredBy: z.string().nullable(),
    answeredVia: AnswerChannel.nullable()
      .optional()
      .describe('how the answer came: told to an agent (phone, e-mail, chat, ticket) or on the respond page'),
  })
  .meta({ id: 'InfoRequest' });
export type InfoRequest = z.infer<typeof InfoRequest>;

export const Approval = z
  .object({
    by: z.string(),
    at: Timestamp,
    comment: z.string().nullable(),
    countsAs: RequiredRole.nullable().describe('the required role this approval satisfies'),
  })
  .meta({ id: 'Approval' });
export type Approval = z.infer<typeof Approval>;

export const Evidence = z
  .object({
    kind: EvidenceKind,
    ref: z.string().describe('where the evidence is: a KYC reference, a call id, an order number'),
    note: z.string().optional(),
  })
  .meta({ id: 'Evidence' });
export type Evidence = z.infer<typeof Evidence>;

export const ProposalStatus = z
  .enum(['pending', 'approved', 'rejected', 'expired', 'withdrawn', 'voided'])
  .meta({ id: 'ProposalStatus' });
export type ProposalStatus = z.infer<typeof ProposalStatus>;

export const ProposalOffer = z
  .object({
    checker: z.string().describe('the checker drawn to decide first'),
    until: Timestamp.describe('until then only they may decide the proposal'),
    status: z
      .enum(['offered', 'decided', 'passed', 'expired'])
      .describe(
        'offered while it binds; decided once they approved or rejected; passed or expired, it is open to all',
      ),
    seed: z.string().describe('the seed of the draw: `drawOne(seed, candidates)` gives `checker` again'),
    candidates: z.array(z.string()).describe('the eligible checkers it was drawn from'),
    policyVersion: z.string().describe('the checker-routing policy that made the offer'),
  })
  .meta({ id: 'ProposalOffer' });
export type ProposalOffer = z.infer<typeof ProposalOffer>;

export const Proposal = z
  .object({
    id: z.string(),
    controlIds: z.array(z.string()),
    controlVersions: z
      .record(z.string(), z.number().int())
      .describe('versions the maker saw; approval is void if they change'),
    reasonCode: z.string(),
    justification: z.string(),
    evidence: z.array(Evidence),
    maker: z.string(),
    requiredApprovals: z.number().int(),
    requiredRole: RequiredRole.nullable().describe('the first of requiredRoles; null when none'),
    requiredRoles: z
      .array(RequiredRole)
      .describe(
        'roles each of which a distinct checker must hold: the tier’s, the reason code’s, the controls’ owners’',
      ),
    approvals: z.array(Approval),
    rejection: z.object({ by: z.string(), at: Timestamp, comment: z.string() }).nullable(),
    status: ProposalStatus,
    createdAt: Timestamp,
    expiresAt: Timestamp,
    decidedAt: Timestamp.nullable(),
    offer: ProposalOffer.nullable().describe(
      'where the tier routes random_first: the one checker the proposal was offered to first; null when open to all',
    ),
  })
  .meta({ id: 'Proposal' });
export type Proposal = z.infer<typeof Proposal>;

export const LiftStatus = z.enum(['monitoring', 'settled', 'reverted']).meta({ id: 'LiftStatus' });

export const Lift = z
  .object({
    id: z.string(),
    proposalId: z.string(),
    status: LiftStatus,
    liftedAt: Timestamp,
    snapshot: z.array(Control).describe('the controls as they were before the lift'),
    monitoringUntil: Timestamp,
    coolingOff: z
      .object({ controlId: z.string(), until: Timestamp, status: z.enum(['active', 'lifted', 'kept']) })
      .nullable()
      .describe('the withdrawal lock put on after an unbind'),
    revert: z
      .object({
        requestedBy: z.string(),
        reason: z.string(),
        requestedAt: Timestamp,
        completedAt: Timestamp,
        withdrawalLockId: z.string().nullable(),
        late: z.boolean().optional().describe('true when the lift was reverted after its case had closed'),
        alreadyReapplied: z
          .array(z.string())
          .optional()
          .describe('controls someone else had put back before the late revert reached them'),
        followUpCaseId: z.string().nullable().optional().describe('the review case a late revert opened'),
      })
      .nullable()
      .describe('set once the compensation has put the controls back'),
  })
  .meta({ id: 'Lift' });
export type Lift = z.infer<typeof Lift>;

export const RiskSignalRecord = z
  .object({
    signal: z.string(),
    severity: Severity,
    occurredAt: Timestamp,
    receivedAt: Timestamp,
    actedOn: z.boolean().describe('true when it reverted a lift'),
  })
  .meta({ id: 'RiskSignalRecord' });
export type RiskSignalRecord = z.infer<typeof RiskSignalRecord>;

export const AfterReview = z
  .object({
    controlId: z.string(),
    kind: ControlKind,
    appliedBy: z.string(),
    reason: z.string(),
    dueAt: Timestamp,
    status: z.enum(['open', 'done', 'overdue']),
  })
  .meta({ id: 'AfterReview' });
export type AfterReview = z.infer<typeof AfterReview>;

export const Reverification = z
  .object({
    id: z.string(),
    proposalId: z.string(),
    requestedAt: Timestamp,
    dueAt: Timestamp,
    status: z.enum(['pending', 'passed', 'failed', 'expired']),
    method: ReverificationMethod.nullable(),
    recordedBy: z.string().nullable(),
  })
  .meta({ id: 'Reverification' });
export type Reverification = z.infer<typeof Reverification>;

export const AccountHistoryEntry = z.object({
  caseId: z.string(),
  type: CaseType,
  liftId: z.string(),
  liftedAt: Timestamp,
  status: LiftStatus,
  revertedAt: Timestamp.nullable(),
  lateRevert: z.boolean(),
});
export type AccountHistoryEntry = z.infer<typeof AccountHistoryEntry>;

/** The lift a review case looks at again, after a late revert or a risk signal. */
export const LiftLink = z.object({
  caseId: z.string(),
  liftId: z.string(),
  why: z.enum(['late_revert', 'risk_signal']),
});
export type LiftLink = z.infer<typeof LiftLink>;

/** The incident campaign that left this account to an ordinary case, and why. */
export const CampaignLink = z.object({
  campaignId: z.string(),
  why: z.literal('campaign_exclusion'),
  exclusion: ExclusionReason,
});
export type CampaignLink = z.infer<typeof CampaignLink>;

export const CaseLink = z.union([LiftLink, CampaignLink]);
export type CaseLink = z.infer<typeof CaseLink>;

export const Case = z.object({
  id: z.string(),
  type: CaseType,
  status: CaseStatus,
  // A union, not `.nullable()`: the OpenAPI generator would otherwise write the shared Outcome as nullable.
  outcome: z.union([Outcome, z.null()]),
  accountId: z.string(),
  businessLine: BusinessLine,
  channel: Channel,
  riskTier: RiskTier,
  riskReasons: z.array(z.string()),
  subject: z.string(),
  description: z.string(),
  controlIds: z.array(z.string()),
  controlOwners: z
    .record(z.string(), Control.pick({ source: true, externalRef: true }))
    .describe('who owns each named control, as the registry said at intake'),
  externalRef: z.string().nullable(),
  hints: RiskHints,
  assignee: z.string().nullable(),
  createdBy: z.string(),
  slaBreached: z.boolean().describe('an escalation, an after-review or a case deadline was missed'),
  firstResponseDueAt: Timestamp.nullable().describe(
    'when the case must have been claimed, by the policy for its type, channel and tier; null for cases opened before case deadlines',
  ),
  resolutionDueAt: Timestamp.nullable().describe(
    'when the case must be closed or its lift carried out; null for cases opened before case deadlines',
  ),
  missedDeadlines: z.array(CaseDeadline).describe('the case deadlines it missed, which flagged it'),
  escalations: z.array(Escalation),
  proposals: z.array(Proposal),
  notes: z.array(Note),
  infoRequests: z.array(InfoRequest),
  lifts: z.array(Lift),
  riskSignals: z.array(RiskSignalRecord),
  afterReviews: z.array(AfterReview),
  reverifications: z
    .array(Reverification)
    .describe('the user proving again that they own the account, before an unbind is carried out'),
  revertRequest: z
    .object({ requestedBy: z.string(), reason: z.string(), requestedAt: Timestamp })
    .nullable()
    .describe('a revert asked for and not yet completed'),
  accountHistory: z
    .array(AccountHistoryEntry)
    .describe('earlier lifts on the same account, and their reverts, as they stood when this case opened'),
  linkedTo: CaseLink.nullable().describe(
    'the lift this case reviews, when a late revert or a risk signal opened it; or the campaign that excluded its account',
  ),
  reasonCodeVersion: z
    .string()
    .nullable()
    .describe('the reason-code matrix this case follows; null for cases opened before there was one'),
  resolution: z.object({ by: z.string(), summary: z.string() }).nullable(),
  step: z.string().describe('the step the case is in, in words'),
  revision: z.number().int().describe('increases with every accepted change'),
  workflowId: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  firstClaimedAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
});
export type Case = z.infer<typeof Case>;
