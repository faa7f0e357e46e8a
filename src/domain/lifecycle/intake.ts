import type { CreateCaseInput } from '../schemas/actions.js';
import type { AccountHistoryEntry, Case, CaseLink } from '../case.js';
import { caseStartsWith, workflowIdFor } from '../case.js';
import type { Control } from '../controls.js';
import { DomainError } from '../errors.js';
import type { RiskAssessment } from '../riskTier.js';
import { assessRiskTier } from '../riskTier.js';
import { liftableCategories } from '../vocabulary.js';
import type { Policy } from '../policy.js';
import { caseDeadlinesMs } from '../policy.js';
import type { AuditEntry } from './rule.js';
import { addMs, describeStep } from './rule.js';

/**
 * Checks the controls a new case names against the registry's view of the account: each must exist,
 * belong to the account, be active, and be of a category this case type may lift.
 */
export function checkNamedControls(input: CreateCaseInput, found: readonly Control[]): void {
  const ids = input.controlIds ?? [];
  if (input.type !== 'complaint' && ids.length === 0) {
    throw new DomainError('validation_failed', `a ${input.type} case must name the controls to lift`, [
      { path: 'controlIds', message: 'required for unfreeze and unbind cases' },
    ]);
  }
  if (new Set(ids).size !== ids.length) {
    throw new DomainError('validation_failed', 'controlIds repeats a control', [
      { path: 'controlIds', message: 'must not repeat a control' },
    ]);
  }
  const problems = ids.flatMap((id, index) => {
    const control = found.find((c) => c.id === id);
    const path = `controlIds.${index}`;
    if (!control || control.accountId !== input.accountId) {
      return [{ path, message: `${id} is not a control of account ${input.accountId}` }];
    }
    if (control.status !== 'active') return [{ path, message: `${id} is not active` }];
    if (!liftableCategories[input.type].includes(control.category)) {
      return [{ path, message: `${id} is a ${control.category}; a ${input.type} case cannot lift it` }];
    }
    return [];
  });
  if (problems.length > 0) {
    throw new DomainError('validation_failed', 'some named controls cannot be lifted by this case', problems);
  }
}

export function assessIntake(
  input: CreateCaseInput,
  controls: readonly Control[],
  history?: { earlier: readonly AccountHistoryEntry[]; windowMs: number; now: string },
): RiskAssessment {
  const named = controls.filter((c) => input.controlIds?.includes(c.id));
  return assessRiskTier({
    type: input.type,
    businessLine: input.businessLine,
    controls: named.map((c) => ({ kind: c.kind, reason: c.reason })),
    hints: input.hints,
    earlierLifts: history?.earlier,
    repeatWithin: history && { windowMs: history.windowMs, now: history.now },
  });
}

/** Every lift the account's earlier cases made, newest first, as the new case will show them. */
export function accountHistoryOf(earlier: readonly Case[]): AccountHistoryEntry[] {
  return earlier
    .flatMap((c) =>
      c.lifts.map((lift) => ({
        caseId: c.id,
        type: c.type,
        liftId: lift.id,
        liftedAt: lift.liftedAt,
        status: lift.status,
        revertedAt: lift.revert?.completedAt ?? null,
        lateRevert: lift.revert?.late ?? false,
      })),
    )
    .sort((a, b) => b.liftedAt.localeCompare(a.liftedAt));
}

export interface Pinned {
  /** The registry's view of the named controls, whose owners the case remembers. */
  controls?: readonly Control[];
  /** The version of the reason-code matrix the case will follow; without it, none is enforced. */
  reasonCodeVersion?: string;
  accountHistory?: AccountHistoryEntry[];
  linkedTo?: CaseLink;
  /** The policy whose case deadlines the case owes; without it, it owes none. */
  policy?: Policy;
}

export function openCase(
  id: string,
  input: CreateCaseInput,
  risk: RiskAssessment,
  createdBy: string,
  createdAt: string,
  pinned: Pinned = {},
): Case {
  const named = (pinned.controls ?? []).filter((ctl) => input.controlIds?.includes(ctl.id));
  const c: Case = {
    ...caseStartsWith(),
    id,
    type: input.type,
    accountId: input.accountId,
    businessLine: input.businessLine,
    channel: input.channel,
    riskTier: risk.tier,
    riskReasons: risk.reasons,
    subject: input.subject,
    description: input.description,
    controlIds: input.controlIds ?? [],
    controlOwners: Object.fromEntries(
      named.map((ctl) => [ctl.id, { source: ctl.source, externalRef: ctl.externalRef }]),
    ),
    reasonCodeVersion: pinned.reasonCodeVersion ?? null,
    accountHistory: pinned.accountHistory ?? [],
    linkedTo: pinned.linkedTo ?? null,
    externalRef: input.externalRef ?? null,
    hints: input.hints ?? {},
    createdBy,
    step: '',
    workflowId: workflowIdFor(id),
    createdAt,
    updatedAt: createdAt,
  };
  if (pinned.policy) {
    const due = caseDeadlinesMs(pinned.policy, c);
    c.firstResponseDueAt = addMs(createdAt, due.first_response);
    c.resolutionDueAt = addMs(createdAt, due.resolution);
  }
  return { ...c, step: describeStep(c) };
}

/** A new case's revision, which its opening entry produced. */
export const OPENING_REVISION = 0;

/** The first entry of every case's audit trail: who opened it, when, and the risk it was assessed at. */
export function openingEntry(c: Case): AuditEntry & { revision: typeof OPENING_REVISION } {
  return {
    action: 'case.opened',
    actor: c.createdBy,
    at: c.createdAt,
    details: { accountId: c.accountId, type: c.type, riskTier: c.riskTier, reasons: c.riskReasons },
    revision: OPENING_REVISION,
  };
}
