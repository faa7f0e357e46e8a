import { z } from 'zod';
import { deepMerge, defaultPolicyInput, parseDuration } from '../policy.js';
import {
  AssignmentMode,
  BusinessLine,
  CaseType,
  Channel,
  CheckerRouting,
  Department,
  EvidenceKind,
  RequiredRole,
  RiskTier,
} from './vocabulary.js';

/** A duration written as `"90s"`, `"24h"`, `"7d"` (or a number of milliseconds); parsed to milliseconds. */
export const Duration = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : parseDuration(value);
  if (ms === undefined || ms <= 0 || !Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected a positive duration such as "30s", "24h" or "7d"' });
    return z.NEVER;
  }
  return ms;
});

const Quorum = z
  .strictObject({
    approvals: z.number().int().min(1).max(5),
    requiredRole: RequiredRole.optional(),
  })
  .describe('approvals needed from distinct checkers, and a role one of them must hold');

export const ReasonCodeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,63}$/, 'a lower_snake_case code such as "verified_owner"');

export const ReasonCodeRule = z
  .strictObject({
    description: z.string().min(1),
    evidence: z.array(EvidenceKind).describe('evidence kinds a proposal with this reason must carry'),
    approverRole: RequiredRole.optional().describe(
      'a role one of the checkers must hold, besides what the tier asks',
    ),
    monitoringWindow: Duration.optional().describe('replaces the tier’s monitoring window'),
    coolingOff: Duration.optional().describe('replaces the withdrawal lock after an unbind'),
    revertOnSignal: z
      .boolean()
      .optional()
      .describe('a high or critical risk signal after the case closed reverts the lift at once'),
  })
  .describe('what a reason code demands of a proposal');

const ReasonCodes = z.record(ReasonCodeName, ReasonCodeRule);

export const ReasonCodeMatrix = z
  .strictObject({
    version: z.string().min(1).describe('cases pin the version they started with'),
    complaint: ReasonCodes,
    unfreeze: ReasonCodes,
    unbind: ReasonCodes,
  })
  .describe('for each case type, the reason codes a proposal may give');

const perTier = <T extends z.ZodType>(value: T) =>
  z.strictObject({ low: value, medium: value, high: value, critical: value });

const DeadlineOverride = z
  .strictObject({
    type: CaseType.optional(),
    channel: Channel.optional(),
    riskTier: RiskTier.optional(),
    firstResponse: Duration.optional(),
    resolution: Duration.optional(),
  })
  .describe('due times for the cases that match every field given');

export const CaseDeadlines = z
  .strictObject({
    firstResponse: perTier(Duration).describe('from opening to the first claim'),
    resolution: perTier(Duration).describe('from opening to the case closed or its lift carried out'),
    overrides: z
      .array(DeadlineOverride)
      .describe(
        'by type, channel and tier: the first override that matches a case and names a due time sets it',
      ),
  })
  .describe('what every case owes by when; a missed one flags the case like a missed escalation SLA');

export const AssignmentPolicy = z
  .strictObject({
    version: z.string().min(1).describe('written with every assignment the policy makes'),
    default: AssignmentMode.describe('for the business lines not listed'),
    businessLines: z.partialRecord(BusinessLine, AssignmentMode),
  })
  .describe(
    'how new cases find an agent, per business line: manual (they wait in the queue), round_robin or least_loaded among the agents in scope who are not away',
  );

export const CheckerRoutingPolicy = z
  .strictObject({
    version: z.string().min(1).describe('written with every offer the routing makes'),
    tiers: perTier(CheckerRouting).describe(
      'open: any eligible checker decides; random_first: one eligible checker drawn at random decides alone until the offer expires or they pass it on',
    ),
    offerExpiry: Duration.describe('how long the drawn checker alone may decide'),
  })
  .describe('how a proposal reaches checkers, per risk tier');

export const Policy = z.strictObject({
  approval: z.strictObject({
    expiry: Duration,
    reminder: Duration.describe(
      'a proposal still undecided this long after it was made reminds its checkers, once; none when not before the expiry',
    ),
    quorum: perTier(Quorum),
  }),
  infoRequest: z.strictObject({ wait: Duration }),
  escalation: z.strictObject({
    defaultSla: Duration,
    departmentSla: z.partialRecord(Department, Duration),
  }),
  monitoring: z.strictObject({ window: perTier(Duration) }),
  coolingOff: z.strictObject({ withdrawalLock: Duration }),
  breakGlass: z.strictObject({ afterReviewWithin: Duration }),
  caseDeadlines: CaseDeadlines,
  reverification: z.strictObject({
    wait: Duration.describe('how long the user has to re-verify before an unbind'),
  }),
  reasonCodes: ReasonCodeMatrix,
  revert: z.strictObject({
    window: Duration.describe('how long after its case closed a lift can still be reverted'),
  }),
  activities: z.strictObject({
    attemptTimeout: Duration.describe('bound on one attempt of an activity before it is retried'),
  }),
  access: z.strictObject({
    grantExpiry: Duration.describe('how long a grant of privilege waits for a second admin'),
  }),
  fourEyes: z
    .strictObject({
      quickDecision: Duration.describe(
        'a decision taken faster than this after the first view counts as quick',
      ),
      concentration: z.strictObject({
        share: z
          .number()
          .min(0)
          .max(1)
          .describe('a maker is flagged when one checker decided more than this share of their proposals'),
        minProposals: z
          .number()
          .int()
          .min(1)
          .describe('…and the maker has at least this many decided proposals in the window'),
      }),
    })
    .describe('what the four-eyes report flags'),
  campaigns: z
    .strictObject({
      approval: z
        .strictObject({
          approvals: z.number().int().min(2).max(5),
          roles: z.array(RequiredRole).max(2),
        })
        .describe('distinct approvers a campaign needs, none of them its maker, and roles among them'),
      sample: z.strictObject({
        minimum: z.number().int().min(1).describe('the sample is max(minimum, ⌈√n⌉) accounts'),
      }),
      canary: z.strictObject({
        share: z.number().gt(0).max(1).describe('share of the included accounts lifted first'),
        minimum: z.number().int().min(1),
      }),
      soak: Duration.describe('how long the canary is watched for risk signals before the batches'),
      liftsPerSecond: z
        .number()
        .int()
        .min(1)
        .max(1_000)
        .describe('lifts a second against the account service'),
      signalLookBack: Duration.describe('a high or critical signal this recent excludes an account'),
      monitoringWindow: Duration.describe('how long each lifted account is watched for risk signals'),
      historyLimit: z
        .number()
        .int()
        .min(100)
        .max(40_000)
        .optional()
        .describe(
          'history events after which a campaign hands its state to a fresh run (continue-as-new) between waves; campaigns proposed before it existed use 2,000',
        ),
    })
    .describe('incident lift campaigns'),
  assignment: AssignmentPolicy,
  checkerRouting: CheckerRoutingPolicy,
});
/** The parsed policy: every duration in milliseconds. */
export type Policy = z.output<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

export type ReasonCodeRule = z.output<typeof ReasonCodeRule>;

/** Defaults overlaid with an override document (for example the DUALKEY_POLICY file), then validated. */
export function resolvePolicy(override: unknown = {}): z.ZodSafeParseResult<Policy> {
  return Policy.safeParse(deepMerge(defaultPolicyInput, override));
}
