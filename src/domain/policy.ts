import { z } from 'zod';
import type { CaseType, RiskTier } from './vocabulary.js';
import { Department, EvidenceKind } from './vocabulary.js';

const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Math.round(Number(amount) * units[unit as keyof typeof units]);
}

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
    requiredRole: z.enum(['senior', 'compliance']).optional(),
  })
  .describe('approvals needed from distinct checkers, and a role one of them must hold');

export const ReasonCodeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,63}$/, 'a lower_snake_case code such as "verified_owner"');

export const ReasonCodeRule = z
  .strictObject({
    description: z.string().min(1),
    evidence: z.array(EvidenceKind).describe('evidence kinds a proposal with this reason must carry'),
    approverRole: z
      .enum(['senior', 'compliance'])
      .optional()
      .describe('a role one of the checkers must hold, besides what the tier asks'),
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

export const Policy = z.strictObject({
  approval: z.strictObject({
    expiry: Duration,
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
});
/** The parsed policy: every duration in milliseconds. */
export type Policy = z.output<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

/** Reasons to lift a restriction, the same for a complaint and an unfreeze. */
const liftReasons = {
  verified_owner: { description: 'the agent verified the account owner', evidence: [] },
  kyc_reverified: { description: 'the owner passed KYC again', evidence: ['kyc_reference'] },
  false_positive: {
    description: 'a rule fired on legitimate activity',
    evidence: ['device_check'],
    revertOnSignal: true,
  },
  legal_release: {
    description: 'the authority that ordered the hold released it',
    evidence: ['legal_release'],
    approverRole: 'compliance',
  },
} satisfies PolicyInput['reasonCodes']['unfreeze'];

export const defaultPolicyInput = {
  approval: {
    expiry: '24h',
    quorum: {
      low: { approvals: 1 },
      medium: { approvals: 1 },
      high: { approvals: 2, requiredRole: 'senior' },
      critical: { approvals: 2, requiredRole: 'compliance' },
    },
  },
  infoRequest: { wait: '72h' },
  escalation: { defaultSla: '4h', departmentSla: { compliance: '8h', legal: '24h' } },
  monitoring: { window: { low: '24h', medium: '72h', high: '7d', critical: '14d' } },
  coolingOff: { withdrawalLock: '24h' },
  breakGlass: { afterReviewWithin: '24h' },
  reverification: { wait: '48h' },
  reasonCodes: {
    version: '2026-12-01',
    complaint: {
      ...liftReasons,
      support_resolved: { description: 'support confirmed the user’s account', evidence: ['support_ticket'] },
    },
    unfreeze: liftReasons,
    unbind: {
      verified_owner: { description: 'the agent verified the account owner', evidence: [] },
      lost_device: {
        description: 'the owner lost the bound device and proved who they are on a video call',
        evidence: ['video_call_id', 'kyc_reference'],
        approverRole: 'senior',
        coolingOff: '72h',
      },
    },
  },
  revert: { window: '90d' },
  activities: { attemptTimeout: '30s' },
  access: { grantExpiry: '24h' },
} satisfies PolicyInput;

export const defaultPolicy: Policy = Policy.parse(defaultPolicyInput);

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type PolicyOverride = DeepPartial<PolicyInput>;

function mapDurations(value: unknown, to: string): unknown {
  if (typeof value === 'string' && parseDuration(value) !== undefined) return to;
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mapDurations(inner, to)]));
}

/**
 * The default policy with every duration set to `to`: tests and recordings start from it, so a wait added
 * to the policy later is short there too without anyone listing it.
 */
export function everyDurationAs(to: string): PolicyOverride {
  return mapDurations(defaultPolicyInput, to) as PolicyOverride;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

/** Overrides laid over one another, later ones winning field by field. */
export function mergeOverrides(...overrides: PolicyOverride[]): PolicyOverride {
  return overrides.reduce<PolicyOverride>((merged, next) => deepMerge(merged, next) as PolicyOverride, {});
}

/** Defaults overlaid with an override document (for example the DUALKEY_POLICY file), then validated. */
export function resolvePolicy(override: unknown = {}): z.ZodSafeParseResult<Policy> {
  return Policy.safeParse(deepMerge(defaultPolicyInput, override));
}

export function escalationSlaMs(policy: Policy, department: Department, slaMinutes?: number): number {
  if (slaMinutes !== undefined) return Math.round(slaMinutes * 60_000);
  return policy.escalation.departmentSla[department] ?? policy.escalation.defaultSla;
}

export type ReasonCodeRule = z.output<typeof ReasonCodeRule>;

/** The rule of a reason code for a case type; undefined when the matrix has no such code. */
export function reasonCodeRule(policy: Policy, type: CaseType, code: string): ReasonCodeRule | undefined {
  return Object.hasOwn(policy.reasonCodes[type], code) ? policy.reasonCodes[type][code] : undefined;
}

export function monitoringWindowMs(policy: Policy, tier: RiskTier, reason?: ReasonCodeRule): number {
  return reason?.monitoringWindow ?? policy.monitoring.window[tier];
}
