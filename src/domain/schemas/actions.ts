import { z } from 'zod';
import { riskSignalName } from '../actions.js';
import { upgradeEvidence } from '../case.js';
import { ReasonCodeName } from './policy.js';
import { RiskHints } from './riskTier.js';
import {
  AgentAnswerChannel,
  AssignmentMode,
  BusinessLine,
  CaseType,
  Channel,
  Department,
  EvidenceKind,
  ReverificationMethod,
  Severity,
} from './vocabulary.js';

/**
 * Inputs that cross from outside into a case. The HTTP edge validates request bodies with these; the
 * workflow checks what it must in plain code (`../actions.ts`) and runs every rule again on its own state.
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

export const CreateCaseInput = z
  .strictObject({
    type: CaseType,
    accountId: AccountId,
    businessLine: BusinessLine,
    channel: Channel,
    subject: text(200),
    description: text(10_000),
    controlIds: z.array(EntityId).max(20).optional(),
    externalRef: text(200).optional(),
    hints: RiskHints.optional(),
  })
  .meta({
    examples: [
      {
        type: 'unfreeze',
        accountId: 'acct-20417',
        businessLine: 'spot',
        channel: 'ticket',
        subject: 'Account frozen after a password reset',
        description:
          'The user reset their password from a new phone and the account was frozen the same hour. They ask for it to be unfrozen; the new phone is theirs.',
        controlIds: ['ctl_5e0c1b9a7d3f2a61'],
        externalRef: 'ZD-118204',
      },
    ],
  });
export type CreateCaseInput = z.infer<typeof CreateCaseInput>;

export const NoteInput = z.strictObject({ text: text(5_000) }).meta({
  examples: [{ text: 'Called the user back: they confirm the withdrawal to the new address was theirs.' }],
});
export const InfoRequestInput = z.strictObject({ question: text(2_000) }).meta({
  examples: [{ question: 'Please send a photo of your ID next to a note with today’s date.' }],
});
export const InfoResponseInput = z
  .strictObject({
    answer: text(5_000),
    via: AgentAnswerChannel.optional().describe('how the user gave the answer; phone when omitted'),
  })
  .meta({
    examples: [
      { answer: 'The user sent the photo through the ticket; it matches the KYC record.', via: 'ticket' },
    ],
  });
/** The account owner's answer, typed on the respond page the link in their message opens. */
export const OwnerAnswerInput = z.strictObject({ infoRequestId: EntityId, answer: text(5_000) });
export type OwnerAnswerInput = z.infer<typeof OwnerAnswerInput>;

export const EscalateInput = z
  .strictObject({
    department: Department,
    question: text(2_000),
    slaMinutes: z
      .number()
      .positive()
      .max(30 * 24 * 60, 'must be at most 30 days')
      .optional()
      .describe('overrides the policy SLA for this department; fractions allowed'),
  })
  .meta({
    examples: [
      {
        department: 'security',
        question: 'Was the login from the new device on 24 November part of the takeover you investigated?',
        slaMinutes: 240,
      },
    ],
  });
export const AnswerEscalationInput = z.strictObject({ answer: text(5_000) }).meta({
  examples: [{ answer: 'No: that device passed 2FA and has been used by the owner since March.' }],
});

export const EvidenceInput = z
  .strictObject({ kind: EvidenceKind, ref: text(500), note: text(2_000).optional() })
  .meta({ id: 'EvidenceInput' });

export const ProposeInput = z
  .strictObject({
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
  })
  .meta({
    examples: [
      {
        controlIds: ['ctl_5e0c1b9a7d3f2a61'],
        reasonCode: 'kyc_reverified',
        justification:
          'The user passed a video call with support and the new phone matches their KYC record.',
        evidence: [
          { kind: 'kyc_reference', ref: 'KYC-2026-11-24-118', note: 'match report' },
          { kind: 'video_call_id', ref: 'VC-33817' },
        ],
      },
    ],
  });

export const ApproveInput = z.strictObject({ comment: text(2_000).optional() }).meta({
  examples: [{ comment: 'Evidence checked against the KYC record.' }],
});
export const RejectInput = z.strictObject({ comment: text(2_000) }).meta({
  examples: [{ comment: 'The video call was not recorded; ask the user for a new one.' }],
});

export const ResolveOutcome = z.enum(['resolved_no_action', 'rejected', 'withdrawn', 'reverted']);
export const ResolveInput = z
  .strictObject({
    outcome: ResolveOutcome.describe('`reverted` only closes a case whose lift was reverted'),
    summary: text(5_000),
  })
  .meta({
    examples: [
      {
        outcome: 'resolved_no_action',
        summary: 'Explained the daily withdrawal limit; nothing was blocked.',
      },
    ],
  });

export const AssignInput = z
  .strictObject({
    assignee: EntityId.describe(
      'the user who takes the case; `GET /v1/cases/{caseId}/assignees` lists who may',
    ),
    comment: text(2_000).optional(),
  })
  .meta({ examples: [{ assignee: 'usr_6s77bamRRi4a', comment: 'Lee covers p2p while Sam is away.' }] });

/** What the engine sends when the assignment policy hands a case over; no route takes it. */
export const AssignByPolicyInput = z.strictObject({
  assignee: EntityId.nullable().describe('null puts the case back in the queue'),
  from: EntityId.nullable().describe('the assignee the decision saw; null for a case nobody held'),
  policy: AssignmentMode,
  policyVersion: z.string().min(1),
  why: z.enum(['intake', 'assignee_away']),
  awayUntil: z.iso.datetime({ offset: true }).nullable(),
});
export type AssignByPolicyInput = z.infer<typeof AssignByPolicyInput>;

export const RevertInput = z.strictObject({ reason: text(2_000) }).meta({
  examples: [
    { reason: 'A withdrawal to an unknown address an hour after the lift: the takeover is not over.' },
  ],
});

export const RecordReverificationInput = z
  .strictObject({
    outcome: z.enum(['passed', 'failed']),
    method: ReverificationMethod,
  })
  .meta({ examples: [{ outcome: 'passed', method: 'video_call' }] });
export type RecordReverificationInput = z.infer<typeof RecordReverificationInput>;
export const RiskSignalInput = z
  .strictObject({
    accountId: AccountId,
    signal: z.string().regex(riskSignalName, 'a lower-case signal name such as "login.anomaly"'),
    severity: Severity,
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .meta({
    examples: [
      {
        accountId: 'acct-20417',
        signal: 'login.anomaly',
        severity: 'high',
        occurredAt: '2026-11-24T09:41:00Z',
      },
    ],
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
export type AssignInput = z.infer<typeof AssignInput>;
export type RiskSignalInput = z.infer<typeof RiskSignalInput>;
