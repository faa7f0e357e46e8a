import type { Policy, PolicyInput, ReasonCodeRule } from './schemas/policy.js';
import type { CaseDeadline, CaseType, Channel, Department, RiskTier } from './vocabulary.js';

export type { Policy, PolicyInput, ReasonCodeRule } from './schemas/policy.js';

const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Math.round(Number(amount) * units[unit as keyof typeof units]);
}

/**
 * History events after which a campaign's run continues as new: the default, and the limit of campaigns
 * whose snapshotted policy predates `campaigns.historyLimit`.
 */
export const CAMPAIGN_HISTORY_LIMIT = 2_000;

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
    reminder: '4h',
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
  caseDeadlines: {
    firstResponse: { low: '24h', medium: '8h', high: '2h', critical: '30m' },
    resolution: { low: '10d', medium: '5d', high: '3d', critical: '1d' },
    // Someone who phoned in waits on the line, or for the call back.
    overrides: [
      { channel: 'phone', riskTier: 'low', firstResponse: '4h' },
      { channel: 'phone', riskTier: 'medium', firstResponse: '2h' },
    ],
  },
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
  fourEyes: { quickDecision: '20s', concentration: { share: 0.5, minProposals: 5 } },
  campaigns: {
    approval: { approvals: 2, roles: ['senior', 'compliance'] },
    sample: { minimum: 20 },
    canary: { share: 0.01, minimum: 10 },
    soak: '30m',
    liftsPerSecond: 20,
    signalLookBack: '7d',
    monitoringWindow: '24h',
    historyLimit: CAMPAIGN_HISTORY_LIMIT,
  },
  assignment: { version: '2026-12-07', default: 'manual', businessLines: {} },
  checkerRouting: {
    version: '2026-12-07',
    tiers: { low: 'open', medium: 'open', high: 'open', critical: 'open' },
    offerExpiry: '30m',
  },
} satisfies PolicyInput;

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type PolicyOverride = DeepPartial<PolicyInput>;

function mapDurations(value: unknown, to: (ms: number) => unknown): unknown {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms !== undefined) return to(ms);
  if (Array.isArray(value)) return value.map((inner: unknown) => mapDurations(inner, to));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mapDurations(inner, to)]));
}

/**
 * The default policy with its durations in milliseconds, as the `Policy` schema parses it (a unit test
 * holds the two equal). Computed here without the schema, because workflow code falls back to it and must
 * not load zod.
 */
export const defaultPolicy = mapDurations(defaultPolicyInput, (ms) => ms) as Policy;

/**
 * The default policy with every duration set to `to`: tests and recordings start from it, so a wait added
 * to the policy later is short there too without anyone listing it.
 */
export function everyDurationAs(to: string): PolicyOverride {
  return mapDurations(defaultPolicyInput, () => to) as PolicyOverride;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

/** Overrides laid over one another, later ones winning field by field. */
export function mergeOverrides(...overrides: PolicyOverride[]): PolicyOverride {
  return overrides.reduce<PolicyOverride>((merged, next) => deepMerge(merged, next) as PolicyOverride, {});
}

/**
 * When a proposal made at `createdAt` reminds its checkers, or undefined when the reminder would not come
 * before the expiry. A case started before reminders existed carries a snapshot without one and takes
 * the code's default.
 */
export function proposalReminderAt(policy: Policy, proposal: { createdAt: string; expiresAt: string }) {
  const reminder =
    (policy.approval as Partial<Policy['approval']>).reminder ?? defaultPolicy.approval.reminder;
  const at = Date.parse(proposal.createdAt) + reminder;
  return at < Date.parse(proposal.expiresAt) ? new Date(at).toISOString() : undefined;
}

export function escalationSlaMs(policy: Policy, department: Department, slaMinutes?: number): number {
  if (slaMinutes !== undefined) return Math.round(slaMinutes * 60_000);
  return policy.escalation.departmentSla[department] ?? policy.escalation.defaultSla;
}

/** The rule of a reason code for a case type; undefined when the matrix has no such code. */
export function reasonCodeRule(policy: Policy, type: CaseType, code: string): ReasonCodeRule | undefined {
  return Object.hasOwn(policy.reasonCodes[type], code) ? policy.reasonCodes[type][code] : undefined;
}

export function monitoringWindowMs(policy: Policy, tier: RiskTier, reason?: ReasonCodeRule): number {
  return reason?.monitoringWindow ?? policy.monitoring.window[tier];
}

/**
 * When a new case owes its first response and its resolution: the tier's due times, unless an override
 * matching the case's type, channel and tier names one. Cases started before the policy had deadlines
 * replay with a snapshot without them and get the code's defaults.
 */
export function caseDeadlinesMs(
  policy: Policy,
  c: { type: CaseType; channel: Channel; riskTier: RiskTier },
): Record<CaseDeadline, number> {
  const deadlines = policy.caseDeadlines;
  const matching = deadlines.overrides.filter(
    (o) =>
      (o.type === undefined || o.type === c.type) &&
      (o.channel === undefined || o.channel === c.channel) &&
      (o.riskTier === undefined || o.riskTier === c.riskTier),
  );
  return {
    first_response:
      matching.find((o) => o.firstResponse !== undefined)?.firstResponse ??
      deadlines.firstResponse[c.riskTier],
    resolution:
      matching.find((o) => o.resolution !== undefined)?.resolution ?? deadlines.resolution[c.riskTier],
  };
}
