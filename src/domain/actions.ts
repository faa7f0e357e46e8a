import { z } from 'zod';
import { RiskHints } from './riskTier.js';
import { upgradeEvidence } from './case.js';
import { ReasonCodeName } from './policy.js';
import { BusinessLine, CaseType, Channel, Department, EvidenceKind, Severity } from './vocabulary.js';

/**
 * Inputs that cross from outside into a case. The HTTP edge validates request bodies with these, and the
 * workflow's update validators parse them again: the workflow never trusts the API alone.
 */

/** Tabs and newlines are text; other control characters only ever arrive by mistake or in an attack. */
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Half a surrogate pair is no character: PostgreSQL refuses it in jsonb, so it must never be accepted. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Free text from outside: trimmed, bounded, printable and storable as it came. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !controlCharacters.test(s), 'must not contain control characters')
    .refine((s) => !loneSurrogate.test(s), 'must be well-formed unicode');

export const AccountId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'letters, digits, and . _ : - only; at most 64 characters');

export const EntityId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'not a valid id');

const earliestStorable = Date.parse('0001-01-01T00:00:00.000Z');
const latestStorable = Date.parse('9999-12-31T23:59:59.999Z');

/** Instants PostgreSQL can store: years 1 to 9999 in UTC (an offset can push an ISO string past either end). */
export function isStorableInstant(iso: string): boolean {
  const at = Date.parse(iso);
  return at >= earliestStorable && at <= latestStorable;
}

export const CreateCaseInput = z.strictObject({
  type: CaseType,
  accountId: AccountId,
  businessLine: BusinessLine,
  channel: Channel,
  subject: text(200),
  description: text(10_000),
  controlIds: z.array(EntityId).max(20).optional(),
  externalRef: text(200).optional(),
  hints: RiskHints.optional(),
});
export type CreateCaseInput = z.infer<typeof CreateCaseInput>;

export const NoteInput = z.strictObject({ text: text(5_000) });
export const InfoRequestInput = z.strictObject({ question: text(2_000) });
export const InfoResponseInput = z.strictObject({ answer: text(5_000) });

export const EscalateInput = z.strictObject({
  department: Department,
  question: text(2_000),
  slaMinutes: z
    .number()
    .positive()
    .max(30 * 24 * 60, 'must be at most 30 days')
    .optional()
    .describe('overrides the policy SLA for this department; fractions allowed'),
});
export const AnswerEscalationInput = z.strictObject({ answer: text(5_000) });

export const EvidenceInput = z
  .strictObject({ kind: EvidenceKind, ref: text(500), note: text(2_000).optional() })
  .meta({ id: 'EvidenceInput' });

export const ProposeInput = z.strictObject({
  controlIds: z
    .array(EntityId)
    .min(1, 'name at least one control')
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a control'),
  reasonCode: ReasonCodeName.describe(
    'one of the codes `GET /v1/policy/reason-codes` lists for the case type',
  ),
  justification: text(5_000),
  evidence: z
    .array(
      z.union([
        EvidenceInput,
        text(500)
          .transform((ref) => upgradeEvidence(ref))
          .describe('deprecated: plain text, recorded as evidence of kind `other`'),
      ]),
    )
    .max(20)
    .optional()
    .describe('what the reason code requires, by kind'),
});

export const ApproveInput = z.strictObject({ comment: text(2_000).optional() });
export const RejectInput = z.strictObject({ comment: text(2_000) });

export const ResolveOutcome = z.enum(['resolved_no_action', 'rejected', 'withdrawn', 'reverted']);
export const ResolveInput = z.strictObject({
  outcome: ResolveOutcome.describe('`reverted` only closes a case whose lift was reverted'),
  summary: text(5_000),
});

export const RevertInput = z.strictObject({ reason: text(2_000) });

export const RiskSignalInput = z.strictObject({
  accountId: AccountId,
  signal: z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'a lower-case signal name such as "login.anomaly"'),
  severity: Severity,
  occurredAt: z.iso.datetime({ offset: true }),
});

export type NoteInput = z.infer<typeof NoteInput>;
export type InfoRequestInput = z.infer<typeof InfoRequestInput>;
export type InfoResponseInput = z.infer<typeof InfoResponseInput>;
export type EscalateInput = z.infer<typeof EscalateInput>;
export type AnswerEscalationInput = z.infer<typeof AnswerEscalationInput>;
export type ProposeInput = z.infer<typeof ProposeInput>;
export type ApproveInput = z.infer<typeof ApproveInput>;
export type RejectInput = z.infer<typeof RejectInput>;
export type ResolveInput = z.infer<typeof ResolveInput>;
export type RevertInput = z.infer<typeof RevertInput>;
export type RiskSignalInput = z.infer<typeof RiskSignalInput>;
