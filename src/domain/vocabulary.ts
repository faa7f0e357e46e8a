import { z } from 'zod';

export const CaseType = z.enum(['complaint', 'unfreeze', 'unbind']).meta({ id: 'CaseType' });
export type CaseType = z.infer<typeof CaseType>;

export const CaseStatus = z
  .enum([
    'open',
    'in_review',
    'awaiting_info',
    'awaiting_approval',
    'executing',
    'monitoring',
    'reverted',
    'closed',
  ])
  .meta({ id: 'CaseStatus' });
export type CaseStatus = z.infer<typeof CaseStatus>;

export const Outcome = z
  .enum(['lifted', 'rejected', 'resolved_no_action', 'reverted', 'withdrawn', 'expired'])
  .meta({ id: 'Outcome' });
export type Outcome = z.infer<typeof Outcome>;

export const RiskTier = z.enum(['low', 'medium', 'high', 'critical']).meta({ id: 'RiskTier' });
export type RiskTier = z.infer<typeof RiskTier>;
export const riskTierRank: Record<RiskTier, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export const BusinessLine = z
  .enum(['spot', 'derivatives', 'margin', 'p2p', 'earn', 'wallet', 'card', 'fiat'])
  .meta({ id: 'BusinessLine' });
export type BusinessLine = z.infer<typeof BusinessLine>;

export const Channel = z.enum(['phone', 'email', 'chat', 'ticket', 'internal']).meta({ id: 'Channel' });
export type Channel = z.infer<typeof Channel>;

export const Department = z
  .enum(['technical', 'customer_service', 'compliance', 'security', 'payments', 'legal', 'risk_ops'])
  .meta({ id: 'Department' });
export type Department = z.infer<typeof Department>;

export const Severity = z.enum(['low', 'medium', 'high', 'critical']).meta({ id: 'Severity' });
export type Severity = z.infer<typeof Severity>;

export const ControlCategory = z.enum(['restriction', 'binding']).meta({ id: 'ControlCategory' });
export type ControlCategory = z.infer<typeof ControlCategory>;

export const RestrictionKind = z.enum(['account_freeze', 'withdrawal_lock', 'trading_lock', 'login_lock']);
export type RestrictionKind = z.infer<typeof RestrictionKind>;

export const BindingKind = z.enum(['totp', 'phone', 'email', 'device', 'withdrawal_address']);
export type BindingKind = z.infer<typeof BindingKind>;

export const ControlKind = z
  .enum([...RestrictionKind.options, ...BindingKind.options])
  .meta({ id: 'ControlKind' });
export type ControlKind = z.infer<typeof ControlKind>;

/** Who put a control on, and so who owns the decision to lift it. */
export const ControlSource = z
  .enum(['risk_rule', 'manual_review', 'user_request', 'security_incident', 'compliance', 'law_enforcement'])
  .meta({ id: 'ControlSource' });
export type ControlSource = z.infer<typeof ControlSource>;

/** Kinds of evidence a proposal can carry; `other` is what evidence recorded as plain text becomes. */
export const EvidenceKind = z
  .enum([
    'kyc_reference',
    'video_call_id',
    'device_check',
    'support_ticket',
    'legal_release',
    'chargeback_reference',
    'other',
  ])
  .meta({ id: 'EvidenceKind' });
export type EvidenceKind = z.infer<typeof EvidenceKind>;

export const ControlStatus = z.enum(['active', 'lifted']).meta({ id: 'ControlStatus' });
export type ControlStatus = z.infer<typeof ControlStatus>;

export function categoryOf(kind: ControlKind): ControlCategory {
  return (RestrictionKind.options as readonly string[]).includes(kind) ? 'restriction' : 'binding';
}

/** Which control category each case type may ask to lift. Complaints may name either. */
export const liftableCategories: Record<CaseType, readonly ControlCategory[]> = {
  complaint: ['restriction', 'binding'],
  unfreeze: ['restriction'],
  unbind: ['binding'],
};
