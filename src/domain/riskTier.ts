import type { RiskHints } from './schemas/riskTier.js';
import type { BusinessLine, CaseType, ControlKind, RiskTier } from './vocabulary.js';
import { riskTierRank, riskTiers } from './vocabulary.js';

export type { RiskHints } from './schemas/riskTier.js';

export interface RiskInput {
  type: CaseType;
  businessLine: BusinessLine;
  controls: readonly { kind: ControlKind; reason: string }[];
  hints?: RiskHints | undefined;
  /** Earlier lifts on the same account: when each happened, and whether it was reverted. */
  earlierLifts?: readonly { liftedAt: string; status: string }[] | undefined;
  /** The revert window and now: an earlier lift inside the window makes this a repeat. */
  repeatWithin?: { windowMs: number; now: string } | undefined;
}

/** Earlier lifts still inside the revert window: another unfreeze so soon is a pattern worth a higher tier. */
export function repeatLifts(
  earlier: readonly { liftedAt: string }[],
  repeatWithin: { windowMs: number; now: string },
): number {
  const since = Date.parse(repeatWithin.now) - repeatWithin.windowMs;
  return earlier.filter((lift) => Date.parse(lift.liftedAt) >= since).length;
}

export interface RiskAssessment {
  tier: RiskTier;
  reasons: string[];
}

const baseByType: Record<CaseType, RiskTier> = { complaint: 'low', unfreeze: 'low', unbind: 'medium' };

/** Lifting these is as risky as this: a withdrawal path or an account-recovery factor is high. */
const tierByKind: Record<ControlKind, RiskTier> = {
  login_lock: 'low',
  trading_lock: 'medium',
  withdrawal_lock: 'high',
  account_freeze: 'high',
  device: 'medium',
  email: 'high',
  phone: 'high',
  totp: 'high',
  withdrawal_address: 'high',
};

/** Words in a control's recorded reason that say why it was put on; the first matching row wins. */
const reasonRules: readonly { pattern: RegExp; tier: RiskTier; label: string }[] = [
  {
    pattern: /sanction|\baml\b|laundering|law[ -]?enforcement|court|subpoena/i,
    tier: 'critical',
    label: 'regulatory',
  },
  { pattern: /fraud|takeover|theft|stolen|compromis|scam|phish/i, tier: 'high', label: 'fraud' },
];

/** Lines where money leaves the exchange quickly are at least medium. */
const tierByBusinessLine: Partial<Record<BusinessLine, RiskTier>> = {
  p2p: 'medium',
  card: 'medium',
  fiat: 'medium',
};

function max(a: RiskTier, b: RiskTier): RiskTier {
  return riskTierRank[a] >= riskTierRank[b] ? a : b;
}

function raise(tier: RiskTier): RiskTier {
  return riskTiers[Math.min(riskTierRank[tier] + 1, 3)] ?? 'critical';
}

/** The risk tier of a case at intake. Pure; every input that moved the tier is named in `reasons`. */
export function assessRiskTier(input: RiskInput): RiskAssessment {
  let tier = baseByType[input.type];
  const reasons = [`${input.type} case starts at ${tier}`];
  const consider = (candidate: RiskTier, why: string) => {
    if (riskTierRank[candidate] > riskTierRank[tier]) reasons.push(why);
    tier = max(tier, candidate);
  };

  for (const control of input.controls) {
    consider(tierByKind[control.kind], `lifting ${control.kind} is ${tierByKind[control.kind]}`);
    const rule = reasonRules.find((r) => r.pattern.test(control.reason));
    if (rule) consider(rule.tier, `${control.kind} was applied for a ${rule.label} reason`);
  }
  const lineTier = tierByBusinessLine[input.businessLine];
  if (lineTier) consider(lineTier, `business line ${input.businessLine} is at least ${lineTier}`);
  if (input.hints?.suspectedAccountTakeover) consider('high', 'suspected account takeover');
  if (input.hints?.lawEnforcementRequest) consider('critical', 'law-enforcement request');
  if (input.hints?.highValueAccount && tier !== 'critical') {
    tier = raise(tier);
    reasons.push(`high-value account raises it to ${tier}`);
  }
  const repeats =
    input.type === 'complaint' || !input.repeatWithin
      ? 0
      : repeatLifts(input.earlierLifts ?? [], input.repeatWithin);
  if (repeats > 0 && tier !== 'critical') {
    tier = raise(tier);
    reasons.push(
      `${repeats} earlier lift${repeats === 1 ? '' : 's'} on the account within the revert window raise it to ${tier}`,
    );
  }
  return { tier, reasons };
}
