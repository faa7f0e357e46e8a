/*
 * The words of the domain as plain lists: the zod schemas in `schemas/vocabulary.ts` are built from them,
 * and workflow code uses them without loading zod (every cached workflow run evaluates its imports anew).
 */

export type {
  BindingKind,
  BusinessLine,
  CaseDeadline,
  CaseStatus,
  CaseType,
  Channel,
  ControlCategory,
  ControlKind,
  ControlSource,
  ControlStatus,
  Department,
  EvidenceKind,
  Outcome,
  RestrictionKind,
  RiskTier,
  Severity,
  AssignmentMode,
  CheckerRouting,
} from './schemas/vocabulary.js';
import type { CaseType, ControlCategory, ControlKind, RiskTier } from './schemas/vocabulary.js';

export const caseTypes = ['complaint', 'unfreeze', 'unbind'] as const;

export const caseStatuses = [
  'open',
  'in_review',
  'awaiting_info',
  'awaiting_approval',
  'executing',
  'monitoring',
  'reverted',
  'closed',
] as const;

export const outcomes = [
  'lifted',
  'rejected',
  'resolved_no_action',
  'reverted',
  'withdrawn',
  'expired',
] as const;

/** In rising order: `riskTierRank` is the index. */
export const riskTiers = ['low', 'medium', 'high', 'critical'] as const;
export const riskTierRank: Record<RiskTier, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export const businessLines = [
  'spot',
  'derivatives',
  'margin',
  'p2p',
  'earn',
  'wallet',
  'card',
  'fiat',
] as const;

export const channels = ['phone', 'email', 'chat', 'ticket', 'internal'] as const;

/**
 * Why an incident campaign leaves an account it matched to an ordinary case, in the order they are
 * checked. Here, not beside the campaign rules, because a case opened for such an account names it too.
 */
export const exclusionReasons = [
  'protected_control',
  'open_case',
  'risk_signal',
  'repeat_lift',
  'high_value_account',
  'excluded_by_maker',
] as const;
export type ExclusionReason = (typeof exclusionReasons)[number];

/** What every case owes by a due time the policy sets: a first response (a claim), and a resolution. */
export const caseDeadlines = ['first_response', 'resolution'] as const;

/** How an answer to a question reached the case: told to an agent, or typed by the owner on the respond page. */
export const answerChannels = ['phone', 'email', 'chat', 'ticket', 'respond_link'] as const;
/** What an agent may record an answer as having come through; the respond link records itself. */
export const agentAnswerChannels = ['phone', 'email', 'chat', 'ticket'] as const;

/** Who answered a question the account owner was asked through the respond link. */
export const ACCOUNT_OWNER = 'account_owner';

export const departments = [
  'technical',
  'customer_service',
  'compliance',
  'security',
  'payments',
  'legal',
  'risk_ops',
] as const;

export const severities = ['low', 'medium', 'high', 'critical'] as const;

/** How a business line's new cases find their agent: left to the queue, in turn, or to the least busy. */
export const assignmentModes = ['manual', 'round_robin', 'least_loaded'] as const;

/** How a risk tier's proposals reach checkers: open to all, or offered to one drawn at random first. */
export const checkerRoutings = ['open', 'random_first'] as const;

export const controlCategories = ['restriction', 'binding'] as const;
export const restrictionKinds = ['account_freeze', 'withdrawal_lock', 'trading_lock', 'login_lock'] as const;
export const bindingKinds = ['totp', 'phone', 'email', 'device', 'withdrawal_address'] as const;
export const controlKinds = [...restrictionKinds, ...bindingKinds] as const;

/** Who put a control on, and so who owns the decision to lift it. */
export const controlSources = [
  'risk_rule',
  'manual_review',
  'user_request',
  'security_incident',
  'compliance',
  'law_enforcement',
] as const;

/** Kinds of evidence a proposal can carry; `other` is what evidence recorded as plain text becomes. */
export const evidenceKinds = [
  'kyc_reference',
  'video_call_id',
  'device_check',
  'support_ticket',
  'legal_release',
  'chargeback_reference',
  'other',
] as const;

export const controlStatuses = ['active', 'lifted'] as const;

/** How a user proves again that they own the account. */
export const reverificationMethods = ['video_call', 'selfie', 'document', 'in_person'] as const;

/** The roles whose approval a proposal can require beside the quorum. */
export const requiredRoles = ['senior', 'compliance'] as const;

export function categoryOf(kind: ControlKind): ControlCategory {
  return (restrictionKinds as readonly string[]).includes(kind) ? 'restriction' : 'binding';
}

/** Which control category each case type may ask to lift. Complaints may name either. */
export const liftableCategories: Record<CaseType, readonly ControlCategory[]> = {
  complaint: ['restriction', 'binding'],
  unfreeze: ['restriction'],
  unbind: ['binding'],
};

/** Whether `value` is one of `list`, narrowing it: for data the workflow takes from outside. */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}
